package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"imageshare/internal/domain"
)

// holdWriteLock takes SQLite's write lock on path from another connection
// (what `imageshare world load` or a second process does) until release.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		_ = conn.Close()
		_ = db.Close()
	}
}

// TestBusySQLiteIsUnavailableNotInternal: a write that cannot get SQLite's
// write lock is retried, then reported as KindUnavailable (503 with
// Retry-After at the edge), never as an internal error (issue 8, finding 5).
func TestBusySQLiteIsUnavailableNotInternal(t *testing.T) {
	defer func(d time.Duration) { SQLiteBusyTimeout = d }(SQLiteBusyTimeout)
	SQLiteBusyTimeout = 50 * time.Millisecond
	path := filepath.Join(t.TempDir(), "busy.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	write := func() error {
		return st.Write(ctx, func(tx *Tx) error { return tx.Create(&Setting{Key: time.Now().String(), Value: "x"}) })
	}

	release := holdWriteLock(t, path)
	err = write()
	if e := domain.AsError(err); e == nil || e.Kind != domain.KindUnavailable || e.Code != domain.CodeBusy {
		t.Fatalf("write while locked: %v, want KindUnavailable %s", err, domain.CodeBusy)
	}
	release()
	if err := write(); err != nil {
		t.Fatalf("write after the lock was released: %v", err)
	}
	if got := wrap(errFromSQLite(t, path)); domain.KindOf(got) != domain.KindUnavailable {
		t.Errorf("wrap(busy) = %v, want KindUnavailable", got)
	}
}

// errFromSQLite provokes a raw busy error from the driver.
func errFromSQLite(t *testing.T, path string) error {
	t.Helper()
	release := holdWriteLock(t, path)
	defer release()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec("BEGIN IMMEDIATE")
	if err == nil {
		t.Fatal("no busy error")
	}
	return err
}
