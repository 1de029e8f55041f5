package web_test

import (
	"net/http"
	"strings"
	"testing"

	"imageshare/internal/world"
)

// TestIssue10_AcceptingNamesTheImagesAndWhoSharesThem: the pending banner
// names the latest pending images and their owners, with how many more;
// Accept All and Accept list every image with its owner (S22: accept only
// from accounts you trust).
func TestIssue10_AcceptingNamesTheImagesAndWhoSharesThem(t *testing.T) {
	f := newFixture(t)
	owner := f.actor("acme", "cn-north-4")
	bobProject := world.ProjectID("bravo", "cn-north-4")
	names := []string{"ubuntu-22.04-web", "centos-7.9-base", "app-data-2024", "erp-full-ecs"}
	var ids []string
	for _, n := range names {
		id := f.imageID("acme", "cn-north-4", n)
		f.share(owner, id, bobProject)
		ids = append(ids, id)
	}
	bob := f.login("bravo", "bob")
	r := bob.get("/shared").want(http.StatusOK)
	if got := r.find("#pending-count"); got != "4 images are waiting for you to accept." {
		t.Errorf("banner count: got %q", got)
	}
	items := r.doc.Find("#pending-list li[data-image-id]")
	if items.Length() != 3 || !strings.Contains(items.First().Text(), "erp-full-ecs, shared by acme") {
		t.Errorf("banner names %d images (%q), want the latest 3 with their owner", items.Length(), items.Text())
	}
	if got := r.find("#pending-list li.more"); got != "and 1 more" {
		t.Errorf("banner: got %q, want and 1 more", got)
	}
	all := bob.get("/shared/accept?all=true").want(http.StatusOK)
	if n := all.doc.Find("#accept-dialog .accept-list li[data-image-id]").Length(); n != 4 {
		t.Errorf("Accept All lists %d images, want 4", n)
	}
	for _, n := range names {
		if !strings.Contains(all.find("#accept-dialog .accept-list"), n+", shared by acme") {
			t.Errorf("Accept All does not name %s and its owner: %q", n, all.find("#accept-dialog .accept-list"))
		}
	}
	one := bob.get("/shared/accept?image=" + ids[0]).want(http.StatusOK)
	if got := one.find(`#accept-dialog li[data-image-id="` + ids[0] + `"]`); got != "ubuntu-22.04-web, shared by acme" {
		t.Errorf("Accept: got %q", got)
	}
}
