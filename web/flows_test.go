package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/world"
)

// TestSeedFlow_ShareAcceptUse is the seed's main flow through the console
// without JavaScript: the owner shares with the recipient's project ID, the
// recipient sees the badge and banner (S14), accepts with the trust warning
// (S22), finds the image listed and applies for a server from it (S17, S18).
func TestSeedFlow_ShareAcceptUse(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	bobProject := world.ProjectID("bravo", "cn-north-4")

	alice := f.login("acme", "alice")
	dialog := alice.get("/images/" + img + "/share").want(http.StatusOK).wantHas("#share-form").wantHas("#recipients")
	if got := dialog.find("#share-warning"); !strings.Contains(got, "delete any sensitive data") {
		t.Errorf("S22: share dialog warning: got %q", got)
	}
	r := alice.submit("/images/share", url.Values{"image": {img}, "recipients": {bobProject}, "back": {"/images"}}).want(http.StatusSeeOther)
	if got := alice.follow(r).flash(); !strings.Contains(got, "1 recipient added") {
		t.Errorf("share feedback: got %q", got)
	}
	if got := alice.get("/images").find(`tr[data-name="ubuntu-22.04-web"] .recipients`); got != "1" {
		t.Errorf("recipients column: got %q, want 1", got)
	}

	bob := f.login("bravo", "bob")
	for _, page := range []string{"/images", "/servers", "/trace", "/shared", "/shared?view=pending"} {
		if got := bob.get(page).find("#pending-badge"); got != "1" {
			t.Errorf("S14: badge on %s: got %q, want 1", page, got)
		}
	}
	list := bob.get("/shared")
	list.wantText("#pending-banner", "1 image is waiting for you to accept").wantHas("#accept-all")
	if list.has(`#shared-table tr[data-image-id="` + img + `"]`) {
		t.Errorf("S14: a pending image is in the accepted list")
	}
	pending := bob.get("/shared?view=pending").wantHas(`#shared-table tr[data-image-id="` + img + `"]`)
	pending.wantHas("#accept-selected").wantHas("#reject-selected")

	acceptDialog := bob.submit("/shared/decide", url.Values{"op": {"accept"}, "image": {img}, "back": {"/shared?view=pending"}}).want(http.StatusOK)
	if got := acceptDialog.find("#trust-warning"); !strings.Contains(got, "does not ensure the integrity or security") {
		t.Errorf("S22: accept dialog warning: got %q", got)
	}
	acceptDialog.wantHas("#accept-confirm")
	r = bob.submit("/shared/accept", url.Values{"image": {img}}).want(http.StatusSeeOther)
	list = bob.follow(r)
	if !strings.Contains(list.flash(), "Accepted 1 image") {
		t.Errorf("accept feedback: got %q", list.flash())
	}
	row := list.doc.Find(`#shared-table tr[data-image-id="` + img + `"]`)
	if row.Length() != 1 || !strings.Contains(row.Find(".owner").Text(), "acme") {
		t.Fatalf("accepted image listed with its owner: got %q", row.Text())
	}
	if list.has("#pending-badge") || list.has("#pending-banner") {
		t.Errorf("S14: badge or banner left after accepting the only pending image")
	}

	form := bob.get("/servers/new?image=" + img).want(http.StatusOK).wantHas("#server-form")
	if got := form.doc.Find("#server-image option[selected]").AttrOr("value", ""); got != img {
		t.Errorf("Apply for Server preselects %q, want the image", got)
	}
	var azs []string
	form.doc.Find("#server-az option").Each(func(_ int, s *goquerySelection) { azs = append(azs, s.AttrOr("value", "")) })
	if strings.Join(azs, ",") != "cn-north-4a,cn-north-4b,cn-north-4c" {
		t.Errorf("S18: AZs offered: got %v, want every AZ of cn-north-4", azs)
	}
	r = bob.submit("/servers", url.Values{"image": {img}, "az": {"cn-north-4c"}, "name": {"from-shared"}}).want(http.StatusSeeOther)
	servers := bob.follow(r)
	if got := servers.find(`#servers-table tr[data-name="from-shared"]`); !strings.Contains(got, "ubuntu-22.04-web") || !strings.Contains(got, "cn-north-4c") {
		t.Errorf("server row: got %q", got)
	}
}

// TestS13_RejectThenAcceptAgain: a rejected image shows only under Rejected
// Images, from where it can be accepted again.
func TestS13_RejectThenAcceptAgain(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "centos-7.9-base")
	f.share(f.actor("acme", "cn-north-4"), img, world.ProjectID("bravo", "cn-north-4"))
	bob := f.login("bravo", "bob")
	// Reject asks first (issue 10), naming the image and who shares it.
	ask := bob.submit("/shared/decide", url.Values{"op": {"reject"}, "image": {img}, "back": {"/shared?view=pending"}}).want(http.StatusOK)
	if got := ask.find("#reject-dialog li"); !strings.Contains(got, "centos-7.9-base") || !strings.Contains(got, "acme") {
		t.Errorf("the reject confirmation: got %q, want the image and its owner", got)
	}
	if pending := f.pendingOf("bravo"); pending != 1 {
		t.Errorf("asking to reject rejected already: %d pending", pending)
	}
	r := bob.submit("/shared/reject", url.Values{"image": {img}, "back": {"/shared?view=pending"}}).want(http.StatusSeeOther)
	if got := r.header.Get("Location"); got != "/shared?view=pending" {
		t.Errorf("reject returns to %q, want the pending view", got)
	}
	if list := bob.get("/shared"); list.has(`tr[data-image-id="`+img+`"]`) || list.has("#pending-badge") {
		t.Errorf("S14: a rejected image is listed or counted")
	}
	rejected := bob.get("/shared?view=rejected").wantHas(`#shared-table tr[data-image-id="` + img + `"]`)
	if rejected.has("#reject-selected") || !rejected.has("#accept-selected") {
		t.Errorf("Rejected Images offers Reject, or not Accept")
	}
	bob.submit("/shared/accept", url.Values{"image": {img}}).want(http.StatusSeeOther)
	bob.get("/shared").wantHas(`#shared-table tr[data-image-id="` + img + `"]`)
}

// TestS14_AcceptAll accepts every pending image from the banner.
func TestS14_AcceptAll(t *testing.T) {
	f := newFixture(t)
	alice := f.actor("acme", "cn-north-4")
	bobProject := world.ProjectID("bravo", "cn-north-4")
	for _, name := range []string{"ubuntu-22.04-web", "centos-7.9-base", "app-data-2024"} {
		f.share(alice, f.imageID("acme", "cn-north-4", name), bobProject)
	}
	bob := f.login("bravo", "bob")
	bob.get("/shared").wantText("#pending-banner", "3 images are waiting for you to accept")
	bob.get("/shared/accept?all=true").want(http.StatusOK).wantText("#accept-dialog", "Accept all 3 images").wantHas("#trust-warning")
	list := bob.follow(bob.submit("/shared/accept-all", nil))
	if n := list.doc.Find("#shared-table tr[data-image-id]").Length(); n != 3 {
		t.Errorf("accepted list: got %d images, want 3", n)
	}
	if list.has("#pending-banner") {
		t.Errorf("banner left after Accept All")
	}
	bob.submit("/shared/accept-all", nil).want(http.StatusConflict).wantText("#accept-error", "No images are waiting")
}

// TestS14_BadgeFollowsProject: the badge and lists are those of the selected
// region and project; a share with one project of a multi-project account
// shows only there.
func TestS14_BadgeFollowsProject(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	dev := world.ProjectID("acme", "cn-north-4_dev")
	alice := f.login("acme", "alice")
	alice.submit("/images/share", url.Values{"image": {img}, "recipients": {dev}}).want(http.StatusSeeOther)
	if alice.get("/images").has("#pending-badge") {
		t.Errorf("the owner's project shows a badge for a share with another project")
	}
	alice.submit("/context", url.Values{"region": {"cn-north-4"}, "project": {dev}}).want(http.StatusSeeOther)
	if got := alice.get("/images").find("#pending-badge"); got != "1" {
		t.Errorf("badge in the receiving project: got %q, want 1", got)
	}
	alice.submit("/context", url.Values{"region": {"cn-east-3"}}).want(http.StatusSeeOther)
	if r := alice.get("/shared"); r.has("#pending-badge") || r.has("#pending-banner") {
		t.Errorf("another region shows the badge or banner")
	}
}

// TestS05_ShareRefusalsNameTheID: an unknown ID is named, and nothing of the
// submission is applied (all or nothing).
func TestS05_ShareRefusalsNameTheID(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	good := world.ProjectID("bravo", "cn-north-4")
	unknown := strings.Repeat("ab", 16)
	alice := f.login("acme", "alice")
	cases := []struct {
		name, recipients, subject string
		status                    int
	}{
		{"unknown project", good + "\n" + unknown, unknown, http.StatusNotFound},
		{"malformed", good + ", not-an-id", "not-an-id", http.StatusUnprocessableEntity},
		{"own project (S06)", world.ProjectID("acme", "cn-north-4"), world.ProjectID("acme", "cn-north-4"), http.StatusUnprocessableEntity},
		{"project of another region (S06)", world.ProjectID("bravo", "cn-east-3"), world.ProjectID("bravo", "cn-east-3"), http.StatusNotFound},
		{"empty", "  ", "recipients", http.StatusUnprocessableEntity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alice.t = t
			r := alice.submit("/images/share", url.Values{"image": {img}, "recipients": {tc.recipients}}).want(tc.status)
			pr := r.doc.Find("#share-error")
			if got := pr.AttrOr("data-subject", ""); got != tc.subject {
				t.Errorf("refusal names %q, want %q (%s)", got, tc.subject, pr.Text())
			}
			if got := r.doc.Find("#recipients").Text(); got != tc.recipients {
				t.Errorf("the recipients box lost what was typed: got %q", got)
			}
		})
	}
	alice.t = t
	if got := alice.get("/images").find(`tr[data-name="ubuntu-22.04-web"] .recipients`); got != "0" {
		t.Errorf("S05: a refused submission added recipients: %s", got)
	}
	over := make([]string, 101)
	for i := range over {
		over[i] = fmt.Sprintf("%032x", i+1)
	}
	r := alice.submit("/images/share", url.Values{"image": {img}, "recipients": {strings.Join(over, ",")}}).want(http.StatusUnprocessableEntity)
	if got := r.find("#share-error"); !strings.Contains(got, "At most 100") {
		t.Errorf("S05: 101 recipients: got %q", got)
	}
}

// TestS07_CrossSiteRefusedInOneSiteRegion: cn-north-1 is not offered on the
// International website, so its accounts cannot receive images there.
func TestS07_CrossSiteRefusedInOneSiteRegion(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-1", "legacy-beijing1")
	globex := world.AccountID("globex")
	alice := f.login("acme", "alice")
	alice.submit("/context", url.Values{"region": {"cn-north-1"}}).want(http.StatusSeeOther)
	r := alice.submit("/images/share", url.Values{"image": {img}, "recipients": {globex}}).want(http.StatusNotFound)
	if got := r.doc.Find("#share-error").AttrOr("data-code", ""); got != domain.CodeNotInRegion {
		t.Errorf("code: got %q, want %s; %s", got, domain.CodeNotInRegion, r.find("#share-error"))
	}
	// In a region both sites offer, the same account is a valid recipient.
	alice.submit("/context", url.Values{"region": {"cn-north-4"}}).want(http.StatusSeeOther)
	alice.submit("/images/share", url.Values{"image": {f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")}, "recipients": {globex}}).want(http.StatusSeeOther)
}

// TestS03_EncryptedImageCannotBeShared shows the reason in the dialog and
// refuses a submission all the same.
func TestS03_EncryptedImageCannotBeShared(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "secure-euleros")
	alice := f.login("acme", "alice")
	if got := alice.get("/images/" + img + "/share").find("#share-refusal"); !strings.Contains(got, "The encrypted image cannot be shared") {
		t.Errorf("dialog: got %q", got)
	}
	r := alice.submit("/images/share", url.Values{"image": {img}, "recipients": {world.ProjectID("bravo", "cn-north-4")}}).want(http.StatusForbidden)
	if got := r.find("#share-error"); !strings.Contains(got, "The encrypted image cannot be shared.") {
		t.Errorf("refusal: got %q", got)
	}
}

// TestS04_SharedImageCannotBeSharedOn: the recipient is refused with the
// replicate hint, replicates the image (S16) and shares the copy.
func TestS04_SharedImageCannotBeSharedOn(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	f.share(f.actor("acme", "cn-north-4"), img, world.ProjectID("bravo", "cn-north-4"))
	bob := f.login("bravo", "bob")
	if got := bob.get("/images/" + img + "/replicate").find("#replicate-reason"); !strings.Contains(got, "accept") {
		t.Errorf("S16: replicate before accepting: got %q, want the accept-first reason", got)
	}
	bob.submit("/shared/accept", url.Values{"image": {img}}).want(http.StatusSeeOther)
	dlg := bob.get("/images/" + img + "/share").want(http.StatusOK)
	if got := dlg.find("#share-refusal"); !strings.Contains(got, "replicate it as a private image first") {
		t.Errorf("dialog: got %q, want the replicate hint", got)
	}
	dlg.wantHas("#share-replicate")
	erin := world.ProjectID("umbrella", "cn-north-4")
	r := bob.submit("/images/share", url.Values{"image": {img}, "recipients": {erin}}).want(http.StatusForbidden)
	if got := r.find("#share-error"); !strings.Contains(got, "replicate it as a private image first") {
		t.Errorf("refusal: got %q, want the replicate hint", got)
	}
	if got := bob.get("/images/" + img + "/replicate").find("#replicate-region-reason"); !strings.Contains(got, "replicate it in this region first") {
		t.Errorf("S23: cross-region replication of a shared image: got %q", got)
	}
	bob.submit("/images/"+img+"/replicate", url.Values{"name": {"bob-copy"}}).want(http.StatusSeeOther)
	copyID := f.imageID("bravo", "cn-north-4", "bob-copy")
	f.finish(t)
	bob.submit("/images/share", url.Values{"image": {copyID}, "recipients": {erin}}).want(http.StatusSeeOther)
}

// finish waits for images being saved to become Normal.
func (f *fixture) finish(t *testing.T) {
	t.Helper()
	time.Sleep(60 * time.Millisecond)
	if _, err := f.sh.FinishDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestS21_StopSharing: the owner stops sharing; the image leaves the
// recipient's list and can no longer make servers, while the server already
// made keeps running.
func TestS21_StopSharing(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	bobProject := world.ProjectID("bravo", "cn-north-4")
	f.share(f.actor("acme", "cn-north-4"), img, bobProject)
	bob := f.login("bravo", "bob")
	bob.submit("/shared/accept", url.Values{"image": {img}}).want(http.StatusSeeOther)
	bob.submit("/servers", url.Values{"image": {img}, "az": {"cn-north-4a"}, "name": {"before-stop"}}).want(http.StatusSeeOther)

	alice := f.login("acme", "alice")
	stop := alice.get("/images/" + img + "/share?tab=stop").want(http.StatusOK)
	stop.wantHas(`#stop-form input.member-check[value="` + bobProject + `"]`).wantHas("#stop-selected").wantHas("#stop-all")
	details := alice.get("/images/" + img).want(http.StatusOK)
	if got := details.find(`#recipients-table tr[data-member="` + bobProject + `"]`); !strings.Contains(got, "Accepted") || !strings.Contains(got, "bravo") && !strings.Contains(got, "cn-north-4") {
		t.Errorf("details recipients row: got %q", got)
	}
	// Stop Sharing asks first (issue 10), listing whom it stops sharing with.
	ask := alice.submit("/images/"+img+"/stop", url.Values{"member": {bobProject}, "back": {"/images/" + img}}).want(http.StatusOK)
	ask.wantHas(`#stop-confirm-dialog #recipients-table tr[data-member="` + bobProject + `"]`).wantHas(`#stop-confirm-form input[name="confirmed"]`)
	if !bob.get("/shared").has(`tr[data-image-id="` + img + `"]`) {
		t.Fatalf("asking to stop sharing stopped it already")
	}
	r := alice.submit("/images/"+img+"/stop", url.Values{"member": {bobProject}, "back": {"/images/" + img}, "confirmed": {"true"}}).want(http.StatusSeeOther)
	if got := alice.follow(r).flash(); !strings.Contains(got, "Stopped sharing with 1") {
		t.Errorf("stop feedback: got %q", got)
	}

	if bob.get("/shared").has(`tr[data-image-id="` + img + `"]`) {
		t.Errorf("the image is still listed for the recipient")
	}
	bob.submit("/servers", url.Values{"image": {img}, "az": {"cn-north-4a"}}).want(http.StatusNotFound)
	if !bob.get("/servers").has(`tr[data-name="before-stop"]`) {
		t.Errorf("the server made before is gone")
	}
	srv := f.serverIDNamed("bravo", "before-stop")
	reinstall := bob.get("/servers").doc.Find("#server-" + srv + "-reinstall")
	if !reinstall.Is("details.disabled") || !strings.Contains(reinstall.Find(".why").Text(), "no longer available") {
		t.Errorf("S21: Reinstall OS after the owner stopped sharing: got %q, want it disabled with the reason", reinstall.Text())
	}
	r = bob.submit("/servers/"+srv+"/reinstall", nil).want(http.StatusConflict)
	if got := r.find("#reinstall-error"); !strings.Contains(got, "no longer available") {
		t.Errorf("reinstall refusal: got %q", got)
	}
	alice.submit("/images/"+img+"/stop", url.Values{"member": {bobProject}}).want(http.StatusNotFound).wantText("#stop-error", "is not a recipient")
}

func (f *fixture) serverIDNamed(account, name string) string {
	f.t.Helper()
	res, _ := f.sh.Servers(context.Background(), f.actor(account, "cn-north-4"), sharing.Page{Limit: sharing.MaxPage})
	for _, s := range res.Rows {
		if s.Name == name {
			return s.ID
		}
	}
	f.t.Fatalf("no server %s", name)
	return ""
}

// TestS17_DataDiskImages: a data disk image makes new disks, never restores
// one; the refusal says what to do instead.
func TestS17_DataDiskImages(t *testing.T) {
	f := newFixture(t)
	data := f.imageID("acme", "cn-north-4", "app-data-2024")
	alice := f.login("acme", "alice")
	r := alice.submit("/disks", url.Values{"image": {data}, "az": {"cn-north-4b"}, "name": {"from-image"}}).want(http.StatusSeeOther)
	alice.follow(r).wantHas(`#disks-table tr[data-name="from-image"]`)
	r = alice.submit("/disks/"+f.diskID("acme", "cn-north-4")+"/restore", url.Values{"image": {data}}).want(http.StatusForbidden)
	if got := r.find("#restore-error"); !strings.Contains(got, "cannot restore an existing data disk") {
		t.Errorf("restore refusal: got %q", got)
	}
	r = alice.submit("/servers", url.Values{"image": {data}, "az": {"cn-north-4a"}}).want(http.StatusUnprocessableEntity)
	if got := r.find("#server-error"); !strings.Contains(got, "creates data disks, not servers") {
		t.Errorf("server from a data disk image: got %q", got)
	}
}

// TestS18_FullECSServerGetsNoEIP and S19 change OS.
func TestS18_FullECSServerGetsNoEIPAndS19_ChangeOS(t *testing.T) {
	f := newFixture(t)
	erp := f.imageID("acme", "cn-north-4", "erp-full-ecs")
	centos := f.imageID("acme", "cn-north-4", "centos-7.9-base")
	alice := f.login("acme", "alice")
	r := alice.follow(alice.submit("/servers", url.Values{"image": {erp}, "az": {"cn-north-4b"}, "name": {"erp-1"}}))
	if !strings.Contains(r.flash(), "no EIP") || !strings.Contains(r.find(`tr[data-name="erp-1"]`), "None") {
		t.Errorf("S18: full-ECS server: flash %q row %q", r.flash(), r.find(`tr[data-name="erp-1"]`))
	}
	web01 := f.serverID("acme", "cn-north-4")
	dlg := alice.get("/servers/" + web01 + "/change-os").want(http.StatusOK)
	var opts []string
	dlg.doc.Find("#changeos-image option").Each(func(_ int, s *goquerySelection) { opts = append(opts, s.AttrOr("value", "")) })
	if strings.Contains(strings.Join(opts, ","), erp) || !strings.Contains(strings.Join(opts, ","), centos) {
		t.Errorf("S19: change OS offers %v: want system disk images only", opts)
	}
	alice.follow(alice.submit("/servers/"+web01+"/change-os", url.Values{"image": {centos}})).wantText(`#servers-table`, "CentOS 7.9 64bit")
}

// TestCreateImageShowsProgress: a new image is saving, its row polls for
// progress, and it turns Normal.
func TestCreateImageShowsProgress(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	r := alice.submit("/images/create", url.Values{"source": {"server"}, "server": {f.serverID("acme", "cn-north-4")}, "name": {"web-snapshot"}, "type": {"system"}}).want(http.StatusSeeOther)
	list := alice.follow(r)
	row := list.doc.Find(`tr[data-name="web-snapshot"]`)
	if row.AttrOr("data-status", "") != domain.StatusSaving || row.AttrOr("hx-trigger", "") == "" {
		t.Fatalf("a new image: status %q polling %q, want saving and polling", row.AttrOr("data-status", ""), row.AttrOr("hx-trigger", ""))
	}
	if !strings.Contains(row.Find(".status").Text(), "Saving") || !row.Find(".act-share").HasClass("disabled") {
		t.Errorf("S02: a saving image shows %q and Share enabled", row.Find(".status").Text())
	}
	id := row.AttrOr("data-image-id", "")
	f.finish(t)
	frag := alice.get("/images/"+id+"/row", "HX-Request", "true").want(http.StatusOK)
	if frag.has("header.topbar") {
		t.Errorf("the row fragment carries the layout")
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + frag.body + "</tbody></table>"))
	tr := doc.Find("tr#img-" + id)
	if tr.AttrOr("data-status", "") != domain.StatusActive || tr.AttrOr("hx-trigger", "") != "" {
		t.Errorf("after saving: status %q polling %q, want active and no polling", tr.AttrOr("data-status", ""), tr.AttrOr("hx-trigger", ""))
	}

	for _, form := range []url.Values{
		{"source": {"import"}, "name": {"imported"}, "type": {"data"}, "size_gb": {"20"}},
		{"source": {"disk"}, "disk": {f.diskID("acme", "cn-north-4")}, "name": {"disk-image"}},
	} {
		alice.submit("/images/create", form).want(http.StatusSeeOther)
		f.imageID("acme", "cn-north-4", form.Get("name"))
	}
	r = alice.submit("/images/create", url.Values{"source": {"import"}, "name": {"bad"}, "type": {"system"}, "size_gb": {"x"}}).want(http.StatusUnprocessableEntity)
	if got := r.doc.Find("#create-error").AttrOr("data-subject", ""); got != "size_gb" {
		t.Errorf("bad size: refusal names %q, want size_gb", got)
	}
}

// TestNamesAreEscaped shows names and descriptions with HTML as text.
func TestNamesAreEscaped(t *testing.T) {
	f := newFixture(t)
	const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	alice := f.login("acme", "alice")
	alice.submit("/images/create", url.Values{"source": {"import"}, "name": {evil}, "description": {evil}, "type": {"system"}, "os": {evil}, "size_gb": {"10"}}).want(http.StatusSeeOther)
	id := f.imageID("acme", "cn-north-4", evil)
	f.finish(t)
	f.share(f.actor("acme", "cn-north-4"), id, world.ProjectID("bravo", "cn-north-4"))
	pages := map[*client][]string{
		alice: {"/images", "/images/" + id, "/images/" + id + "/share", "/images/" + id + "/delete", "/trace"},
	}
	bob := f.login("bravo", "bob")
	pages[bob] = []string{"/shared?view=pending", "/images/" + id}
	for c, paths := range pages {
		for _, p := range paths {
			r := c.get(p).want(http.StatusOK)
			if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
				t.Errorf("%s: the name is rendered as HTML", p)
			}
			if !strings.Contains(r.text(), `<script>alert("x")</script>`) {
				t.Errorf("%s: the name is not shown as text", p)
			}
		}
	}
}

// TestHTMXDialogsInPlace: with htmx a dialog comes as a fragment and a
// successful submission navigates in place; without, a page of its own.
func TestHTMXDialogsInPlace(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice := f.login("acme", "alice")
	frag := alice.get("/images/"+img+"/share", "HX-Request", "true", "HX-Target", "dialog").want(http.StatusOK)
	if frag.has("header.topbar") || !frag.has("#share-dialog") {
		t.Errorf("htmx dialog: got a full page or no dialog")
	}
	page := alice.get("/images/" + img + "/share").want(http.StatusOK)
	if !page.has("header.topbar") || !page.has("main #share-dialog") {
		t.Errorf("dialog without JavaScript: want a page with the dialog in it")
	}
	hx := []string{"HX-Request", "true", "HX-Target", "dialog"}
	r := alice.submit("/images/share", url.Values{"image": {img}, "recipients": {"nonsense"}}, hx...).want(http.StatusUnprocessableEntity)
	if r.has("header.topbar") || !r.has("#share-dialog #share-error") {
		t.Errorf("htmx refusal: want the dialog alone with the error")
	}
	r = alice.submit("/images/share", url.Values{"image": {img}, "recipients": {world.ProjectID("bravo", "cn-north-4")}, "back": {"/images/" + img}}, hx...).want(http.StatusNoContent)
	if got := r.header.Get("HX-Location"); got != "/images/"+img {
		t.Errorf("HX-Location: got %q, want the page the dialog came from", got)
	}
	if got := alice.get("/images/" + img).flash(); !strings.Contains(got, "Shared 1 image") {
		t.Errorf("flash after the in-place share: got %q", got)
	}
	r = alice.submit("/images/share", url.Values{"image": {img}, "recipients": {world.ProjectID("bravo", "cn-north-4")}, "back": {"//evil.example/"}})
	if got := r.header.Get("Location"); got != "/images" {
		t.Errorf("open redirect: Location %q, want /images", got)
	}
}

// TestCredentialsShowWhatToShareWith lists the account ID, each project per
// region and the organization URNs.
func TestCredentialsShowWhatToShareWith(t *testing.T) {
	f := newFixture(t)
	r := f.login("bravo", "bob").get("/credentials").want(http.StatusOK)
	r.wantText("#account-id", world.AccountID("bravo"))
	r.wantText(`#projects-table tr[data-region="cn-north-4"] .copy-value`, world.ProjectID("bravo", "cn-north-4"))
	if got := r.find("#org-urns"); !strings.Contains(got, "ou:o-acme01/ou-engineering") || !strings.Contains(got, "organization:o-acme01") {
		t.Errorf("organization URNs: got %q", got)
	}
}
