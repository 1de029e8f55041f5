// Package testworld builds what the HTTP tests run on: the demo world
// loaded into a fresh database, served by a real server built by the
// composition root (package server). Only tests import it.
package testworld

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/bigworld"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
	"imageshare/internal/world"
	"imageshare/server"
	"imageshare/web"
)

// Tests hash the demo passwords at bcrypt's lowest cost: the hashing is
// the same, only cheaper.
func init() { identity.PasswordCost = bcrypt.MinCost }

// Password is every demo user's password.
const Password = "ImageShare-demo1"

// Quiet is a logger that discards, for servers under test.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Options tune the world; zero values give the server's defaults, with a
// short build time.
type Options struct {
	DSN       string                // a PostgreSQL DSN; "" means a SQLite file in t.TempDir()
	BuildTime time.Duration         // how long images stay in saving (default 50 ms)
	Limits    func(*sharing.Limits) // further changes to the limits
	UserFails int                   // failed logins of a user at one address before delays (default 5)
	AddrFails int                   // failed logins at one address before delays (default 50)
	TokenTTL  time.Duration         // API token lifetime (default 24 h)
	PublicURL string                // the API's public URL ("" = each request's)
	// Web are the console's options; the session key defaults to a fixed
	// test key, the logger to Quiet.
	Web web.Options
	// Logger is the server's log (default Quiet), for tests of what it logs.
	Logger *slog.Logger
}

// World is the loaded demo world, served by a server built as `imageshare
// serve` builds it (server.Open).
type World struct {
	*server.Server
	DSN       string // what the store was opened with
	SecretKey []byte // seals its access key SKs: a second server on DSN needs it too
}

// TestSessionKey is the test servers' session key.
var TestSessionKey = []byte("0123456789abcdef0123456789abcdef")

// New loads the demo world into a server; everything is closed when the
// test ends. The background worker does not run: tests finish images and
// run jobs when they choose (or call Run).
func New(t testing.TB, o Options) *World {
	t.Helper()
	w := open(t, o, dsnOf(t, o))
	if err := w.LoadWorld(context.Background(), world.Demo()); err != nil {
		t.Fatal(err)
	}
	return w
}

// NewBig serves bigworld's world (bo: how big) instead of the demo world,
// for tests at size.
func NewBig(t testing.TB, bo bigworld.Options, o Options) (*World, *bigworld.World) {
	t.Helper()
	dsn := dsnOf(t, o)
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if bo.Password == "" {
		bo.Password = Password
	}
	bw, err := bigworld.Seed(context.Background(), st, bo)
	_ = st.Close()
	if err != nil {
		t.Fatal(err)
	}
	return open(t, o, dsn), bw
}

func dsnOf(t testing.TB, o Options) string {
	if o.DSN != "" {
		return o.DSN
	}
	return filepath.Join(t.TempDir(), "imageshare.db")
}

// open serves the database at dsn with a server built as `imageshare
// serve` builds it.
func open(t testing.TB, o Options, dsn string) *World {
	t.Helper()
	lim := sharing.DefaultLimits()
	lim.BuildTime = orDefault(o.BuildTime, 50*time.Millisecond)
	if o.Limits != nil {
		o.Limits(&lim)
	}
	th := identity.DefaultThrottling()
	th.UserFree, th.AddrFree = orDefault(o.UserFails, th.UserFree), orDefault(o.AddrFails, th.AddrFree)
	wo := o.Web
	if wo.SessionKey == nil {
		wo.SessionKey = TestSessionKey
	}
	sk := secretKey()
	srv, err := server.Open(server.Config{DSN: dsn, ImageDir: filepath.Join(t.TempDir(), "images"), Limits: lim, Throttling: th, SecretKey: sk, TokenTTL: o.TokenTTL, PublicURL: o.PublicURL,
		Web: wo, Logger: orDefault(o.Logger, Quiet), MetricsOnMain: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &World{Server: srv, DSN: dsn, SecretKey: sk}
}

// secretKey is a fresh key sealing access key SKs.
func secretKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

// orDefault is v, or def when v is zero.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Actor is a demo account's user working in one of its projects.
func Actor(account, project string) sharing.Actor {
	return sharing.Actor{AccountID: world.AccountID(account), UserName: "test-setup", ProjectID: world.ProjectID(account, project)}
}

// ImageID finds a demo image by name in its owner's project.
func (w *World) ImageID(t testing.TB, account, project, name string) string {
	t.Helper()
	res, err := w.Sharing.OwnImages(context.Background(), Actor(account, project), sharing.ImageFilter{Name: name}, sharing.Page{})
	rows := res.Rows
	for _, r := range rows {
		if r.Name == name {
			return r.ID
		}
	}
	t.Fatalf("image %s of %s/%s: %v (%d found)", name, account, project, err, len(rows))
	return ""
}

// AddProjects gives a demo account n more projects in a region (named
// REGION_extraN), with what is shared with the account; it returns their IDs.
func (w *World) AddProjects(t testing.TB, account, region string, n int) []string {
	t.Helper()
	ctx := context.Background()
	ad := world.NewAdmin(w.Store)
	var ids []string
	for i := range n {
		p, err := ad.CreateProject(ctx, account, fmt.Sprintf("%s_extra%d", region, i), region)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if err := w.Sharing.ResyncAccounts(ctx, []string{world.AccountID(account)}); err != nil {
		t.Fatal(err)
	}
	return ids
}
