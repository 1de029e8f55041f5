package store_test

import (
	"os"
	"path/filepath"
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
	return openDSN(t, newDSN(t))
}

// newDSN names an empty database: a SQLite file or, in the PostgreSQL
// pass, a new PostgreSQL database.
func newDSN(t *testing.T) string {
	t.Helper()
	if pg == nil {
		return filepath.Join(t.TempDir(), "store.db")
	}
	dsn, err := pg.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// openDSN opens the store on dsn; it is closed when the test ends.
func openDSN(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
