package identity_test

import (
	"context"
	"testing"
	"time"

	"imageshare/internal/identity"
	"imageshare/internal/store/storetest"
	"imageshare/internal/world"
)

// TestEverySessionEndsOnEveryServer: two servers on one database (on
// PostgreSQL each keeps what it read in memory). What one of them ends, an
// API token, a console session, a user, the other refuses from then on,
// though it accepted it a moment before; it waits at most ten seconds for
// the news. On SQLite, where nothing is kept, at once.
func TestEverySessionEndsOnEveryServer(t *testing.T) {
	ctx := context.Background()
	dsn := pg.DSN(t)
	a, b := identity.New(storetest.Open(t, dsn), throttling(3, 100)), identity.New(storetest.Open(t, dsn), throttling(3, 100))
	if _, err := world.Load(ctx, storetest.Open(t, dsn), world.Demo()); err != nil {
		t.Fatal(err)
	}
	p, err := a.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "127.0.0.1", "api")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.IssueToken(ctx, p, world.ProjectID("acme", "cn-north-4_dev"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cookie := identity.NewSessionSecret()
	if err := a.SaveSession(ctx, cookie, p.UserID, []byte("alice's"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	tokenWorks := func() bool { _, err := a.Token(ctx, token); return err == nil }
	sessionWorks := func() bool { _, ok, err := a.Session(ctx, cookie); return ok && err == nil }
	viewerWorks := func() bool { _, _, err := a.Viewer(ctx, p.UserID, "", "", "cn-north-4"); return err == nil }
	for _, works := range []func() bool{tokenWorks, sessionWorks, viewerWorks, tokenWorks, sessionWorks, viewerWorks} {
		if !works() {
			t.Fatal("a new token, session or viewer does not work on the server that made it")
		}
	}
	if err := b.RevokeToken(ctx, token); err != nil {
		t.Fatal(err)
	}
	storetest.Await(t, "a token revoked on another server refused", func() bool { return !tokenWorks() })
	// The revocation made everything be read again: read (and keep) the
	// session and the viewer anew before ending them.
	if !sessionWorks() || !sessionWorks() || !viewerWorks() || !viewerWorks() {
		t.Fatal("the session or the viewer ended with the token")
	}
	if err := b.EndSession(ctx, cookie); err != nil {
		t.Fatal(err)
	}
	storetest.Await(t, "a console session ended on another server refused", func() bool { return !sessionWorks() })
	if !viewerWorks() || !viewerWorks() {
		t.Fatal("the viewer ended with the session; it is the user's")
	}
	if _, err := world.NewAdmin(storetest.Open(t, dsn)).DisableUser(ctx, "acme", "alice"); err != nil {
		t.Fatal(err)
	}
	storetest.Await(t, "the viewer of a user disabled by another process refused", func() bool { return !viewerWorks() })
}
