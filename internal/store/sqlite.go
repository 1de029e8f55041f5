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

// checkpointClock is the checkpointer's clock: a tick every
// checkpointEvery, and how to stop it. The log's test replaces it with
// ticks it sends every so many commits: on a loaded machine a timer's
// goroutine runs late by tens of milliseconds, and what the test must
// show is that each checkpoint brings the log back, not how punctual the
// scheduler is.
var checkpointClock = func() (<-chan time.Time, func()) {
	t := time.NewTicker(checkpointEvery)
	return t.C, t.Stop
}

// walRestartFrames is the length of the log (in pages: 16 MB of 4 KB
// pages) past which the checkpointer starts it over, restartWait how long
// it waits for readers of older snapshots to let it, restartPoll how
// often it asks them meanwhile, and restartTail how many pages at most it
// leaves to copy while writers wait (catchUp), in at most catchUpRounds
// rounds: writers faster than the copy must not put the restart off while
// the log grows (TestWriteAheadLogStaysBoundedUnderSteadyWrites grew it
// past 16 MB in one run of three with eight rounds).
var (
	catchUpRounds    = 3
	walRestartFrames = 4096
	restartWait      = 100 * time.Millisecond
	restartPoll      = 250 * time.Microsecond
	restartTail      = 64
)

// checkpointed, when a test sets it, hears of every checkpoint that found
// the log longer than walRestartFrames: how long, and whether the log was
// started over.
var checkpointed func(frames int, restarted bool)

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
// one and lets the next writer start the log over (restart).
func checkpointer(path string, turn chan struct{}, done <-chan struct{}) (stopped <-chan struct{}, err error) {
	// The connection does not wait on locks: restart asks again itself.
	db, err := sql.Open(sqliteDriver, sqliteDSNWaiting(path, "deferred", 0))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	end := make(chan struct{})
	go func() {
		defer close(end)
		defer db.Close()
		ticks, stop := checkpointClock()
		defer stop()
		for {
			select {
			case <-done:
				_, _ = db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
				return
			case <-ticks:
				// A failure (the database busy with another process's
				// checkpoint, say) is retried at the next tick.
				var busy, frames, copied int
				if err := db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err == nil && frames > walRestartFrames {
					catchUp(db, frames)
					select {
					case turn <- struct{}{}:
						restarted := restart(db)
						<-turn
						if checkpointed != nil {
							checkpointed(frames, restarted)
						}
					case <-done:
					}
				}
			}
		}
	}()
	return end, nil
}

// catchUp runs PASSIVE checkpoints, each copying what was committed while
// the one before ran, until fewer than restartTail pages came in meanwhile
// (a few rounds: each one is shorter than the last). The RESTART that
// follows then copies and syncs only those with every writer held up.
// Adding members at 100,000 shares, a RESTART after a single catching-up
// round copied 400–600 pages and held writers up for 24–39 ms (median 28);
// after catchUp, for 7–45 ms (median 18–20: the two fsyncs under load are
// most of what is left).
func catchUp(db *sql.DB, frames int) {
	for range catchUpRounds {
		var busy, now, copied int
		if err := db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &now, &copied); err != nil || now-frames < restartTail {
			return
		}
		frames = now
	}
}

// restart runs a RESTART checkpoint, again every restartPoll while readers
// of older snapshots keep it from finishing, for at most restartWait (then
// the next tick tries again). A reader holds its snapshot for well under a
// millisecond; SQLite's own busy handler would sleep 1, 2, 5, 10 ms…
// between its tries, with every writer waiting.
func restart(db *sql.DB) (done bool) {
	deadline := time.Now().Add(restartWait)
	for {
		var busy, frames, copied int
		err := db.QueryRow("PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &frames, &copied)
		if err == nil && busy == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(restartPoll)
	}
}
