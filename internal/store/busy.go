package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"imageshare/internal/domain"
)

// SQLiteBusyTimeout is how long a SQLite connection waits for the write
// lock before it reports the database busy (the busy_timeout pragma). Write
// then retries a few times before it answers KindUnavailable, which the
// HTTP layers turn into 503 with Retry-After: never a 500.
var SQLiteBusyTimeout = 5 * time.Second

// busyRetries are the pauses between the attempts of a write transaction
// that could not begin because the database was busy.
var busyRetries = []time.Duration{50 * time.Millisecond, 250 * time.Millisecond}

// errBusy is what a caller gets when the database stayed busy.
func errBusy() *domain.Error {
	return domain.Errorf(domain.KindUnavailable, domain.CodeBusy, "err.busy")
}

// isBusy reports whether err is SQLite's "database is locked" or "busy".
func isBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "database table is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

// retryBusy runs a transaction, again after a pause when it could not
// begin because the database was busy. A transaction whose function ran is
// never run again: its function may have side effects outside the database.
func retryBusy(ctx context.Context, tx func(begun *bool) error) error {
	for attempt := 0; ; attempt++ {
		begun := false
		err := tx(&begun)
		if err == nil || begun || !isBusy(err) && domain.KindOf(err) != domain.KindUnavailable {
			return wrapOutside(err)
		}
		if attempt == len(busyRetries) {
			return errBusy()
		}
		select {
		case <-ctx.Done():
			return wrap(ctx.Err())
		case <-time.After(busyRetries[attempt]):
		}
	}
}

// wrapOutside maps an error from beginning or committing a transaction (its
// function's own errors are domain errors already).
func wrapOutside(err error) error {
	var e *domain.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return wrap(err)
}
