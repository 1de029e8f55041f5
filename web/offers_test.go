package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"imageshare/internal/world"
)

// uuidStart matches a message that starts with a raw ID.
var uuidStart = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-|^[0-9a-f]{32}`)

// TestIssue10_ForbiddenActionsAreDisabledWithTheServicesReason: what a rule
// forbids is not offered, then refused: Restore from Image (S17) and
// Reinstall OS of a server made from no image are disabled with the
// service's own code and reason, which never starts with a raw ID; a link
// to use an image of the wrong type is refused with the service's code,
// not one the console makes up; a recipient's Share is disabled (S04).
func TestIssue10_ForbiddenActionsAreDisabledWithTheServicesReason(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	disk := f.diskID("acme", "cn-north-4")
	restore := alice.get("/disks").want(http.StatusOK).doc.Find("#disk-" + disk + "-restore_disk")
	if !restore.Is("details.disabled") || restore.AttrOr("data-code", "") != "IMG.0183" || !strings.Contains(restore.Find(".why").Text(), "cannot restore an existing data disk") {
		t.Errorf("S17: Restore from Image: got %q (code %q), want disabled with IMG.0183 and the reason", restore.Text(), restore.AttrOr("data-code", ""))
	}
	r := alice.submit("/disks/"+disk+"/restore", nil).want(http.StatusForbidden)
	if got := r.find("#restore-error"); !strings.HasPrefix(got, "data-vol-01:") || uuidStart.MatchString(got) {
		t.Errorf("S17: the restore refusal: got %q, want it to name the disk, not its ID", got)
	}

	srv := f.serverIDNamed("acme", "web-01")
	reinstall := alice.get("/servers").doc.Find("#server-" + srv + "-reinstall")
	if why := reinstall.Find(".why").Text(); !reinstall.Is("details.disabled") || !strings.Contains(why, "not created from an image") || strings.Contains(why, "deleted") {
		t.Errorf("S21: Reinstall OS of a server made from no image: got %q", why)
	}
	alice.get("/servers/"+srv+"/reinstall").want(http.StatusOK).wantText("#reinstall-error", "not created from an image")
	alice.submit("/servers/"+srv+"/reinstall", nil).want(http.StatusConflict).wantText("#reinstall-error", "not created from an image")

	data := f.imageID("acme", "cn-north-4", "app-data-2024")
	pr := alice.get("/servers/new?image=" + data).want(http.StatusOK).doc.Find("#server-error")
	if code := pr.AttrOr("data-code", ""); code != "IMG.0001" || !strings.Contains(pr.Text(), "creates data disks, not servers") {
		t.Errorf("S17: Apply for Server from a data disk image: got code %q, %q; want the service's IMG.0001", code, pr.Text())
	}

	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	bobProject := world.ProjectID("bravo", "cn-north-4")
	f.share(f.actor("acme", "cn-north-4"), img, bobProject)
	bob := f.login("bravo", "bob")
	bob.submit("/shared/accept", map[string][]string{"image": {img}}).want(http.StatusSeeOther)
	share := bob.get("/shared").doc.Find("#img-" + img + "-share")
	if !share.Is("details.disabled") || share.AttrOr("data-code", "") != "IMG.0047" || !strings.Contains(share.Text(), "replicate it as a private image first") {
		t.Errorf("S04: a recipient's Share: got %q (code %q), want disabled with IMG.0047 and the way to share", share.Text(), share.AttrOr("data-code", ""))
	}
	for _, page := range []string{"/images", "/shared", "/servers", "/disks"} {
		for _, c := range []*client{alice, bob} {
			c.get(page).doc.Find(".act.disabled .why, .problem").Each(func(_ int, s *goquerySelection) {
				if txt := strings.TrimSpace(s.Text()); uuidStart.MatchString(txt) {
					t.Errorf("%s: a refusal starts with an ID: %q", page, txt)
				}
			})
		}
	}
}
