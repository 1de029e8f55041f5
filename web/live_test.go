package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"imageshare/internal/world"
)

// TestIssue10_S14_BadgePollsForNewShares: the header's badge polls; while
// the count is the page's the poll answers 204 (nothing to swap); a new
// share makes it answer the new badge with the count in words, and on
// Images Shared with Me the banner (out of band) naming the image and its
// owner. Polls never keep an idle session alive, and a session that ended
// stops the polling (286).
func TestIssue10_S14_BadgePollsForNewShares(t *testing.T) {
	f := newFixture(t)
	bob := f.login("bravo", "bob")
	page := bob.get("/shared").want(http.StatusOK)
	live, ok := page.doc.Find("#pending-live").Attr("hx-get")
	if !ok || !strings.Contains(live, "known=0") || !strings.Contains(live, "banner=accepted") {
		t.Fatalf("the badge does not poll with the page's count and banner: hx-get %q", live)
	}
	if trig := page.doc.Find("#pending-live").AttrOr("hx-trigger", ""); trig != "every 10s" {
		t.Errorf("poll interval: %q, want every 10s", trig)
	}
	page.wantHas("#pending-banner-slot[role=status]")
	bob.get(live, "HX-Request", "true").want(http.StatusNoContent)

	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	f.share(f.actor("acme", "cn-north-4"), img, world.ProjectID("bravo", "cn-north-4"))
	r := bob.get(live, "HX-Request", "true").want(http.StatusOK)
	if got := r.find("#pending-live #pending-badge"); got != "1" {
		t.Errorf("badge after a share: got %q, want 1", got)
	}
	if got := r.find("#pending-live .sr-only"); got != "1 image pending" {
		t.Errorf("badge in words: got %q, want 1 image pending", got)
	}
	if next := r.doc.Find("#pending-live").AttrOr("hx-get", ""); !strings.Contains(next, "known=1") {
		t.Errorf("the new badge polls with %q, want known=1", next)
	}
	if got := r.find(`#pending-banner-slot[hx-swap-oob="innerHTML"] #pending-list`); !strings.Contains(got, "ubuntu-22.04-web, shared by acme") {
		t.Errorf("banner out of band: got %q", got)
	}
	bob.get(strings.Replace(live, "known=0", "known=1", 1), "HX-Request", "true").want(http.StatusNoContent)
	if r := bob.get("/pending?known=0", "HX-Request", "true").want(http.StatusOK); r.has("#pending-banner-slot") {
		t.Errorf("a page without a banner gets one")
	}

	// Polling is not use: 20 minutes of polls, then the idle timeout (30
	// minutes) ends the session all the same.
	for i := 0; i < 4; i++ {
		f.now = f.now.Add(10 * time.Minute)
		if r := bob.get(live, "HX-Request", "true"); i < 2 && r.status != http.StatusOK || i >= 3 && r.status != 286 {
			t.Errorf("poll at +%d min: status %d", (i+1)*10, r.status)
		}
	}
	bob.get("/images").want(http.StatusSeeOther)
	f.client().get("/pending?known=0", "HX-Request", "true").want(286)
}
