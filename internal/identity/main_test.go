package identity_test

import (
	"os"
	"testing"

	"imageshare/internal/store/storetest"
)

// pg is the PostgreSQL cluster when the suite runs on PostgreSQL
// (IMAGESHARE_TEST_BACKEND=postgres, as `make test` does in its second
// pass); nil means SQLite files. Only the tests of two servers on one
// database use it (TestEverySessionEndsOnEveryServer): the others drive the
// kept sessions with a watch of their own, on SQLite.
var pg *storetest.Postgres

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, func(p *storetest.Postgres) { pg = p }))
}
