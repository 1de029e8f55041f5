// Package store persists ImageShare's domain with GORM, on SQLite (embedded,
// the default) or PostgreSQL. It is the only package that talks to the
// database; GORM errors never leave it (they become domain errors).
//
// Transactions are opened by Store.Write and Store.Read; the query methods
// live on Tx so that a service composes several of them in one transaction.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"imageshare/internal/domain"
)

// Store is an open database.
type Store struct {
	db      *gorm.DB
	dialect string
}

// Tx is a transaction (or, from Read, a consistent read scope).
type Tx struct {
	db *gorm.DB
}

// models lists every persisted type, in creation order.
var models = []any{
	&domain.Site{}, &domain.Region{}, &domain.AZ{}, &domain.Account{}, &domain.User{},
	&domain.Project{}, &domain.OrgNode{}, &domain.OrgMember{},
	&domain.Image{}, &domain.Grant{}, &domain.Decision{}, &domain.ProjectShare{}, &domain.PendingCounter{},
	&domain.Server{}, &domain.Disk{}, &domain.AuditEvent{}, &Setting{},
	&domain.Token{}, &domain.Job{}, &domain.WebSession{}, &domain.AuthFailure{}, &domain.AccessKey{},
}

// Setting is a small key/value row for things the server keeps across
// restarts (for example the generated session key).
type Setting struct {
	Key   string `gorm:"primaryKey;size:64"`
	Value string `gorm:"type:text;not null"`
}

// Open opens the database named by dsn and brings its schema up to date.
// A dsn starting with postgres:// or postgresql:// is PostgreSQL; anything
// else is a SQLite file path (its directory is created).
func Open(dsn string) (*Store, error) {
	var dial gorm.Dialector
	dialect := "sqlite"
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		dialect = "postgres"
		dial = postgres.Open(dsn)
	} else {
		if dir := filepath.Dir(dsn); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create data directory: %w", err)
			}
		}
		dial = sqlite.Open(sqliteDSN(dsn))
	}
	db, err := gorm.Open(dial, &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: true,
	})
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if dialect == "sqlite" {
		// SQLITE-SPECIFIC: one database file. Few connections keep waiting
		// writers in Go's pool rather than in SQLite's busy loop.
		sqlDB.SetMaxOpenConns(8)
	} else {
		sqlDB.SetMaxOpenConns(16)
	}
	s := &Store{db: db, dialect: dialect}
	if err := db.AutoMigrate(models...); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	return s, nil
}

// sqliteDSN is the one SQLite-specific connection string.
// SQLITE-SPECIFIC: foreign keys on, WAL for concurrent readers, a busy
// timeout, and BEGIN IMMEDIATE so that every write transaction takes the
// write lock at its start: read-then-write transactions (count, then insert)
// are then serialized and race-free, which PostgreSQL gets from FOR UPDATE.
func sqliteDSN(path string) string {
	return fmt.Sprintf("file:%s?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=%d&_txlock=immediate&_synchronous=NORMAL", path, SQLiteBusyTimeout.Milliseconds())
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Write runs fn in a write transaction: everything fn does lands, or nothing.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	return retryBusy(ctx, func(begun *bool) error {
		return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
			*begun = true
			return fn(&Tx{db: db})
		})
	})
}

// Read returns a scope for reads outside a transaction.
func (s *Store) Read(ctx context.Context) *Tx {
	return &Tx{db: s.db.WithContext(ctx)}
}

// Setting returns the value of a setting, or "" when it is not set.
func (tx *Tx) Setting(key string) (string, error) {
	var st Setting
	err := tx.db.Where("key = ?", key).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	return st.Value, wrap(err)
}

// PutSetting sets a setting unless it is already set, and returns the value
// that is now stored.
func (tx *Tx) PutSetting(key, value string) (string, error) {
	if err := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&Setting{Key: key, Value: value}).Error; err != nil {
		return "", wrap(err)
	}
	return tx.Setting(key)
}

// Create inserts a new row for one of the domain types.
func (tx *Tx) Create(v any) error {
	return wrap(tx.db.Create(v).Error)
}

// Upsert inserts v or, when its primary key exists, overwrites its columns.
func (tx *Tx) Upsert(v any) error {
	return wrap(tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(v).Error)
}

// wrap turns GORM errors into domain errors so that none leaks past the store.
func wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.ErrNotFound("object")
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "It already exists.")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return domain.Errorf(domain.KindInternal, domain.CodeInternal, "The request was cancelled.")
	case isBusy(err):
		return errBusy()
	case badText(err):
		// The services validate text first; this is the backstop for an
		// input that reached a query anyway (an ID in a URL, say).
		return domain.ErrInvalid("input", "The request contains text the database cannot store or search: remove control characters and shorten it.")
	}
	return fmt.Errorf("store: %w", err)
}

// badText reports whether the database refused a query for its text:
// PostgreSQL refuses NUL bytes and invalid UTF-8 (22021, 22P05) and values
// longer than their column (22001); SQLite refuses huge LIKE patterns.
func badText(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "22021", "22P05", "22001", "54000":
			return true
		}
	}
	return strings.Contains(err.Error(), "pattern too complex")
}

// take loads one row into dst; a missing row is the given not-found error.
func take(q *gorm.DB, dst any, notFound *domain.Error) error {
	err := q.Take(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound
	}
	return wrap(err)
}

// CreateBatch inserts a slice of rows in batches of size (bulk loading:
// world files, benchmarks).
func (tx *Tx) CreateBatch(rows any, size int) error {
	return wrap(tx.db.CreateInBatches(rows, size).Error)
}
