package store

import (
	"database/sql"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// SQLITE-SPECIFIC: this file holds what only SQLite needs.

// sqliteDriver is the SQLite driver with the settings a DSN cannot give:
// no connection checkpoints the write-ahead log when it commits. SQLite
// otherwise makes the commit that fills the log past 1,000 pages copy it
// into the database file and fsync it, a pause of milliseconds that every
// queued writer waits for; the store's checkpointer does it in the
// background instead (checkpointer).
const sqliteDriver = "sqlite3_imageshare"

func init() {
	sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil)
		return err
	}})
}

// sqliteOpen is the GORM dialector of a SQLite DSN on sqliteDriver.
func sqliteOpen(dsn string) gorm.Dialector {
	return sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: dsn})
}

// checkpointEvery is how often the checkpointer copies the log into the
// database file.
var checkpointEvery = 250 * time.Millisecond

// checkpointer checkpoints the write-ahead log on its own connection until
// done is closed. PASSIVE neither waits for nor blocks readers and
// writers: it copies what no reader still needs, and the log's pages are
// then reused from its start.
func checkpointer(path string, done <-chan struct{}) (stopped <-chan struct{}, err error) {
	db, err := sql.Open(sqliteDriver, sqliteDSN(path, "deferred"))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	end := make(chan struct{})
	go func() {
		defer close(end)
		defer db.Close()
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				_, _ = db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
				return
			case <-t.C:
				// A failure (the database busy with another process's
				// checkpoint, say) is retried at the next tick.
				_, _ = db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			}
		}
	}()
	return end, nil
}
