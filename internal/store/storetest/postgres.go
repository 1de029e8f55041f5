// Package storetest starts throwaway databases for tests: a PostgreSQL
// cluster in a temporary directory, listening on 127.0.0.1 only; and opens
// stores on them, or on SQLite files, for a test.
package storetest

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for CREATE DATABASE

	"imageshare/internal/store"
)

// PGBin is where Debian installs the PostgreSQL 15 server binaries.
const PGBin = "/usr/lib/postgresql/15/bin"

// Postgres is a running throwaway cluster.
type Postgres struct {
	dir  string
	port int
	n    atomic.Int64
}

// PostgresAvailable reports whether the server binaries are installed.
func PostgresAvailable() bool {
	_, err := os.Stat(filepath.Join(PGBin, "initdb"))
	return err == nil
}

// StartPostgres initializes and starts a cluster (about half a second).
// As root it runs the server as the postgres user, which initdb requires.
func StartPostgres() (*Postgres, error) {
	dir, err := os.MkdirTemp("", "imageshare-pg-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	pg := &Postgres{dir: dir, port: port}
	if os.Geteuid() == 0 {
		if err := exec.Command("chown", "postgres:postgres", dir).Run(); err != nil {
			return nil, fmt.Errorf("chown %s: %w", dir, err)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := pg.command("initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "-D", data).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if out, err := pg.command("pg_ctl", "-w", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "start").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	return pg, nil
}

func (pg *Postgres) command(name string, args ...string) *exec.Cmd {
	bin := filepath.Join(PGBin, name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

// NewDatabase creates an empty database and returns its DSN.
func (pg *Postgres) NewDatabase() (string, error) {
	name := fmt.Sprintf("t%d_%d", time.Now().UnixNano()%1_000_000, pg.n.Add(1))
	db, err := sql.Open("pgx", pg.dsn("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		return "", err
	}
	return pg.dsn(name), nil
}

// DSN names an empty database for a test: a new database of the cluster
// or, when pg is nil (a suite on SQLite), a file in the test's temporary
// directory.
func (pg *Postgres) DSN(tb testing.TB) string {
	tb.Helper()
	if pg == nil {
		return filepath.Join(tb.TempDir(), "imageshare.db")
	}
	dsn, err := pg.NewDatabase()
	if err != nil {
		tb.Fatalf("create database: %v", err)
	}
	return dsn
}

// Open opens a store on dsn, closed when the test ends: one server, or
// another process (the commands) on the same database.
func Open(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	st, err := store.Open(dsn)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// Await waits until done, which a change made by another process makes
// true on a server once the database's notification arrives
// (store.IdentityWatch); it fails the test after ten seconds.
func Await(tb testing.TB, what string, done func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not seen after 10 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (pg *Postgres) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pg.port, db)
}

// Stop stops the cluster and removes its files.
func (pg *Postgres) Stop() {
	_ = pg.command("pg_ctl", "-w", "-D", filepath.Join(pg.dir, "data"), "-m", "immediate", "stop").Run()
	if strings.HasPrefix(pg.dir, os.TempDir()) {
		_ = os.RemoveAll(pg.dir)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Run runs a package's tests (call it from TestMain) on SQLite files, or,
// when IMAGESHARE_TEST_BACKEND=postgres, on a throwaway PostgreSQL cluster
// that it hands to use first. It returns the exit code.
func Run(m *testing.M, use func(*Postgres)) int {
	if os.Getenv("IMAGESHARE_TEST_BACKEND") != "postgres" {
		return m.Run()
	}
	if !PostgresAvailable() {
		fmt.Fprintln(os.Stderr, "IMAGESHARE_TEST_BACKEND=postgres but the PostgreSQL server is not installed (apt-get install postgresql)")
		return 1
	}
	pg, err := StartPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start PostgreSQL:", err)
		return 1
	}
	defer pg.Stop()
	use(pg)
	return m.Run()
}
