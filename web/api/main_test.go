package api_test

import (
	"fmt"
	"os"
	"testing"

	"imageshare/internal/store/storetest"
)

// pg is the PostgreSQL cluster when the suite runs on PostgreSQL
// (IMAGESHARE_TEST_BACKEND=postgres); nil means SQLite files.
var pg *storetest.Postgres

func TestMain(m *testing.M) {
	if os.Getenv("IMAGESHARE_TEST_BACKEND") != "postgres" {
		os.Exit(m.Run())
	}
	if !storetest.PostgresAvailable() {
		fmt.Fprintln(os.Stderr, "IMAGESHARE_TEST_BACKEND=postgres but the PostgreSQL server is not installed (apt-get install postgresql)")
		os.Exit(1)
	}
	var err error
	if pg, err = storetest.StartPostgres(); err != nil {
		fmt.Fprintln(os.Stderr, "start PostgreSQL:", err)
		os.Exit(1)
	}
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}
