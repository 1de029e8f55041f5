package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
)

// createKey creates an access key on My Credentials and returns the AK and
// SK the page shows.
func createKey(t *testing.T, c *client) (ak, sk string) {
	t.Helper()
	c.get("/credentials").want(http.StatusOK)
	r := c.submit("/credentials/access-keys", nil).want(http.StatusOK)
	ak, sk = r.find("#new-ak"), r.find("#new-sk")
	if len(ak) != 20 || len(sk) != 40 {
		t.Fatalf("created key page shows AK %q and SK %q; want 20 and 40 characters", ak, sk)
	}
	return ak, sk
}

// TestAccessKeysOnMyCredentials: create (the SK once, and as
// credentials.csv), disable, enable, delete; the SK never appears again.
func TestAccessKeysOnMyCredentials(t *testing.T) {
	f := newFixture(t)
	c := f.login("acme", "alice")
	ak, sk := createKey(t, c)

	// The download sends the SK back and gets it as credentials.csv.
	r := c.submit("/credentials/access-keys/download", url.Values{"ak": {ak}, "sk": {sk}}).want(http.StatusOK)
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="credentials.csv"`) {
		t.Errorf("download: Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][1] != "Access Key Id" || rows[1][0] != "alice" || rows[1][1] != ak || rows[1][2] != sk {
		t.Errorf("credentials.csv: %q (%v)", r.body, err)
	}
	// A wrong SK, or someone else's key, downloads nothing.
	c.submit("/credentials/access-keys/download", url.Values{"ak": {ak}, "sk": {strings.Repeat("x", 40)}}).want(http.StatusNotFound)

	// The SK is never shown again: not on My Credentials, not after a
	// change, not in the trail.
	page := c.get("/credentials").want(http.StatusOK)
	page.wantText("#access-keys-table tr[data-ak='"+ak+"']", "Enabled")
	for _, path := range []string{"/credentials", "/trace", "/credentials/access-keys/" + ak + "/delete"} {
		if body := c.get(path).want(http.StatusOK).body; strings.Contains(body, sk) {
			t.Errorf("%s shows the SK again", path)
		}
	}

	// Disable, enable.
	r = c.follow(c.submit("/credentials/access-keys/"+ak+"/enabled", url.Values{"enabled": {"false"}}))
	if !strings.Contains(r.flash(), "disabled") || !strings.Contains(r.find("tr[data-ak='"+ak+"']"), "Disabled") || strings.Contains(r.body, sk) {
		t.Errorf("after disable: flash %q, row %q", r.flash(), r.find("tr[data-ak='"+ak+"']"))
	}
	r = c.follow(c.submit("/credentials/access-keys/"+ak+"/enabled", url.Values{"enabled": {"true"}}))
	r.wantText("tr[data-ak='"+ak+"']", "Enabled")

	// Two keys at most: then Create is not offered, and a forced post is refused.
	createKey(t, c)
	c.get("/credentials").want(http.StatusOK).wantHas("#access-key-limit")
	r = c.submit("/credentials/access-keys", nil)
	if r.status != http.StatusConflict || !strings.Contains(r.find("#access-key-error"), "most a user can have") {
		t.Errorf("third key: %d %q, want 409 with the limit named", r.status, r.find("#access-key-error"))
	}

	// Delete asks first, then deletes.
	c.get("/credentials/access-keys/" + ak + "/delete").want(http.StatusOK).wantHas("#access-key-delete-confirm")
	r = c.follow(c.submit("/credentials/access-keys/"+ak+"/delete", nil))
	if !strings.Contains(r.flash(), "deleted") || r.has("tr[data-ak='"+ak+"']") {
		t.Errorf("after delete: flash %q, row still there: %v", r.flash(), r.has("tr[data-ak='"+ak+"']"))
	}

	// S25: each change is in the trail.
	trail := c.get("/trace?q=" + ak).want(http.StatusOK)
	for _, a := range []string{domain.ActCreateAccessKey, domain.ActDisableAccessKey, domain.ActEnableAccessKey, domain.ActDeleteAccessKey} {
		if !trail.has(`#trace-table tr[data-action="` + a + `"]`) {
			t.Errorf("trail lacks %s: %s", a, trail.text())
		}
	}
}

// TestAccessKeysCSRF: every access key POST needs the form's token.
func TestAccessKeysCSRF(t *testing.T) {
	f := newFixture(t)
	c := f.login("acme", "alice")
	ak, sk := createKey(t, c)
	for _, path := range []string{"/credentials/access-keys", "/credentials/access-keys/" + ak + "/enabled", "/credentials/access-keys/" + ak + "/delete", "/credentials/access-keys/download"} {
		form := url.Values{"enabled": {"false"}, "ak": {ak}, "sk": {sk}}
		c.post(path, form).want(http.StatusBadRequest)                                         // no token
		c.post(path, form, "X-CSRF-Token", strings.Repeat("x", 32)).want(http.StatusForbidden) // a wrong one
	}
	ks, err := f.id.AccessKeys(context.Background(), principalOf(t, f, "acme", "alice"))
	if err != nil || len(ks) != 1 || !ks[0].Enabled {
		t.Errorf("after refused posts: %+v (%v), want the one enabled key", ks, err)
	}
}

// TestAccessKeysTenantIsolation: another user's key, in another account or
// the same one, is "not found" on every route and changes nothing.
func TestAccessKeysTenantIsolation(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	ak, sk := createKey(t, alice)
	for _, who := range [][2]string{{"bravo", "bob"}, {"acme", "aaron"}} {
		c := f.login(who[0], who[1])
		c.get("/credentials").want(http.StatusOK)
		if c.get("/credentials").has("tr[data-ak='" + ak + "']") {
			t.Errorf("%s sees alice's key", who[1])
		}
		c.get("/credentials/access-keys/" + ak + "/delete").want(http.StatusNotFound)
		c.submit("/credentials/access-keys/"+ak+"/enabled", url.Values{"enabled": {"false"}}).want(http.StatusNotFound)
		c.submit("/credentials/access-keys/"+ak+"/delete", nil).want(http.StatusNotFound)
		c.submit("/credentials/access-keys/download", url.Values{"ak": {ak}, "sk": {sk}}).want(http.StatusNotFound)
	}
	ks, err := f.id.AccessKeys(context.Background(), principalOf(t, f, "acme", "alice"))
	if err != nil || len(ks) != 1 || ks[0].ID != ak || !ks[0].Enabled {
		t.Errorf("alice's keys after the others tried: %+v (%v)", ks, err)
	}
}

// TestAccessKeyRoutesRefuseJunk: an AK in a console URL or form is checked
// as text (domain.CheckText): a 4xx that does not repeat it, never a 500,
// and nothing about it in the trail.
func TestAccessKeyRoutesRefuseJunk(t *testing.T) {
	f := newFixture(t)
	c := f.login("acme", "alice")
	c.get("/credentials").want(http.StatusOK)
	junk := url.PathEscape("AK\u202e" + strings.Repeat("Z", 3000))
	for what, r := range map[string]*response{
		"delete dialog":  c.get("/credentials/access-keys/" + junk + "/delete"),
		"disable":        c.submit("/credentials/access-keys/"+junk+"/enabled", url.Values{"enabled": {"false"}}),
		"delete":         c.submit("/credentials/access-keys/"+junk+"/delete", nil),
		"download (NUL)": c.submit("/credentials/access-keys/download", url.Values{"ak": {"AK\x00"}, "sk": {"x"}}),
	} {
		if r.status < 400 || r.status >= 500 || strings.Contains(r.body, "ZZZZZZZZ") {
			t.Errorf("%s: %d, want a 4xx that does not repeat the AK", what, r.status)
		}
	}
	if trail := c.get("/trace").want(http.StatusOK).text(); strings.Contains(trail, "ZZZZZZZZ") {
		t.Errorf("the trail repeats a junk AK")
	}
}

func principalOf(t *testing.T, f *fixture, account, user string) identity.Principal {
	t.Helper()
	p, err := f.id.UserPrincipal(context.Background(), account, user)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
