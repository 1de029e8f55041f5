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

// walRestartFrames is the length of the log (in pages: 16 MB of 4 KB
// pages) past which the checkpointer starts it over, and restartWait how
// long it waits for readers of older snapshots to let it.
var (
	walRestartFrames = 4096
	restartWait      = 100 * time.Millisecond
)

// checkpointer checkpoints the write-ahead log on its own connection until
// done is closed. PASSIVE neither waits for nor blocks readers and
// writers: it copies what no reader still needs. SQLite starts the log
// over only when a writer finds all of it copied, which under a steady
// stream of writes never happens (each checkpoint ends behind the commits
// made while it ran): the log grew without end, 460 MB in 10 s of adding
// members. So once the log is longer than walRestartFrames, the
// checkpointer takes the writers' turn (writers then wait in Go, not in
// SQLite's busy loop, whose sleeps outlast the checkpoint) and runs a
// RESTART checkpoint: it copies the few pages committed since the last
// one and lets the next writer start the log over. It waits at most
// restartWait for readers of older snapshots (its connection's busy
// timeout; if that is not enough, the next tick tries again).
func checkpointer(path string, turn chan struct{}, done <-chan struct{}) (stopped <-chan struct{}, err error) {
	db, err := sql.Open(sqliteDriver, sqliteDSNWaiting(path, "deferred", restartWait))
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
				var busy, frames, copied int
				if err := db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err == nil && frames > walRestartFrames {
					// A second PASSIVE copies what was committed during the
					// first, so that the RESTART has little left to copy.
					_, _ = db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
					select {
					case turn <- struct{}{}:
						_, _ = db.Exec("PRAGMA wal_checkpoint(RESTART)")
						<-turn
					case <-done:
					}
				}
			}
		}
	}()
	return end, nil
}
