package store_test

import (
	"os"
	"testing"

	"imageshare/internal/store"

	"imageshare/internal/store/storetest"
)

// pg is the PostgreSQL cluster when the suite runs on PostgreSQL
// (IMAGESHARE_TEST_BACKEND=postgres, as `make test` does in its second
// pass); nil means SQLite files.
var pg *storetest.Postgres

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, func(p *storetest.Postgres) { pg = p }))
}

// openStore is an empty store on a SQLite file or, in the PostgreSQL pass,
// a new PostgreSQL database; it is closed when the test ends.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	return storetest.Open(t, pg.DSN(t))
}
