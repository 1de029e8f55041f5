// Package server is ImageShare's composition root: the one place that opens
// the database, builds the sharing and identity services, the API and the
// console on one Echo instance, with health, readiness and metrics, and
// closes them in order. `imageshare serve` and every test fixture build
// their server here, so they cannot drift apart.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/identity"
	"imageshare/internal/imagedata"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
	"imageshare/internal/world"
	"imageshare/web"
	"imageshare/web/api"
)

// Config is everything a server is built from.
type Config struct {
	DSN        string // a SQLite file path or a postgres:// URL
	ImageDir   string // image data (DATA/images); servers of one database need one they all reach
	Limits     sharing.Limits
	Throttling identity.Throttling
	// SecretKey seals access key SKs at rest (32+ bytes); like the
	// session key, every server of one database needs the same one.
	SecretKey []byte
	TokenTTL  time.Duration
	PublicURL string // the API's base URL in catalogs and links; "" = each request's
	// Web are the console's options (session key, cookies, proxies,
	// timeouts); a Concurrency of 0 is defaultConcurrency for the CPUs of
	// GOMAXPROCS.
	Web    web.Options
	Logger *slog.Logger
	// WorkerInterval is how often the background worker looks for due
	// images and waiting jobs (default 250 ms).
	WorkerInterval time.Duration
	// LockSQLite takes an exclusive lock on a lock file beside a SQLite
	// database, so that a second server on the same data directory refuses
	// to start. Servers set it; tools that only add rows do not.
	LockSQLite bool
	// MetricsOnMain serves /metrics on the main handler too (when no
	// separate metrics address is configured).
	MetricsOnMain bool
}

// Server is a built ImageShare server.
type Server struct {
	Store    *store.Store
	Sharing  *sharing.Service
	Identity *identity.Service
	// Handler serves the console, the API, /healthz, /readyz and, with
	// MetricsOnMain, /metrics.
	Handler *echo.Echo
	// Metrics serves the Prometheus metrics (for a separate address).
	Metrics http.Handler

	cfg     Config
	log     *slog.Logger
	lock    *os.File
	ready   atomic.Bool
	metrics *metrics
	workers sync.WaitGroup
}

// Open builds a server on cfg.DSN (the schema is brought up to date).
func Open(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.WorkerInterval <= 0 {
		cfg.WorkerInterval = 250 * time.Millisecond
	}
	// Without the key, creating or using an access key would fail on every
	// request; refuse to start instead, naming what to configure.
	if len(cfg.SecretKey) < 32 {
		return nil, errors.New("server: SecretKey (--sk-encryption-key) must be at least 32 bytes")
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	if cfg.LockSQLite && !isPostgres(cfg.DSN) {
		lock, err := lockDataDir(cfg.DSN)
		if err != nil {
			return nil, err
		}
		s.lock = lock
	}
	st, err := store.Open(cfg.DSN)
	if err != nil {
		s.unlock()
		return nil, err
	}
	s.Store = st
	s.metrics = newMetrics(s)
	opts := []sharing.Option{sharing.WithLogger(cfg.Logger)}
	if cfg.ImageDir != "" {
		data, err := imagedata.NewFS(cfg.ImageDir)
		if err != nil {
			_ = st.Close()
			s.unlock()
			return nil, err
		}
		opts = append(opts, sharing.WithImageData(data))
	}
	s.Sharing = sharing.New(st, cfg.Limits, opts...)
	s.Identity = identity.New(st, cfg.Throttling, identity.WithLoginObserver(s.metrics.login), identity.WithSecretKey(cfg.SecretKey))
	apiSrv := api.New(s.Sharing, s.Identity, api.Options{TokenTTL: cfg.TokenTTL, Logger: cfg.Logger, PublicURL: cfg.PublicURL})
	wo := cfg.Web
	wo.Logger = cfg.Logger
	if wo.Concurrency == 0 {
		wo.Concurrency = defaultConcurrency(cfg.DSN, runtime.GOMAXPROCS(0))
	}
	wo.Streaming = apiSrv.Streaming
	wo.API = func(e *echo.Echo) {
		e.Use(s.metrics.middleware)
		e.GET("/healthz", s.healthz)
		e.GET("/readyz", s.readyz)
		if cfg.MetricsOnMain {
			e.GET("/metrics", echo.WrapHandler(s.metrics.handler))
		}
		apiSrv.Register(e)
	}
	s.Handler = web.New(s.Sharing, s.Identity, wo)
	s.Metrics = s.metrics.handler
	s.ready.Store(true)
	return s, nil
}

// LoadWorld loads a world file and re-syncs what is shared with the
// accounts it moved.
func (s *Server) LoadWorld(ctx context.Context, f *world.File) error {
	changed, err := world.Load(ctx, s.Store, f)
	if err != nil {
		return err
	}
	return s.Sharing.ResyncAccounts(ctx, changed)
}

// Run runs the background worker (due images, member jobs) until ctx
// ends, then returns once the job it is running, if any, has finished.
func (s *Server) Run(ctx context.Context) {
	s.workers.Add(1)
	defer s.workers.Done()
	s.Sharing.Run(ctx, s.cfg.WorkerInterval)
}

// Drain marks the server not ready (/readyz answers 503), so that a load
// balancer stops sending it requests before it shuts down.
func (s *Server) Drain() { s.ready.Store(false) }

// Close waits for the worker to stop (its context must be cancelled first)
// and closes the database.
func (s *Server) Close() error {
	s.ready.Store(false)
	s.workers.Wait()
	err := s.Store.Close()
	s.unlock()
	return err
}

// healthz is the liveness probe: the process is up and serving.
func (s *Server) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readyz is the readiness probe: the database answers and its schema is up
// to date (Open migrated it before the server took requests), and the
// server is not shutting down.
func (s *Server) readyz(c echo.Context) error {
	if !s.ready.Load() {
		return c.String(http.StatusServiceUnavailable, "shutting down\n")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}

// defaultConcurrency is how many requests compute at once (web.Options)
// on a machine of cpus cores: one per core on SQLite, whose reads are all
// CPU; two per core on PostgreSQL, where a request also waits for its
// round trips to the database while another computes.
func defaultConcurrency(dsn string, cpus int) int {
	if isPostgres(dsn) {
		return 2 * cpus
	}
	return cpus
}

func isPostgres(dsn string) bool {
	return len(dsn) > 11 && (dsn[:11] == "postgres://" || len(dsn) > 13 && dsn[:13] == "postgresql://")
}

// ErrLocked is returned by Open when another server holds the SQLite
// data directory.
var ErrLocked = errors.New("server: the data directory is in use")

// lockDataDir takes an exclusive, non-blocking lock on imageshare.lock
// beside the SQLite file. The kernel releases it when the process ends,
// however it ends (kill -9 included).
func lockDataDir(dsn string) (*os.File, error) {
	dir := filepath.Dir(dsn)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("server: create data directory: %w", err)
	}
	path := filepath.Join(dir, "imageshare.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("server: open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: another ImageShare server is running on %s (it holds %s). Stop it first; to run several servers, use PostgreSQL (--dsn postgres://…)", ErrLocked, dir, path)
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
	return f, nil
}

func (s *Server) unlock() {
	if s.lock != nil {
		_ = syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN)
		_ = s.lock.Close()
		s.lock = nil
	}
}
