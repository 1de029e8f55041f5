package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestPagesRender renders every page and dialog of the console for users of
// several accounts, each in its own project.
func TestPagesRender(t *testing.T) {
	f := newFixture(t)
	acmeImage := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	acmeData := f.imageID("acme", "cn-north-4", "app-data-2024")
	tenants := []struct {
		account, user string
		pages         []string
	}{
		{"acme", "alice", []string{
			"/images", "/images?name=ubuntu&type=system", "/images?page=2", "/shared", "/shared?view=pending", "/shared?view=rejected",
			"/servers", "/disks", "/trace", "/trace?action=login&result=success&q=alice", "/credentials",
			"/images/create", "/images/create?source=disk", "/images/create?source=import",
			"/servers/new", "/servers/new?image=" + acmeImage, "/disks/new", "/disks/new?image=" + acmeData,
			"/images/" + acmeImage, "/images/" + acmeImage + "/share", "/images/" + acmeImage + "/share?tab=stop",
			"/images/share?image=" + acmeImage + "&image=" + acmeData,
			"/images/" + acmeImage + "/replicate", "/images/" + acmeImage + "/delete",
			"/servers/" + f.serverID("acme", "cn-north-4") + "/change-os", "/disks/" + f.diskID("acme", "cn-north-4") + "/restore",
			"/shared/accept?all=true",
		}},
		{"bravo", "bob", []string{"/images", "/shared", "/servers", "/disks", "/trace", "/credentials", "/servers/new", "/disks/new"}},
		{"globex", "carol", []string{"/images", "/shared", "/servers", "/disks", "/trace", "/credentials"}},
	}
	for _, tn := range tenants {
		c := f.login(tn.account, tn.user)
		for _, p := range tn.pages {
			t.Run(tn.user+p, func(t *testing.T) {
				c.t = t
				r := c.get(p).want(http.StatusOK)
				if got := r.find("#user-menu .user-name"); got != tn.user {
					t.Errorf("user menu: got %q, want %q", got, tn.user)
				}
				if got := r.find("#user-menu .user-account"); got != tn.account {
					t.Errorf("account in the user menu: got %q, want %q", got, tn.account)
				}
				r.wantHas("#tab-shared").wantHas("#region-select").wantHas("#menu-credentials").wantHas("#logout")
				// A page is rendered whole before it is sent: it says its length.
				if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
					t.Errorf("Content-Length %q for a body of %d bytes", cl, len(r.body))
				}
			})
		}
		c.t = t
	}
}

// TestPrivateImagesShowsTheProjectsImages lists the owner's images with
// their attributes, and the forbidden actions disabled with their reason.
func TestPrivateImagesShowsTheProjectsImages(t *testing.T) {
	f := newFixture(t)
	r := f.login("acme", "alice").get("/images").want(http.StatusOK)
	var names []string
	r.doc.Find("#images-table tbody tr[data-image-id]").Each(func(_ int, s *goquerySelection) {
		names = append(names, s.AttrOr("data-name", ""))
	})
	for _, want := range []string{"ubuntu-22.04-web", "centos-7.9-base", "app-data-2024", "erp-full-ecs", "secure-euleros"} {
		if !strings.Contains(strings.Join(names, ","), want) {
			t.Errorf("Private Images: got %v, want %s among them", names, want)
		}
	}
	for _, notWant := range []string{"dev-toolbox", "hk-gateway", "legacy-beijing1", "globex-analytics"} {
		if strings.Contains(strings.Join(names, ","), notWant) {
			t.Errorf("Private Images of acme's cn-north-4 project list %s, which is another project's", notWant)
		}
	}
	row := r.doc.Find(`tr[data-name="secure-euleros"]`)
	share := row.Find(".act-share")
	if why := strings.TrimSpace(share.Find(".why").Text()); !share.HasClass("disabled") || why != "The encrypted image cannot be shared." || share.AttrOr("data-code", "") != "IMG.0098" {
		t.Errorf("S03: Share of an encrypted image: got class %q reason %q, want disabled with the reason", share.AttrOr("class", ""), why)
	}
	if _, disabled := row.Find("input.row-check").Attr("disabled"); !disabled {
		t.Errorf("S03: an encrypted image can be selected for sharing")
	}
	data := r.doc.Find(`tr[data-name="app-data-2024"]`)
	if data.Find(".act-disk").Length() != 1 || data.Find(".act-server").Length() != 0 {
		t.Errorf("S17: a data disk image offers Create Data Disk, not Apply for Server")
	}
	if got := r.find("#image-quota"); !strings.Contains(got, "/ 50") {
		t.Errorf("quota: got %q, want the limit of 50 (S11)", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for path, c := range map[string]*client{"/login": f.client(), "/images": f.login("acme", "alice")} {
		r := c.get(path).want(http.StatusOK)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q allows inline or eval'd script", path, csp)
		}
		for h, want := range map[string]string{
			"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
		} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s: %s: got %q, want %q", path, h, got, want)
			}
		}
		if r.has("script:not([src])") {
			t.Errorf("%s: the page has an inline script", path)
		}
		if strings.Contains(r.body, " style=") || r.has("style") {
			t.Errorf("%s: the page has inline styles, which the CSP blocks", path)
		}
	}
}

// TestStaticFilesAreHashedAndCached serves the stylesheet and scripts the
// pages link, under names that change with their content.
func TestStaticFilesAreHashedAndCached(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	page := c.get("/login").want(http.StatusOK)
	var links []string
	page.doc.Find(`link[rel="stylesheet"], script[src]`).Each(func(_ int, s *goquerySelection) {
		links = append(links, s.AttrOr("href", s.AttrOr("src", "")))
	})
	if len(links) != 3 {
		t.Fatalf("assets linked: got %v, want the stylesheet, htmx and app.js", links)
	}
	for _, l := range links {
		r := c.get(l).want(http.StatusOK)
		if got := r.header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable", l, got)
		}
		if len(r.body) == 0 {
			t.Errorf("%s: empty", l)
		}
	}
	c.get("/static/app.0000000000.css").want(http.StatusNotFound)
}

func TestUnknownPageIsNotFound(t *testing.T) {
	f := newFixture(t)
	f.login("acme", "alice").get("/no-such-page").want(http.StatusNotFound)
}
