package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/world"
)

// TestIssue10_NewPostsNeedTheirToken: every POST issue 10 added refuses a
// request without the session's token (400), with another (403) or from
// another site (403), and changes nothing; with the token it passes.
func TestIssue10_NewPostsNeedTheirToken(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "centos-7.9-base")
	bobProject := world.ProjectID("bravo", "cn-north-4")
	f.share(f.actor("acme", "cn-north-4"), img, bobProject)
	alice, bob := f.login("acme", "alice"), f.login("bravo", "bob")
	posts := []struct {
		c    *client
		path string
		form url.Values
		ok   int
	}{
		{alice, "/language", url.Values{"lang": {"zh-CN"}, "back": {"/images"}}, http.StatusSeeOther},
		{bob, "/shared/reject", url.Values{"image": {img}}, http.StatusSeeOther},
		{alice, "/images/" + img + "/stop", url.Values{"member": {bobProject}}, http.StatusOK}, // the confirmation
		{alice, "/images/" + img + "/stop", url.Values{"member": {bobProject}, "confirmed": {"true"}}, http.StatusSeeOther},
	}
	for _, p := range posts {
		name := p.path + " " + p.form.Encode()
		before := f.snapshot(f.actor("acme", "cn-north-4"), f.actor("bravo", "cn-north-4"))
		p.c.post(p.path, p.form).want(http.StatusBadRequest)
		wrong := url.Values{}
		for k, v := range p.form {
			wrong[k] = v
		}
		wrong.Set("_csrf", strings.Repeat("x", 43))
		p.c.post(p.path, wrong).want(http.StatusForbidden)
		p.c.submit(p.path, p.form, "Sec-Fetch-Site", "cross-site").want(http.StatusForbidden)
		if after := f.snapshot(f.actor("acme", "cn-north-4"), f.actor("bravo", "cn-north-4")); after != before {
			t.Errorf("%s: refused requests changed state", name)
		}
		if p.path == "/language" {
			if got := p.c.get("/images").find("#private-images h1"); got != "Private Images" {
				t.Errorf("a refused language switch switched: %q", got)
			}
		}
		if r := p.c.submit(p.path, p.form); r.status != p.ok {
			t.Errorf("%s with its token: status %d, want %d", name, r.status, p.ok)
		}
	}
	if n := f.pendingOf("bravo"); n != 0 {
		t.Errorf("after the reject and the stop: bravo has %d pending", n)
	}
}
