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
// when told (sessions, that of console sessions), and a change may be set
// to land on a coming call, just before or just after the generation is
// read.
type fakeWatch struct {
	gen, sessions atomic.Uint64
	dead          atomic.Bool
	mu            sync.Mutex
	landIn        int  // calls until the change lands (from 1)
	landAfter     bool // after the generation is read
	land          func()
}

func (w *fakeWatch) SessionGeneration(string) (uint64, bool) {
	g, live := w.Generation()
	return g + w.sessions.Load(), live
}

func (w *fakeWatch) Generation() (uint64, bool) {
	w.mu.Lock()
	var land func()
	after := w.landAfter
	if w.land != nil {
		if w.landIn--; w.landIn == 0 {
			land, w.land = w.land, nil
		}
	}
	w.mu.Unlock()
	if land != nil && !after {
		land()
	}
	g := w.gen.Load()
	if land != nil && after {
		land()
	}
	return g, !w.dead.Load()
}

// changeOn sets a change to land on the call-th call from now, before or
// after the generation is read: the token is forgotten and the watch
// hears of it.
func (w *fakeWatch) changeOn(call int, after bool, forget func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.landIn, w.landAfter = call, after
	w.land = func() { forget(); w.gen.Add(1) }
}

// watched is the demo world with an identity service that keeps what w
// vouches for.
func watched(t *testing.T, w *fakeWatch) (*store.Store, *identity.Service, *testClock) {
	t.Helper()
	st, _, clock := setup(t)
	return st, identity.New(st, throttling(3, 100), identity.WithClock(clock.Now), identity.WithSessionWatch(w)), clock
}

// keptSessions is the demo world with a token session cache that w
// drives, and alice's token, valid for two hours. forget deletes the token
// behind the service's back: only a session kept in memory still works.
func keptSessions(t *testing.T, w *fakeWatch) (id *identity.Service, clock *testClock, token string, forget func()) {
	t.Helper()
	st, id, clock := watched(t, w)
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
// database again. Each case is steps: what happens, then whether alice's
// token (valid for two hours) works.
func TestTokenSessionsAreKeptWhileCurrent(t *testing.T) {
	type world struct {
		w      *fakeWatch
		clock  *testClock
		forget func() // deletes the token behind the service's back
	}
	type step struct {
		do    func(k world)
		works bool
		why   string // the failure when it does not
		any   bool   // either answer is right
	}
	first := step{works: true, why: "a new token is refused"}
	// A change that lands while the session is read: the read may see the
	// state before it, but what it read must not be kept past it. The one
	// call to the watch of a session that is read comes before the read:
	// a change that lands right after it, or at the next call (made by the
	// next request, after the read and after what was read is kept), must
	// make the next request read again. Were the generation taken after
	// the read, the second would keep a revoked token.
	during := func(call int, after bool) []step {
		return []step{
			{do: func(k world) { k.w.changeOn(call, after, k.forget) }, any: true},
			{works: false, why: "a session read while its token was revoked was kept"},
		}
	}
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"kept until a change", []step{first,
			{do: func(k world) { k.forget() }, works: true, why: "the session was not kept: the token was read from the database again"},
			{do: func(k world) { k.w.gen.Add(1) }, works: false, why: "a session kept under an older generation was served"},
		}},
		{"not past the token's expiry", []step{first,
			{do: func(k world) { k.clock.Advance(2*time.Hour - time.Second) }, works: true, why: "a token a second before its expiry is refused"},
			{do: func(k world) { k.clock.Advance(time.Second) }, works: false, why: "an expired token was served from memory"},
		}},
		{"not past the age limit", []step{first,
			{do: func(k world) { k.forget(); k.clock.Advance(59 * time.Second) }, works: true, why: "a session 59 s old was not kept"},
			{do: func(k world) { k.clock.Advance(time.Second) }, works: false, why: "a session a minute old was served from memory"},
		}},
		{"nothing kept while the watch is not listening", []step{
			{do: func(k world) { k.w.dead.Store(true) }, works: true, why: "a new token is refused"},
			{do: func(k world) { k.forget() }, works: false, why: "a session was kept while the watch was not listening"},
		}},
		{"a change right after the generation is taken", during(1, true)},
		{"a change after the read, before the next request", during(2, false)},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := world{w: &fakeWatch{}}
			var id *identity.Service
			var token string
			id, k.clock, token, k.forget = keptSessions(t, k.w)
			for _, s := range c.steps {
				if s.do != nil {
					s.do(k)
				}
				if works := valid(t, id, token); works != s.works && !s.any {
					t.Fatal(s.why)
				}
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
	st, id, _ := watched(t, w)
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
	st, id, clock := watched(t, w)
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
