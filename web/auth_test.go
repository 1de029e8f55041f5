package web_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/world"
)

func TestLoginRequired(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	for _, path := range []string{"/", "/images", "/shared", "/servers", "/disks", "/trace", "/credentials"} {
		r := c.get(path)
		want := "/login?next=" + url.QueryEscape(path) // the page asked for, after the login
		if path == "/" {
			want = "/login"
		}
		if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("GET %s logged out: got %d to %q, want 303 to %s", path, r.status, r.header.Get("Location"), want)
		}
	}
	r := c.get("/images", "HX-Request", "true", "HX-Current-URL", c.f.srv.URL+"/shared?view=rejected")
	if r.status != http.StatusUnauthorized || r.header.Get("HX-Redirect") != "/login?next=%2Fshared%3Fview%3Drejected" {
		t.Errorf("htmx request logged out: got %d HX-Redirect %q, want 401 and HX-Redirect to the login of the page", r.status, r.header.Get("HX-Redirect"))
	}
}

// TestIssue10_LoginReturnsToThePageAskedFor: after the login the user is on
// the page it asked for, never off the site.
func TestIssue10_LoginReturnsToThePageAskedFor(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	login := c.follow(c.get("/trace?action=login")).want(http.StatusOK)
	next, _ := login.doc.Find(`#login-form input[name="next"]`).Attr("value")
	if next != "/trace?action=login" {
		t.Fatalf("the login form carries next %q, want the page asked for", next)
	}
	r := c.submit("/login", url.Values{"account": {"acme"}, "user": {"alice"}, "password": {demoPassword}, "next": {next}}).want(http.StatusSeeOther)
	if got := r.header.Get("Location"); got != "/trace?action=login" {
		t.Errorf("after the login: %q, want the page asked for", got)
	}
	for _, evil := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		d := f.client()
		r := d.submit("/login", url.Values{"account": {"acme"}, "user": {"alice"}, "password": {demoPassword}, "next": {evil}}).want(http.StatusSeeOther)
		if got := r.header.Get("Location"); got != "/images" {
			t.Errorf("next %q: went to %q, want /images", evil, got)
		}
	}
}

// TestLoginFailsWithoutSayingWhy gives one message for any wrong field, and
// records the failure in the account's trail (S25) without the password.
func TestLoginFailsWithoutSayingWhy(t *testing.T) {
	f := newFixture(t)
	const want = "The account name, user name or password is incorrect."
	for name, form := range map[string]url.Values{
		"wrong password": {"account": {"acme"}, "user": {"alice"}, "password": {"not-the-password"}},
		"unknown user":   {"account": {"acme"}, "user": {"mallory"}, "password": {demoPassword}},
		"unknown acct":   {"account": {"nosuch"}, "user": {"alice"}, "password": {demoPassword}},
	} {
		t.Run(name, func(t *testing.T) {
			c := f.client()
			c.t = t
			r := c.submit("/login", form).want(http.StatusUnauthorized)
			if got := r.find("#login-error"); !strings.Contains(got, want) {
				t.Errorf("message: got %q, want %q", got, want)
			}
			if got := r.doc.Find("#account").AttrOr("value", ""); got != form.Get("account") {
				t.Errorf("account field kept: got %q, want %q", got, form.Get("account"))
			}
			if got := r.doc.Find("#password").AttrOr("value", ""); got != "" {
				t.Errorf("password field refilled with %q", got)
			}
		})
	}
	trail, err := f.sh.Trail(context.Background(), f.actor("acme", "cn-north-4"), sharing.TrailFilter{Action: domain.ActLoginFailed}, sharing.Page{})
	events := trail.Rows
	if err != nil || len(events) == 0 {
		t.Fatalf("S25: failed logins in acme's trail: got %d (%v), want some", len(events), err)
	}
	for _, e := range events {
		if strings.Contains(e.Detail, "not-the-password") {
			t.Errorf("S25: the trail holds a password: %q", e.Detail)
		}
	}
}

// TestLoginThrottled blocks a user after five failures, even with the right
// password, without telling which field was wrong.
func TestLoginThrottled(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	bad := url.Values{"account": {"acme"}, "user": {"alice"}, "password": {"wrong-password"}}
	for i := 0; i < 5; i++ {
		c.submit("/login", bad).want(http.StatusUnauthorized)
	}
	r := c.submit("/login", url.Values{"account": {"acme"}, "user": {"alice"}, "password": {demoPassword}}).want(http.StatusTooManyRequests)
	if got := r.find("#login-error"); !strings.Contains(got, "Too many failed login attempts") {
		t.Errorf("message: got %q, want the throttling message", got)
	}
	// Another user from the same address is not blocked yet (50 failures per address).
	f.client().submit("/login", url.Values{"account": {"bravo"}, "user": {"bob"}, "password": {demoPassword}}).want(http.StatusSeeOther)
}

func sessionCookie(t *testing.T, r *response) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == "imageshare_session" {
			return ck
		}
	}
	t.Fatalf("no session cookie set; Set-Cookie: %v", r.header.Values("Set-Cookie"))
	return nil
}

// TestSessionCookie checks the cookie's flags and that login renews the
// session (a new secret: no fixation) and with it the CSRF token.
func TestSessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		f := newFixture(t, fixtureOpts{secure: secure})
		c := f.client()
		anon := sessionCookie(t, c.get("/login"))
		before := c.csrf
		r := c.submit("/login", url.Values{"account": {"acme"}, "user": {"alice"}, "password": {demoPassword}}).want(http.StatusSeeOther)
		ck := sessionCookie(t, r)
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != secure || ck.Path != "/" {
			t.Errorf("session cookie (secure=%v): HttpOnly %v SameSite %v Secure %v Path %q; want HttpOnly, Lax, Secure=%v, /",
				secure, ck.HttpOnly, ck.SameSite, ck.Secure, ck.Path, secure)
		}
		if ck.MaxAge <= 0 {
			t.Errorf("session cookie MaxAge %d, want the absolute lifetime", ck.MaxAge)
		}
		if ck.Value == anon.Value || len(ck.Value) < 40 {
			t.Errorf("login keeps the session secret of before (%q), want a new random one", ck.Value)
		}
		if !secure {
			c.get("/images").want(http.StatusOK)
			if c.csrf == before {
				t.Errorf("CSRF token after login: got the one from before, want a new one")
			}
		}
	}
}

// TestSessionExpires ends sessions idle too long, and sessions too old even
// when used.
func TestSessionExpires(t *testing.T) {
	f := newFixture(t, fixtureOpts{idle: 10 * time.Minute, lifetime: time.Hour})
	c := f.login("acme", "alice")
	f.now = f.now.Add(9 * time.Minute)
	c.get("/images").want(http.StatusOK)
	f.now = f.now.Add(9 * time.Minute)
	c.get("/images").want(http.StatusOK) // used within the idle time: still on
	f.now = f.now.Add(11 * time.Minute)
	r := c.get("/images").want(http.StatusSeeOther)
	if got := c.follow(r).flash(); !strings.Contains(got, "expired") {
		t.Errorf("idle: flash %q, want the session expired", got)
	}

	c = f.login("acme", "alice") // used every 9 minutes, for more than the lifetime
	for i := 0; i < 7; i++ {
		f.now = f.now.Add(9 * time.Minute)
		c.get("/images")
	}
	if r := c.get("/images"); r.status != http.StatusSeeOther {
		t.Errorf("after the lifetime: got %d, want 303 to the login page", r.status)
	}
}

func TestLogout(t *testing.T) {
	f := newFixture(t)
	c := f.login("acme", "alice")
	r := c.submit("/logout", nil).want(http.StatusSeeOther)
	if got := c.follow(r).flash(); got != "You have logged out." {
		t.Errorf("flash: got %q, want the goodbye", got)
	}
	if r := c.get("/images"); r.status != http.StatusSeeOther {
		t.Errorf("after logout: got %d, want 303 to login", r.status)
	}
	trail, _ := f.sh.Trail(context.Background(), f.actor("acme", "cn-north-4"), sharing.TrailFilter{Action: domain.ActLogout}, sharing.Page{})
	events := trail.Rows
	if len(events) != 1 {
		t.Errorf("S25: logouts in the trail: got %d, want 1", len(events))
	}
}

// TestCSRF refuses state changes without the form's token, with a wrong one,
// or from another site, and lets the right token through.
func TestCSRF(t *testing.T) {
	f := newFixture(t)
	c := f.login("acme", "alice")
	form := func() url.Values { return url.Values{"region": {"cn-east-3"}, "project": {""}} }

	c.post("/context", form()).want(http.StatusBadRequest)
	wrong := form()
	wrong.Set("_csrf", strings.Repeat("x", len(c.csrf)))
	c.post("/context", wrong).want(http.StatusForbidden)
	c.post("/context", form(), "X-CSRF-Token", "not-the-token").want(http.StatusForbidden)
	c.submit("/context", form(), "Sec-Fetch-Site", "cross-site").want(http.StatusForbidden)
	if got := c.get("/images").find("#region-select option[selected]"); got != "CN North-Beijing4" {
		t.Fatalf("a refused request changed the region to %q", got)
	}

	c.submit("/context", form()).want(http.StatusSeeOther)
	if got := c.get("/images").find("#region-select option[selected]"); got != "CN East-Shanghai1" {
		t.Errorf("region after a good request: got %q, want CN East-Shanghai1", got)
	}
	c.post("/context", url.Values{"region": {"cn-north-4"}}, "X-CSRF-Token", c.csrf).want(http.StatusSeeOther)

	// The login form is protected too (login CSRF).
	f.client().post("/login", url.Values{"account": {"acme"}, "user": {"alice"}, "password": {demoPassword}}).want(http.StatusBadRequest)
}

// TestS14_SwitchRegionAndProject keeps the selected region and project in
// the session, and refuses a project of another account.
func TestS14_SwitchRegionAndProject(t *testing.T) {
	f := newFixture(t)
	c := f.login("acme", "alice")
	// acme has two projects in cn-north-4: a multi-project user.
	c.get("/images").wantHas("#project-select")
	dev := world.ProjectID("acme", "cn-north-4_dev")
	c.submit("/context", url.Values{"region": {"cn-north-4"}, "project": {dev}}).want(http.StatusSeeOther)
	r := c.get("/images")
	if got := r.find("#project-select option[selected]"); got != "cn-north-4_dev" {
		t.Errorf("project: got %q, want cn-north-4_dev", got)
	}
	if !r.has(`tr[data-name="dev-toolbox"]`) || r.has(`tr[data-name="ubuntu-22.04-web"]`) {
		t.Errorf("the dev project lists another project's images")
	}
	c.submit("/context", url.Values{"region": {"cn-north-4"}, "project": {world.ProjectID("bravo", "cn-north-4")}}).want(http.StatusNotFound)

	bob := f.login("bravo", "bob").get("/images")
	if bob.has("#project-select") {
		t.Errorf("a single-project user gets a project selector")
	}
	globex := f.login("globex", "carol").get("/images")
	var regions []string
	globex.doc.Find("#region-select option").Each(func(_ int, s *goquerySelection) { regions = append(regions, s.AttrOr("value", "")) })
	if strings.Contains(strings.Join(regions, ","), "cn-north-1") {
		t.Errorf("S07: an International-site user can select cn-north-1: %v", regions)
	}
}

// TestIssue8_TrustedProxies: behind a trusted reverse proxy the client is
// the address the proxy forwards, so one user's failures do not hold back
// everyone behind the proxy; without the setting a forwarded address is
// ignored, so that a client cannot pick its own (finding 3, 10).
func TestIssue8_TrustedProxies(t *testing.T) {
	bad := url.Values{"account": {"acme"}, "user": {"alice"}, "password": {"wrong-password"}}
	good := url.Values{"account": {"acme"}, "user": {"alice"}, "password": {demoPassword}}
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")

	behind := newFixture(t, fixtureOpts{trustedProxies: []*net.IPNet{loopback}})
	c := behind.client()
	for i := 0; i < 5; i++ {
		c.submit("/login", bad, "X-Forwarded-For", "203.0.113.7").want(http.StatusUnauthorized)
	}
	c.submit("/login", good, "X-Forwarded-For", "203.0.113.7").want(http.StatusTooManyRequests)
	behind.client().submit("/login", good, "X-Forwarded-For", "198.51.100.20").want(http.StatusSeeOther)

	direct := newFixture(t)
	d := direct.client()
	for i := 0; i < 5; i++ {
		d.submit("/login", bad, "X-Forwarded-For", "203.0.113.7").want(http.StatusUnauthorized)
	}
	// Not behind a trusted proxy: the forwarded address is not believed.
	direct.client().submit("/login", good, "X-Forwarded-For", "198.51.100.20").want(http.StatusTooManyRequests)
}
