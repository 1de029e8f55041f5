// Package testworld builds what the HTTP tests run on: the demo world
// loaded into a fresh database, with the sharing and identity services of
// a real server. Only tests import it.
package testworld

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
	"imageshare/internal/world"
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
	UserFails int                   // failed logins before a user is blocked (default 5)
	AddrFails int                   // failed logins before an address is blocked (default 50)
}

// World is the loaded demo world with its services.
type World struct {
	Store    *store.Store
	Sharing  *sharing.Service
	Identity *identity.Service
	DSN      string // what the store was opened with
}

// New loads the demo world; everything is closed when the test ends.
func New(t testing.TB, o Options) *World {
	t.Helper()
	ctx := context.Background()
	dsn := o.DSN
	if dsn == "" {
		dsn = filepath.Join(t.TempDir(), "imageshare.db")
	}
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	lim := sharing.DefaultLimits()
	lim.BuildTime = orDefault(o.BuildTime, 50*time.Millisecond)
	if o.Limits != nil {
		o.Limits(&lim)
	}
	sh := sharing.New(st, lim, sharing.WithLogger(Quiet))
	changed, err := world.Load(ctx, st, world.Demo())
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.ResyncAccounts(ctx, changed); err != nil {
		t.Fatal(err)
	}
	id := identity.New(st,
		identity.NewThrottle(orDefault(o.UserFails, 5), 15*time.Minute),
		identity.NewThrottle(orDefault(o.AddrFails, 50), 15*time.Minute))
	return &World{Store: st, Sharing: sh, Identity: id, DSN: dsn}
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
