package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/testworld"
	"imageshare/internal/world"
	"imageshare/server"
	"imageshare/web"
)

// copyOf is a second browser holding a copy of c's cookies (a stolen or
// shared session cookie).
func (c *client) copyOf() *client {
	d := c.f.client()
	u, _ := url.Parse(c.f.srv.URL)
	d.http.Jar.SetCookies(u, c.http.Jar.Cookies(u))
	d.csrf = c.csrf
	return d
}

// TestIssue8_LogoutEndsACopiedCookie: sessions are kept server-side, so a
// copy of the cookie stops working the moment its owner logs out (finding
// 2: it kept working, and was even refreshed, for up to 12 hours).
func TestIssue8_LogoutEndsACopiedCookie(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	thief := alice.copyOf()
	thief.get("/images").want(http.StatusOK)
	alice.submit("/logout", nil).want(http.StatusSeeOther)
	if r := thief.get("/images"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2Fimages" {
		t.Errorf("the copied cookie after logout: %d to %q, want 303 to /login", r.status, r.header.Get("Location"))
	}
	if r := thief.submit("/context", url.Values{"region": {"cn-east-3"}}); r.status == http.StatusOK || r.header.Get("Location") == "/images" {
		t.Errorf("the copied cookie changed something after logout: %d", r.status)
	}
}

// TestIssue8_PasswordChangeAndDisableEndEverySession: `user passwd` and
// `user disable` end every console session and API token of the user at
// once; other users keep theirs.
func TestIssue8_PasswordChangeAndDisableEndEverySession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := world.NewAdmin(f.w.Store)
	token := func(account, user string) string {
		p, err := f.id.Authenticate(ctx, account, user, demoPassword, "127.0.0.1", "api")
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := f.id.IssueToken(ctx, p, world.ProjectID(account, "cn-north-4"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	alice1, alice2, bob := f.login("acme", "alice"), f.login("acme", "alice"), f.login("bravo", "bob")
	aliceTok, bobTok := token("acme", "alice"), token("bravo", "bob")
	if err := admin.SetPassword(ctx, "acme", "alice", "a-new-password-1"); err != nil {
		t.Fatal(err)
	}
	for i, c := range []*client{alice1, alice2} {
		if r := c.get("/images"); r.status != http.StatusSeeOther {
			t.Errorf("alice's session %d after the password change: %d, want 303 to the login page", i+1, r.status)
		}
	}
	if _, err := f.id.Token(ctx, aliceTok); err == nil {
		t.Errorf("alice's API token works after the password change")
	}
	bob.get("/images").want(http.StatusOK)
	if _, err := f.id.Token(ctx, bobTok); err != nil {
		t.Errorf("bob's token after alice's password change: %v", err)
	}

	if _, err := admin.DisableUser(ctx, "bravo", "bob"); err != nil {
		t.Fatal(err)
	}
	if r := bob.get("/images"); r.status != http.StatusSeeOther {
		t.Errorf("bob's session after `user disable`: %d, want 303 to the login page", r.status)
	}
	if _, err := f.id.Token(ctx, bobTok); err == nil {
		t.Errorf("bob's API token works after `user disable`")
	}
	f.client().submit("/login", url.Values{"account": {"bravo"}, "user": {"bob"}, "password": {demoPassword}}).want(http.StatusUnauthorized)
}

// TestIssue8_CSRFTokenIsTiedToTheSession: a token is good for its own
// session only. A page on another port or a sibling subdomain of the same
// site can plant cookies, so with a token checked against a cookie it
// could forge console POSTs (finding 8); a planted cookie or another
// session's token now gets 403.
func TestIssue8_CSRFTokenIsTiedToTheSession(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	mallory := f.login("bravo", "bob")
	anon := f.client()
	anon.get("/login")
	form := func(tok string) url.Values { return url.Values{"region": {"cn-east-3"}, "_csrf": {tok}} }

	alice.post("/context", form(mallory.csrf)).want(http.StatusForbidden)
	alice.post("/context", form(anon.csrf)).want(http.StatusForbidden)
	// Cookie tossing: the attacker plants a CSRF cookie of its choosing and
	// submits the matching value (what a double-submit check accepts).
	u, _ := url.Parse(f.srv.URL)
	alice.http.Jar.SetCookies(u, []*http.Cookie{{Name: "imageshare_csrf", Value: "attacker-chosen-token-0123456789", Path: "/"}})
	alice.post("/context", form("attacker-chosen-token-0123456789")).want(http.StatusForbidden)
	if got := alice.get("/images").find("#region-select option[selected]"); got != "CN North-Beijing4" {
		t.Fatalf("a forged request changed the region to %q", got)
	}
	alice.post("/context", form(alice.csrf)).want(http.StatusSeeOther)
}

// TestIssue8_SessionsAreSharedByServers: two console servers on one
// database (behind a load balancer) know the same sessions: a login on one
// works on the other, and a logout on either ends it on both.
func TestIssue8_SessionsAreSharedByServers(t *testing.T) {
	f := newFixture(t)
	second, err := server.Open(server.Config{DSN: f.w.DSN, Limits: sharing.DefaultLimits(), Throttling: identity.DefaultThrottling(),
		SecretKey: f.w.SecretKey, Web: web.Options{SessionKey: testworld.TestSessionKey}, Logger: testworld.Quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	other := httptest.NewServer(second.Handler)
	defer other.Close()
	alice := f.login("acme", "alice")
	// The same browser, on the other server: cookies do not depend on the port.
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(f.srv.URL)
	o, _ := url.Parse(other.URL)
	jar.SetCookies(o, alice.http.Jar.Cookies(u))
	there := &client{f: &fixture{t: t, srv: other}, t: t, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	there.get("/images").want(http.StatusOK)
	there.submit("/logout", nil).want(http.StatusSeeOther)
	if r := alice.get("/images"); r.status != http.StatusSeeOther {
		t.Errorf("after a logout on the other server: %d, want 303 to the login page", r.status)
	}
}

// TestIssue8_ConsoleBadInputIsNever500: NUL bytes and huge filters in the
// console's forms and lists get a 4xx that does not repeat them back
// (finding 6).
func TestIssue8_ConsoleBadInputIsNever500(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("x", 50_000)
	anon := f.client()
	for name, form := range map[string]url.Values{
		"NUL account":     {"account": {"ac\x00me"}, "user": {"alice"}, "password": {demoPassword}},
		"invalid UTF-8":   {"account": {"acme"}, "user": {"ali\xffce"}, "password": {demoPassword}},
		"huge user name":  {"account": {"acme"}, "user": {long}, "password": {demoPassword}},
		"NUL in password": {"account": {"acme"}, "user": {"alice"}, "password": {"pw\x00"}},
	} {
		r := anon.submit("/login", form)
		if r.status < 400 || r.status >= 500 || strings.Count(r.body, "x") > 10_000 {
			t.Errorf("login with %s: %d, want a 4xx that does not echo the input", name, r.status)
		}
	}
	alice := f.login("acme", "alice")
	for _, path := range []string{
		"/images?name=" + long, "/images?name=" + url.QueryEscape("a\x00b"), "/images?name=%FF",
		"/trace?q=" + long, "/trace?q=" + url.QueryEscape("\x00"),
		"/images/" + url.PathEscape("\x00"), "/images/%FF",
	} {
		r := alice.get(path)
		if r.status < 400 || r.status >= 500 || strings.Count(r.body, "x") > 10_000 {
			t.Errorf("GET %.60s…: %d, want a 4xx that does not echo the input", path, r.status)
		}
	}
	r := alice.submit("/images/share", url.Values{"image": {f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")}, "recipients": {strings.Repeat("a", 100_000)}})
	if r.status < 400 || r.status >= 500 || strings.Count(r.body, "a") > 50_000 {
		t.Errorf("share with a 100 KB recipient: %d, want a 4xx that does not echo it", r.status)
	}
}
