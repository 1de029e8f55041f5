package identity_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/store"
	"imageshare/internal/world"
)

func init() { identity.PasswordCost = bcrypt.MinCost }

// testClock is a settable clock for the throttling.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// setup loads the demo world; the identity service throttles after 3
// failures of a user at an address and 100 of an address, and seals access
// key SKs with a random key.
func setup(t *testing.T) (*store.Store, *identity.Service, *testClock) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "id.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := world.Load(context.Background(), st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{now: time.Now().UTC()}
	key := make([]byte, 32) // seals access key SKs
	_, _ = rand.Read(key)
	return st, identity.New(st, throttling(3, 100), identity.WithClock(clock.Now), identity.WithSecretKey(key)), clock
}

func throttling(user, addr int) identity.Throttling {
	th := identity.DefaultThrottling()
	th.UserFree, th.AddrFree = user, addr
	return th
}

func TestAuthenticateAndTrail(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	p, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "127.0.0.1", "console")
	if err != nil {
		t.Fatalf("good login: %v", err)
	}
	if p.AccountName != "acme" || p.UserName != "alice" || p.AccountID != world.AccountID("acme") {
		t.Errorf("principal = %+v, want acme/alice", p)
	}
	// Every wrong part gets the same answer.
	for _, c := range [][3]string{{"acme", "alice", "wrong-password"}, {"acme", "nobody", "ImageShare-demo1"}, {"nope", "alice", "ImageShare-demo1"}} {
		_, err := id.Authenticate(ctx, c[0], c[1], c[2], "127.0.0.2", "console")
		if got, want := domain.AsError(err).Message, identity.ErrBadCredentials().Message; got != want {
			t.Errorf("%v: message %q, want %q", c, got, want)
		}
	}
	// S25: login and failed login are in the trail, never the password.
	trail, err := st.One(ctx).Trail(p.AccountID, store.TrailFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range trail.Rows {
		actions = append(actions, ev.Action+"/"+ev.Result)
		if strings.Contains(ev.Detail, "ImageShare-demo1") || strings.Contains(ev.Detail, "wrong-password") {
			t.Errorf("trail event %+v contains a password", ev)
		}
	}
	if got, want := strings.Join(actions, " "), "login_failed/failure login_failed/failure login/success"; got != want {
		t.Errorf("trail = %s, want %s", got, want)
	}
}

// TestLoginThrottledPerUserAndAddress: failures of a user at one address
// hold that user back at that address, with growing delays; the right
// password from a clean address still works (issue 8, finding 3).
func TestLoginThrottledPerUserAndAddress(t *testing.T) {
	_, id, clock := setup(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		_, _ = id.Authenticate(ctx, "acme", "alice", "bad", "10.0.0.1", "console")
	}
	// Held back at that address, even with the right password, without
	// saying which part was wrong.
	_, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.0.0.1", "console")
	if domain.KindOf(err) != domain.KindQuota {
		t.Fatalf("after 3 failures at 10.0.0.1: %v, want a throttling refusal", err)
	}
	// The real user, elsewhere, logs in.
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.0.0.2", "console"); err != nil {
		t.Errorf("the right password from a clean address: %v, want a login", err)
	}
	if _, err := id.Authenticate(ctx, "acme", "aaron", "ImageShare-demo1", "10.0.0.1", "console"); err != nil {
		t.Errorf("another user at that address: %v, want a login", err)
	}
	// The delay grows with every failure past the free ones.
	base := identity.DefaultThrottling().BaseDelay
	clock.Advance(base + time.Second)
	if _, err := id.Authenticate(ctx, "acme", "alice", "bad", "10.0.0.1", "console"); domain.KindOf(err) != domain.KindUnauthorized {
		t.Fatalf("after the first delay: %v, want one more try (bad credentials)", err)
	}
	clock.Advance(base + time.Second)
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.0.0.1", "console"); domain.KindOf(err) != domain.KindQuota {
		t.Errorf("one base delay after the 4th failure: %v, want still held back (the delay doubled)", err)
	}
	clock.Advance(base + time.Second)
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.0.0.1", "console"); err != nil {
		t.Errorf("after the doubled delay: %v, want a login", err)
	}
	// A login forgets the user's failures at that address.
	if _, err := id.Authenticate(ctx, "acme", "alice", "bad", "10.0.0.1", "console"); domain.KindOf(err) != domain.KindUnauthorized {
		t.Errorf("after a login: %v, want bad credentials, not throttling", err)
	}
}

// TestThrottlingIsSharedAndSurvivesRestarts: two servers on one database
// count the same failures, parallel guesses cannot slip past the limit
// before any failure is counted, and a new process forgets nothing
// (issue 8, finding 11: 10 guesses with two servers, all forgotten on
// restart).
func TestThrottlingIsSharedAndSurvivesRestarts(t *testing.T) {
	st, _, clock := setup(t)
	ctx := context.Background()
	one := identity.New(st, throttling(5, 1000), identity.WithClock(clock.Now))
	two := identity.New(st, throttling(5, 1000), identity.WithClock(clock.Now))
	var wg sync.WaitGroup
	var mu sync.Mutex
	checked := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(id *identity.Service) {
			defer wg.Done()
			_, err := id.Authenticate(ctx, "acme", "alice", "guess", "10.1.1.1", "api")
			if domain.KindOf(err) == domain.KindUnauthorized {
				mu.Lock()
				checked++
				mu.Unlock()
			} else if domain.KindOf(err) != domain.KindQuota {
				t.Errorf("a guess: %v", err)
			}
		}([]*identity.Service{one, two}[i%2])
	}
	wg.Wait()
	if checked != 5 {
		t.Errorf("20 parallel guesses on two servers: %d were checked, want exactly 5", checked)
	}
	restarted := identity.New(st, throttling(5, 1000), identity.WithClock(clock.Now))
	if _, err := restarted.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.1.1.1", "console"); domain.KindOf(err) != domain.KindQuota {
		t.Errorf("after a restart: %v, want still held back", err)
	}
}

// TestLoginThrottledPerAddress holds back an address that fails for many
// users; other addresses are not affected.
func TestLoginThrottledPerAddress(t *testing.T) {
	st, _, clock := setup(t)
	ctx := context.Background()
	id := identity.New(st, throttling(100, 4), identity.WithClock(clock.Now))
	for _, u := range []string{"a", "b", "c", "d"} {
		_, _ = id.Authenticate(ctx, "acme", u, "x", "10.9.9.9", "console")
	}
	_, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.9.9.9", "console")
	if domain.KindOf(err) != domain.KindQuota {
		t.Errorf("address after 4 failures: %v, want blocked", err)
	}
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.9.9.10", "console"); err != nil {
		t.Errorf("another address: %v, want a login", err)
	}
}

// TestFailedAuthenticationCountsTowardTheSameLimits: another way of
// authenticating (access keys) reports its failures with
// FailedAuthentication and asks Throttled; they share the password
// logins' counts.
func TestFailedAuthenticationCountsTowardTheSameLimits(t *testing.T) {
	_, id, _ := setup(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := id.Throttled(ctx, "acme", "alice", "10.2.2.2"); err != nil {
			t.Fatalf("before failure %d: %v", i+1, err)
		}
		if err := id.FailedAuthentication(ctx, "acme", "alice", "10.2.2.2", "access key", "unknown signature"); err != nil {
			t.Fatal(err)
		}
	}
	if err := id.Throttled(ctx, "acme", "alice", "10.2.2.2"); domain.KindOf(err) != domain.KindQuota {
		t.Errorf("after 3 failed signatures: %v, want held back", err)
	}
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.2.2.2", "console"); domain.KindOf(err) != domain.KindQuota {
		t.Errorf("a password login after 3 failed signatures: %v, want held back", err)
	}
}

// TestDisabledUserCannotLogIn: a disabled user's right password fails like
// a wrong one, and its principal is gone.
func TestDisabledUserCannotLogIn(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	p, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.3.3.3", "console")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := world.NewAdmin(st).DisableUser(ctx, "acme", "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.3.3.4", "console"); domain.KindOf(err) != domain.KindUnauthorized {
		t.Errorf("disabled user's login: %v, want bad credentials", err)
	}
	if _, err := id.Principal(ctx, p.UserID); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("disabled user's principal: %v, want not found", err)
	}
	if err := world.NewAdmin(st).EnableUser(ctx, "acme", "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.3.3.4", "console"); err != nil {
		t.Errorf("enabled again: %v, want a login", err)
	}
}

func TestPasswordsAreHashed(t *testing.T) {
	st, _, _ := setup(t)
	u, err := st.One(context.Background()).User(world.AccountID("acme"), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$2") || strings.Contains(u.PasswordHash, "ImageShare-demo1") {
		t.Errorf("stored %q, want a bcrypt hash", u.PasswordHash)
	}
	if _, err := identity.HashPassword("short"); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("short password: %v, want invalid", err)
	}
}

func TestCredentialsListProjectsAndOrganizationURNs(t *testing.T) {
	_, id, _ := setup(t)
	c, err := id.Credentials(context.Background(), world.AccountID("umbrella"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Projects) != 5 {
		t.Errorf("umbrella (cn) has %d projects, want one per region of its site (5)", len(c.Projects))
	}
	mgmt := world.AccountID("acme")
	want := []string{
		"organizations::" + mgmt + ":organization:o-acme01",
		"organizations::" + mgmt + ":root:o-acme01/r-acme",
		"organizations::" + mgmt + ":ou:o-acme01/ou-engineering",
		"organizations::" + mgmt + ":ou:o-acme01/ou-web",
	}
	if strings.Join(c.OrgURNs, " ") != strings.Join(want, " ") {
		t.Errorf("URNs = %v, want %v", c.OrgURNs, want)
	}
	g, err := id.Credentials(context.Background(), world.AccountID("initech"))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Projects) != 4 || len(g.OrgURNs) != 0 {
		t.Errorf("initech (intl, no org): %d projects and %v, want 4 and none", len(g.Projects), g.OrgURNs)
	}
}

// The console reads its viewer (the user, the regions of its website, its
// account's projects in the chosen region) in one statement. It must be
// what the separate reads give, for users of both websites and every
// region, with the fallbacks a session relies on: an unknown region is the
// default one, an unknown project (or another account's) the region's
// default project; a disabled or unknown user is not found.
func TestViewerIsTheUserAndWhereItWorks(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	bob, err := id.Authenticate(ctx, "bravo", "bob", "ImageShare-demo1", "10.4.4.4", "console")
	if err != nil {
		t.Fatal(err)
	}
	// A project whose name sorts before the region's default one: the
	// fallback is the default project, not the first.
	if _, err := world.NewAdmin(st).CreateProject(ctx, "acme", "a-first", "cn-east-3"); err != nil {
		t.Fatal(err)
	}
	for _, u := range [][2]string{{"acme", "alice"}, {"globex", "carol"}} {
		p, err := id.Authenticate(ctx, u[0], u[1], "ImageShare-demo1", "10.4.4.4", "console")
		if err != nil {
			t.Fatal(err)
		}
		// What the console read in three statements before Viewer.
		all, err := st.One(ctx).Regions()
		if err != nil {
			t.Fatal(err)
		}
		regions := slices.DeleteFunc(all, func(r domain.Region) bool { return !r.OfferedOn(p.Site) })
		if len(regions) == 0 {
			t.Fatalf("%s: no region offered", u[1])
		}
		bobsProject, err := id.DefaultProject(ctx, bob.AccountID, regions[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range append([]domain.Region{{ID: "nowhere"}}, regions...) {
			want, err := st.One(ctx).Projects(p.AccountID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			region := r
			if r.ID == "nowhere" { // falls back to the default region
				region = regions[slices.IndexFunc(regions, func(x domain.Region) bool { return x.ID == "cn-north-4" })]
				if want, err = st.One(ctx).Projects(p.AccountID, region.ID); err != nil {
					t.Fatal(err)
				}
			}
			for _, asked := range append([]string{"", bobsProject.ID}, projectIDs(want)...) {
				vp, w, err := id.Viewer(ctx, p.UserID, r.ID, asked, "cn-north-4")
				if err != nil {
					t.Fatalf("%s in %s, project %q: %v", u[1], r.ID, asked, err)
				}
				wantProject := asked
				if !slices.Contains(projectIDs(want), asked) {
					wantProject = want[slices.IndexFunc(want, func(x domain.Project) bool { return x.Name == domain.DefaultProjectName(region.ID) })].ID
				}
				if vp != p || !slices.Equal(w.Regions, regions) || w.Region != region || !slices.Equal(w.Projects, want) || w.Project.ID != wantProject {
					t.Errorf("%s in %s, project %q: viewer %+v in %s (%s) of %v, regions %v; want %+v in %s (%s) of %v, regions %v",
						u[1], r.ID, asked, vp, w.Region.ID, w.Project.ID, projectIDs(w.Projects), w.Regions, p, region.ID, wantProject, projectIDs(want), regions)
				}
			}
		}
	}
	if _, _, err := id.Viewer(ctx, "no-such-user", "", "", "cn-north-4"); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("unknown user: %v, want not found", err)
	}
	if _, err := world.NewAdmin(st).DisableUser(ctx, "bravo", "bob"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := id.Viewer(ctx, bob.UserID, "", "", "cn-north-4"); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("disabled user: %v, want not found", err)
	}
}

func projectIDs(ps []domain.Project) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
