package identity_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"imageshare/internal/identity"
	"imageshare/internal/store"
	"imageshare/internal/world"
)

// fakeWatch is a SessionWatch the test drives: its generation advances
// when told (sessions, that of console sessions), and once, a change may
// land on the next call, just before or just after the generation is read.
type fakeWatch struct {
	gen, sessions atomic.Uint64
	dead          atomic.Bool
	before, after atomic.Pointer[func()]
}

func (w *fakeWatch) SessionGeneration(string) (uint64, bool) {
	g, live := w.Generation()
	return g + w.sessions.Load(), live
}

func (w *fakeWatch) Generation() (uint64, bool) {
	if f := w.before.Swap(nil); f != nil {
		(*f)()
	}
	g := w.gen.Load()
	if f := w.after.Swap(nil); f != nil {
		(*f)()
	}
	return g, !w.dead.Load()
}

// change is a change landing: the token is forgotten and the watch hears
// of it.
func (w *fakeWatch) change(forget func()) *func() {
	f := func() { forget(); w.gen.Add(1) }
	return &f
}

// keptSessions is the demo world with a token session cache that w
// drives, and alice's token, valid for two hours. forget deletes the token
// behind the service's back: only a session kept in memory still works.
func keptSessions(t *testing.T, w *fakeWatch) (id *identity.Service, clock *testClock, token string, forget func()) {
	t.Helper()
	st, _, clock := setup(t)
	id = identity.New(st, throttling(3, 100), identity.WithClock(clock.Now), identity.WithSessionWatch(w))
	ctx := context.Background()
	p, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "127.0.0.1", "api")
	if err != nil {
		t.Fatal(err)
	}
	token, tok, err := id.IssueToken(ctx, p, world.ProjectID("acme", "cn-north-4_dev"), 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	forget = func() {
		t.Helper()
		if err := st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteToken(tok.Hash) }); err != nil {
			t.Fatal(err)
		}
	}
	return id, clock, token, forget
}

// valid reports whether token is accepted now.
func valid(t *testing.T, id *identity.Service, token string) bool {
	t.Helper()
	ts, err := id.Token(context.Background(), token)
	switch {
	case err == nil:
		if ts.Principal.UserName != "alice" || ts.Project.ID != world.ProjectID("acme", "cn-north-4_dev") {
			t.Fatalf("the session is %s in %s, want alice in cn-north-4_dev", ts.Principal.UserName, ts.Project.ID)
		}
		return true
	case identity.IsNotFound(err) || err.Error() == identity.ErrTokenInvalid().Error():
		return false
	}
	t.Fatal(err)
	return false
}

// TestTokenSessionsAreKeptWhileCurrent: a session read once is served from
// memory while the watch's generation stays; a change, the token's expiry,
// the age limit, or a watch that is not listening sends it to the
// database again.
func TestTokenSessionsAreKeptWhileCurrent(t *testing.T) {
	t.Run("kept until a change", func(t *testing.T) {
		w := &fakeWatch{}
		id, _, token, forget := keptSessions(t, w)
		if !valid(t, id, token) {
			t.Fatal("a new token is refused")
		}
		forget()
		if !valid(t, id, token) {
			t.Fatal("the session was not kept: the token was read from the database again")
		}
		w.gen.Add(1)
		if valid(t, id, token) {
			t.Fatal("a session kept under an older generation was served")
		}
	})
	t.Run("not past the token's expiry", func(t *testing.T) {
		w := &fakeWatch{}
		id, clock, token, _ := keptSessions(t, w)
		if !valid(t, id, token) {
			t.Fatal("a new token is refused")
		}
		clock.Advance(2*time.Hour - time.Second)
		if !valid(t, id, token) {
			t.Fatal("a token a second before its expiry is refused")
		}
		clock.Advance(time.Second)
		if valid(t, id, token) {
			t.Fatal("an expired token was served from memory")
		}
	})
	t.Run("not past the age limit", func(t *testing.T) {
		w := &fakeWatch{}
		id, clock, token, forget := keptSessions(t, w)
		if !valid(t, id, token) {
			t.Fatal("a new token is refused")
		}
		forget()
		clock.Advance(59 * time.Second)
		if !valid(t, id, token) {
			t.Fatal("a session 59 s old was not kept")
		}
		clock.Advance(time.Second)
		if valid(t, id, token) {
			t.Fatal("a session a minute old was served from memory")
		}
	})
	t.Run("nothing kept while the watch is not listening", func(t *testing.T) {
		w := &fakeWatch{}
		w.dead.Store(true)
		id, _, token, forget := keptSessions(t, w)
		if !valid(t, id, token) {
			t.Fatal("a new token is refused")
		}
		forget()
		if valid(t, id, token) {
			t.Fatal("a session was kept while the watch was not listening")
		}
	})
	// A change that lands while the session is read: the read may see the
	// state before it, but what it read must not be kept past it. Just
	// after the generation is taken, the read still sees the token and the
	// change follows: the generation kept must be the one taken before the
	// read. Just before, the read sees the change.
	for _, when := range []string{"after", "before"} {
		t.Run("a change during the read, "+when+" the generation is taken", func(t *testing.T) {
			w := &fakeWatch{}
			id, _, token, forget := keptSessions(t, w)
			hook := &w.after
			if when == "before" {
				hook = &w.before
			}
			hook.Store(w.change(forget))
			valid(t, id, token) // the read may see the token or not
			if valid(t, id, token) {
				t.Fatal("a session read while its token was revoked was kept")
			}
		})
	}
}

// TestViewersAreKeptWhileCurrent: a console viewer read once is served from
// memory while the watch's generation stays, the same each time to pages
// asking at once (the regions of another website are left out of the
// answer, not of what is kept), and read again after a change.
func TestViewersAreKeptWhileCurrent(t *testing.T) {
	w := &fakeWatch{}
	st, _, clock := setup(t)
	id := identity.New(st, throttling(3, 100), identity.WithClock(clock.Now), identity.WithSessionWatch(w))
	ctx := context.Background()
	p, err := id.Authenticate(ctx, "globex", "carol", "ImageShare-demo1", "127.0.0.1", "console")
	if err != nil {
		t.Fatal(err)
	}
	carol := p.UserID
	view := func() ([]string, error) {
		_, ws, err := id.Viewer(ctx, carol, "", "", "cn-north-4")
		var regions []string
		for _, r := range ws.Regions {
			regions = append(regions, r.ID)
		}
		return regions, err
	}
	first, err := view()
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.One(ctx).UserRegions(carol)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || len(first) == len(all.Regions) {
		t.Fatalf("carol sees regions %v of %d: the international site should offer some, not all", first, len(all.Regions))
	}
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.SetUserDisabled(carol, true) }); err != nil {
		t.Fatal(err)
	}
	// Pages of the one user at once share what is kept; none may change it.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				again, err := view()
				if err != nil {
					t.Errorf("the viewer was not kept: %v", err)
					return
				}
				if !slices.Equal(again, first) {
					t.Errorf("the kept viewer's regions went from %v to %v", first, again)
					return
				}
			}
		})
	}
	wg.Wait()
	w.gen.Add(1)
	if _, err := view(); !identity.IsNotFound(err) {
		t.Fatalf("after a change the disabled user's viewer gave %v, want not found", err)
	}
}

// TestConsoleSessionsAreKeptWhileCurrent: a console session read once is
// served from memory while its generation stays, a copy each time, and
// read again after a change to it or to any identity, or past its expiry.
func TestConsoleSessionsAreKeptWhileCurrent(t *testing.T) {
	w := &fakeWatch{}
	st, _, clock := setup(t)
	id := identity.New(st, throttling(3, 100), identity.WithClock(clock.Now), identity.WithSessionWatch(w))
	ctx := context.Background()
	secret := identity.NewSessionSecret()
	lifetime := time.Hour
	save := func() {
		t.Helper()
		if err := id.SaveSession(ctx, secret, "", []byte("values"), clock.Now().Add(lifetime)); err != nil {
			t.Fatal(err)
		}
	}
	forget := func() {
		t.Helper()
		if err := st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteWebSession(identity.HashToken(secret)) }); err != nil {
			t.Fatal(err)
		}
	}
	live := func() bool {
		t.Helper()
		data, ok, err := id.Session(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if ok && string(data) != "values" {
			t.Fatalf("the session's data is %q, want %q", data, "values")
		}
		if ok {
			data[0] = 'X' // the caller's own copy: what is kept stays
		}
		return ok
	}
	save()
	if !live() {
		t.Fatal("a saved session is not found")
	}
	forget()
	if !live() || !live() {
		t.Fatal("the session was not kept: it was read from the database again")
	}
	w.sessions.Add(1)
	if live() {
		t.Fatal("a session kept under an older generation of its own was served")
	}
	save()
	live()
	forget()
	w.gen.Add(1) // a user disabled, say: its sessions are deleted too
	if live() {
		t.Fatal("a session kept under an older identity generation was served")
	}
	lifetime = 30 * time.Second // expires before the age limit
	save()
	live()
	clock.Advance(lifetime)
	if live() {
		t.Fatal("an expired session was served from memory")
	}
}
