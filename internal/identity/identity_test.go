package identity_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/store"
	"imageshare/internal/world"
)

func init() { identity.PasswordCost = bcrypt.MinCost }

func setup(t *testing.T) (*store.Store, *identity.Service, *identity.Throttle) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "id.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := world.Load(context.Background(), st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	users := identity.NewThrottle(3, time.Minute)
	return st, identity.New(st, users, identity.NewThrottle(100, time.Minute)), users
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

func TestLoginThrottledPerUser(t *testing.T) {
	_, id, users := setup(t)
	now := time.Now()
	users.SetClock(func() time.Time { return now })
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		_, _ = id.Authenticate(ctx, "acme", "alice", "bad", "10.0.0.1", "console")
	}
	// Blocked even with the right password, without saying which part was wrong.
	_, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.0.0.2", "console")
	if domain.KindOf(err) != domain.KindQuota {
		t.Fatalf("after 3 failures: %v, want a throttling refusal", err)
	}
	if _, err := id.Authenticate(ctx, "acme", "aaron", "ImageShare-demo1", "10.0.0.2", "console"); err != nil {
		t.Errorf("another user is not blocked: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.0.0.2", "console"); err != nil {
		t.Errorf("after the window: %v, want a login", err)
	}
}

func TestLoginThrottledPerAddress(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "id.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	id := identity.New(st, identity.NewThrottle(100, time.Minute), identity.NewThrottle(4, time.Minute))
	for _, u := range []string{"a", "b", "c", "d"} {
		_, _ = id.Authenticate(ctx, "acme", u, "x", "10.9.9.9", "console")
	}
	_, err = id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.9.9.9", "console")
	if domain.KindOf(err) != domain.KindQuota {
		t.Errorf("address after 4 failures: %v, want blocked", err)
	}
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.9.9.10", "console"); err != nil {
		t.Errorf("another address: %v, want a login", err)
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
