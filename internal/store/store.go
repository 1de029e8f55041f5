// Package store persists ImageShare's domain with GORM, on SQLite (embedded,
// the default) or PostgreSQL. It is the only package that talks to the
// database; GORM and SQL errors never leave it (they become domain errors).
//
// Every use of the database is a scope opened by the Store: Write (a write
// transaction), Read (a read transaction: one consistent snapshot, however
// many statements it makes) or One (statements outside a transaction: one
// statement is consistent by itself, without a transaction's cost). The query methods live on Tx
// so that a service composes several of them in one scope.
//
// The schema comes from the domain types' struct tags (AutoMigrate) plus
// the numbered migrations in migrate.go. The queries on the hot paths
// (lists, counters, token checks, shares) are hand-written SQL, portable
// between SQLite and PostgreSQL, run as cached prepared statements and
// scanned without reflection (sqlx.go); the rest use GORM.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"imageshare/internal/admission"
	"imageshare/internal/domain"
)

// Store is an open database.
type Store struct {
	dialect string
	// write serves write transactions, read everything else. On PostgreSQL
	// they are the same pool. On SQLite write is a pool whose transactions,
	// one at a time, begin IMMEDIATE, and read a pool of several whose
	// transactions begin DEFERRED: readers never wait for the writer (WAL),
	// and writers queue in Go (writerTurn) instead of in SQLite's busy loop,
	// which sleeps for up to 100 ms at a time.
	write, read *pool
	writerTurn  chan struct{}                  // SQLite: held by the one running write transaction
	readTurns   chan struct{}                  // SQLite: one per running read transaction
	trace       func(query string, args []any) // tests: sees every hand-written statement
	// stopCheckpoints ends SQLite's checkpointer; checkpointsDone closes
	// once it has checkpointed one last time.
	stopCheckpoints chan struct{}
	checkpointsDone <-chan struct{}
	closeOnce       sync.Once
	identity        *IdentityWatch // PostgreSQL: changes to what sessions and viewers are made of
}

// pool is a database/sql pool with GORM on it.
type pool struct {
	gorm *gorm.DB
	sql  *sql.DB
	// keep is whether the pool keeps prepared statements (stmts): on
	// SQLite; pgx keeps them per connection by itself. A statement is
	// prepared on a free connection of the pool, so a SQLite pool always
	// has one more connection than it runs transactions (writerTurn,
	// readTurns): a transaction never waits for one that waits for it.
	keep  bool
	stmts sync.Map // query text → *sql.Stmt
	texts sync.Map // query text → the text with the driver's placeholders
	// rebind rewrites "?" placeholders for the driver (PostgreSQL's $n).
	rebind func(string) string
}

// Tx is a scope of database work: a transaction (Write, Read) or a single
// statement's worth of reads (One).
type Tx struct {
	db   *gorm.DB // GORM in this scope
	conn conn     // the same scope for hand-written SQL: *sql.Tx or *sql.DB
	ctx  context.Context
	p    *pool
	s    *Store
	// identityChanged is set by a write to what token sessions and viewers
	// are made of, webSessions names the console sessions written; once
	// the transaction commits, the store's IdentityWatch advances at once.
	identityChanged bool
	webSessions     []string
}

// conn is what *sql.Tx and *sql.DB have in common.
type conn interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// models lists every persisted type, in creation order.
var models = []any{
	&domain.Site{}, &domain.Region{}, &domain.AZ{}, &domain.Account{}, &domain.User{},
	&domain.Project{}, &domain.OrgNode{}, &domain.OrgMember{},
	&domain.Image{}, &domain.Grant{}, &domain.Decision{}, &domain.ProjectShare{}, &domain.ShareCount{}, &domain.ImageCount{}, &domain.ProjectCount{},
	&domain.Server{}, &domain.Disk{}, &domain.AuditEvent{}, &Setting{},
	&domain.Token{}, &domain.Job{}, &domain.WebSession{}, &domain.AuthFailure{}, &domain.AccessKey{},
}

// Setting is a small key/value row for things the server keeps across
// restarts (for example the schema version).
type Setting struct {
	Key   string `gorm:"primaryKey;size:64"`
	Value string `gorm:"type:text;not null"`
}

// IsPostgres is whether dsn names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn and brings its schema up to date.
// A dsn starting with postgres:// or postgresql:// is PostgreSQL; anything
// else is a SQLite file path (its directory is created).
func Open(dsn string) (*Store, error) {
	var s *Store
	var err error
	if IsPostgres(dsn) {
		s, err = openPostgres(dsn)
	} else {
		s, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// gormConfig is a new configuration for each database: GORM keeps the
// pool in the configuration it is given, so one must never be shared.
func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: true,
	}
}

// pgConnections is the most connections a server holds to PostgreSQL.
const pgConnections = 16

func openPostgres(dsn string) (*Store, error) {
	p, err := newPool(postgres.Open(dsn), postgresRebind)
	if err != nil {
		return nil, err
	}
	// Keep every connection the pool may open: database/sql keeps only two
	// idle by default, and a PostgreSQL connection made again per request
	// costs a new server process (milliseconds), far more than the query.
	p.sql.SetMaxOpenConns(pgConnections)
	p.sql.SetMaxIdleConns(pgConnections)
	return &Store{dialect: "postgres", write: p, read: p, identity: &IdentityWatch{dsn: dsn}}, nil
}

func openSQLite(path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
	}
	w, err := newPool(sqliteOpen(sqliteDSN(path, "immediate")), nil)
	if err != nil {
		return nil, err
	}
	// Two connections, one transaction at a time (writerTurn): the second
	// lets a statement be prepared for the cache while the first holds a
	// transaction.
	w.sql.SetMaxOpenConns(2)
	// The read pool refuses writes (query_only): a write outside Write
	// would take SQLite's lock behind the writer's back.
	r, err := newPool(sqliteOpen(sqliteDSN(path, "deferred")+"&_query_only=1"), nil)
	if err != nil {
		_ = w.sql.Close()
		return nil, err
	}
	const readers = 8
	r.sql.SetMaxOpenConns(readers + 1)
	r.sql.SetMaxIdleConns(readers + 1)
	w.keep, r.keep = true, true
	s := &Store{dialect: "sqlite", write: w, read: r, writerTurn: make(chan struct{}, 1), readTurns: make(chan struct{}, readers),
		stopCheckpoints: make(chan struct{})}
	if s.checkpointsDone, err = checkpointer(path, s.writerTurn, s.stopCheckpoints); err != nil {
		_ = w.sql.Close()
		_ = r.sql.Close()
		return nil, err
	}
	return s, nil
}

func newPool(d gorm.Dialector, rebind func(string) string) (*pool, error) {
	db, err := gorm.Open(d, gormConfig())
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if rebind == nil {
		rebind = func(q string) string { return q }
	}
	return &pool{gorm: db, sql: sqlDB, rebind: rebind}, nil
}

// sqliteDSN is the one SQLite-specific connection string.
// SQLITE-SPECIFIC: foreign keys on, WAL for concurrent readers, a busy
// timeout (SQLiteBusyTimeout, for other processes: the administration
// commands), and the transaction mode: IMMEDIATE for the writer, so that
// read-then-write transactions (count, then insert) hold the write lock
// from their start, which PostgreSQL gets from FOR UPDATE; DEFERRED for
// readers, whose transactions then see one snapshot and never block anyone.
func sqliteDSN(path, txlock string) string {
	return sqliteDSNWaiting(path, txlock, SQLiteBusyTimeout)
}

// sqliteDSNWaiting is sqliteDSN with its own busy timeout.
func sqliteDSNWaiting(path, txlock string, busy time.Duration) string {
	return fmt.Sprintf("file:%s?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=%d&_synchronous=NORMAL&_txlock=%s",
		path, busy.Milliseconds(), txlock)
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Close closes the database.
func (s *Store) Close() error {
	if s.identity != nil {
		s.identity.close()
	}
	if s.stopCheckpoints != nil {
		s.closeOnce.Do(func() { close(s.stopCheckpoints) })
		<-s.checkpointsDone
	}
	err := s.write.sql.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.sql.Close())
	}
	return err
}

// statementContext is the context statements run with. SQLite's driver
// starts a goroutine for every row it reads when the context can be
// cancelled, which costs more than the queries themselves; every query
// here is bounded by an index and a limit, so on SQLite statements run to
// their end. Waiting for the writer still honours ctx (Write).
func (s *Store) statementContext(ctx context.Context) context.Context {
	if s.dialect == "sqlite" {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// Write runs fn in a write transaction: everything fn does lands, or nothing.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	if s.writerTurn != nil {
		// SQLite writes one at a time: a request waiting for its turn must
		// not hold an admission slot that a read could compute in, and the
		// one writer running needs no slot to keep the others out.
		admission.Leave(ctx)
		select {
		case s.writerTurn <- struct{}{}:
			defer func() { <-s.writerTurn }()
		case <-ctx.Done():
			return wrap(ctx.Err())
		}
	}
	return retryBusy(ctx, func(begun *bool) error {
		return s.transaction(ctx, s.write, nil, func(tx *Tx) error {
			*begun = true
			return fn(tx)
		})
	})
}

// readOnly is a read transaction's options: on PostgreSQL one snapshot for
// the whole transaction (REPEATABLE READ; a read-only one never fails to
// serialize); SQLite's deferred transactions give that by themselves.
var readOnly = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// Read runs fn in a read transaction: every statement fn makes sees the
// same state of the database, so that a page's count and rows agree.
func (s *Store) Read(ctx context.Context, fn func(tx *Tx) error) error {
	opts := readOnly
	if s.readTurns != nil {
		opts = nil // the driver ignores options; the read pool's transactions are deferred
		select {
		case s.readTurns <- struct{}{}:
			defer func() { <-s.readTurns }()
		case <-ctx.Done():
			return wrap(ctx.Err())
		}
	}
	return s.transaction(ctx, s.read, opts, fn)
}

// One returns a scope for reads outside a transaction, each statement
// seeing the latest state: for one statement, consistent by itself, on the
// hottest paths (a token check, one image), or for statements that need not
// agree; and for reads around slow work (hashing) that must hold no
// transaction. Use Read whenever two statements must agree.
func (s *Store) One(ctx context.Context) *Tx {
	ctx = s.statementContext(ctx)
	return &Tx{db: s.read.gorm.WithContext(ctx), conn: s.read.sql, ctx: ctx, p: s.read, s: s}
}

func (s *Store) transaction(ctx context.Context, p *pool, opts *sql.TxOptions, fn func(tx *Tx) error) (err error) {
	ctx = s.statementContext(ctx)
	var begin []*sql.TxOptions
	if opts != nil {
		begin = append(begin, opts)
	}
	g := p.gorm.WithContext(ctx).Begin(begin...)
	if g.Error != nil {
		return wrap(g.Error)
	}
	sqlTx, ok := g.Statement.ConnPool.(*sql.Tx)
	if !ok {
		g.Rollback()
		return fmt.Errorf("store: a transaction is not a *sql.Tx but %T", g.Statement.ConnPool)
	}
	committed := false
	defer func() {
		if !committed {
			g.Rollback()
		}
	}()
	tx := &Tx{db: g, conn: sqlTx, ctx: ctx, p: p, s: s}
	if err := fn(tx); err != nil {
		return err
	}
	if err := g.Commit().Error; err != nil {
		return wrap(err)
	}
	committed = true
	if s.identity != nil {
		if tx.identityChanged {
			s.identity.changed()
		}
		for _, h := range tx.webSessions {
			s.identity.sessionChanged(h)
		}
	}
	return nil
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

// Create inserts a new row for one of the domain types. Images are created
// with CreateImage, which keeps the quota counter.
func (tx *Tx) Create(v any) error {
	tx.noteIdentity(v)
	return wrap(tx.db.Create(v).Error)
}

// Upsert inserts v or, when its primary key exists, overwrites its columns.
func (tx *Tx) Upsert(v any) error {
	tx.noteIdentity(v)
	return wrap(tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(v).Error)
}

// noteIdentity marks a write of a row that a console viewer lists (a
// project, a region): this process's IdentityWatch advances when the
// transaction commits. (A new token, user or account changes nothing kept.)
func (tx *Tx) noteIdentity(v any) {
	switch v.(type) {
	case *domain.Project, *domain.Region:
		tx.identityChanged = true
	}
}

// CreateBatch inserts a slice of rows in batches of size (bulk loading:
// benchmarks). An empty slice inserts nothing.
func (tx *Tx) CreateBatch(rows any, size int) error {
	err := tx.db.CreateInBatches(rows, size).Error
	if errors.Is(err, gorm.ErrEmptySlice) {
		return nil
	}
	return wrap(err)
}

// wrap turns database errors into domain errors so that none leaks past the store.
func wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound), errors.Is(err, sql.ErrNoRows):
		return domain.ErrNotFound("object")
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "err.exists")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return domain.FromContext(err)
	case isBusy(err):
		return errBusy()
	case badText(err):
		// The services validate text first; this is the backstop for an
		// input that reached a query anyway (an ID in a URL, say).
		return domain.ErrInvalid("input", "err.bad_text_db")
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
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
