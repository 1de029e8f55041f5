package store

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm/logger"
)

// Trace makes the store call fn with every statement it runs: hand-written
// ones with their arguments, GORM's with the values written in (args nil).
// For the query-plan tests.
func (s *Store) Trace(fn func(query string, args []any)) {
	s.trace = fn
	for _, p := range []*pool{s.read, s.write} {
		p.gorm.Config.Logger = traceLogger{Interface: logger.Discard, fn: fn}
	}
}

// Text is a statement as the store's driver receives it.
func (s *Store) Text(query string) string { return s.read.text(query) }

// ReadDB is the pool reads use, to ask it for query plans.
func (s *Store) ReadDB() *sql.DB { return s.read.sql }

type traceLogger struct {
	logger.Interface
	fn func(query string, args []any)
}

func (l traceLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l traceLogger) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	q, _ := fc()
	l.fn(q, nil)
}

// Wrap is wrap, for tests of the error mapping.
func Wrap(err error) error { return wrap(err) }
