package sharing_test

import (
	"os"
	"testing"

	"imageshare/internal/store/storetest"
)

// pg is the PostgreSQL cluster when the suite runs on PostgreSQL
// (IMAGESHARE_TEST_BACKEND=postgres, as `make test` does in its second
// pass); nil means SQLite files.
var pg *storetest.Postgres

// tempDirs are directories that outlive one test (the benchmarks' world),
// removed when the package's tests end.
var tempDirs []string

func mkdirTemp() (string, error) {
	dir, err := os.MkdirTemp("", "imageshare-bench-")
	if err == nil {
		tempDirs = append(tempDirs, dir)
	}
	return dir, err
}

func TestMain(m *testing.M) {
	code := storetest.Run(m, func(p *storetest.Postgres) { pg = p })
	for _, d := range tempDirs {
		_ = os.RemoveAll(d)
	}
	os.Exit(code)
}
