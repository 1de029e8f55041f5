package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"imageshare/internal/sharing"
	"imageshare/internal/world"
)

// TestE2E_S13_S14_S17_S22_ShareAcceptApply is the seed's main flow: the
// recipient reads its project ID from My Credentials, the owner shares with
// it (the share dialog warns, S22), the recipient sees the red badge with the
// count and the banner (S14), accepts with the trust warning (S13, S22),
// finds the image listed and applies for a server from it in an AZ of the
// region (S17, S18).
func TestE2E_S13_S14_S17_S22_ShareAcceptApply(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	img := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	b := a.browser()
	alice, bob := b.tab("acme/alice"), b.tab("bravo/bob")
	alice.open("/login", "#login-form")
	alice.screenshot("01-login")
	alice.login("acme", "alice", demoPassword)
	bob.login("bravo", "bob", demoPassword)

	// The recipient hands its project ID to the owner.
	bobProject := bob.projectID("cn-north-4", "cn-north-4")
	if want := world.ProjectID("bravo", "cn-north-4"); bobProject != want {
		t.Fatalf("My Credentials: project ID of bravo in cn-north-4: got %q, want %q", bobProject, want)
	}
	bob.wantText("#account-id", world.AccountID("bravo"))
	bob.screenshot("10-my-credentials")

	alice.screenshot("02-private-images")
	row := `#images-table tr#img-` + img
	if got := alice.attr(row, "data-status"); got != "active" {
		t.Fatalf("ubuntu-22.04-web status: got %q, want active", got)
	}
	alice.click(row+" .act-share", "#share-dialog #share-form")
	alice.wantText("#share-warning", "delete any sensitive data")
	alice.wantText("#share-dialog .share-images", "ubuntu-22.04-web")
	alice.typeInto("#recipients", bobProject)
	alice.screenshot("03-share-dialog")
	alice.click("#share-submit", "#flashes .flash-success")
	alice.wantText("#flashes .flash-success", "1 recipient added")
	if got := alice.text(row + " .recipients"); got != "1" {
		t.Errorf("recipients column after sharing: got %q, want 1", got)
	}

	// The recipient: badge with the count on every tab, banner on Shared with Me.
	bob.click("#tab-images", "#private-images")
	if got := bob.text("#pending-badge"); got != "1" {
		t.Fatalf("S14: badge on Private Images: got %q, want 1", got)
	}
	bob.click("#tab-shared", "#shared-images")
	if got := bob.text("#pending-badge"); got != "1" {
		t.Errorf("S14: badge on Images Shared with Me: got %q, want 1", got)
	}
	bob.wantText("#pending-banner", "1 image is waiting for you to accept")
	bob.wantNone("#shared-table tr#shared-"+img, "S14: a pending image is not in the list")
	bob.screenshot("05-images-shared-with-me-banner")

	bob.click("#accept-all", "#accept-dialog #accept-confirm")
	bob.wantText("#trust-warning", "does not ensure the integrity or security of images shared by other accounts")
	bob.wantText("#trust-warning", "Accept only images shared by accounts you trust")
	bob.screenshot("05b-accept-dialog")
	bob.click("#accept-confirm", "#flashes .flash-success")
	bob.wantText("#flashes .flash-success", "Accepted 1 image")
	shared := "#shared-table tr#shared-" + img
	if !bob.has(shared) {
		t.Fatalf("S14: the accepted image is not listed; page: %s", bob.pageText())
	}
	bob.wantText(shared+" .owner", "acme")
	bob.wantText(shared, "Ubuntu 22.04 server 64bit")
	bob.wantNone("#pending-badge", "S14: badge after accepting the only pending image")
	bob.wantNone("#pending-banner", "S14: banner after accepting the only pending image")

	// Apply for Server from the accepted image (S17), in any AZ (S18).
	bob.click(shared+" .act-server", "#server-dialog #server-form")
	if got := bob.attr("#server-image option:checked", "value"); got != img {
		t.Errorf("Apply for Server preselects %q, want the shared image %s", got, img)
	}
	var azs []string
	for i := range bob.count("#server-az option") {
		azs = append(azs, bob.attr("#server-az option:nth-child("+strconv.Itoa(i+1)+")", "value"))
	}
	if got := strings.Join(azs, ","); got != "cn-north-4a,cn-north-4b,cn-north-4c" {
		t.Errorf("S18: AZs offered: got %s, want every AZ of cn-north-4", got)
	}
	bob.choose("#server-az", "cn-north-4c")
	bob.typeInto("#server-name", "web-from-acme")
	bob.click("#server-submit", "#servers-table")
	bob.wantText("#flashes .flash-success", "web-from-acme is running in cn-north-4c")
	srv := `#servers-table tr[data-name="web-from-acme"]`
	if !bob.has(srv) {
		t.Fatalf("the new server is not listed; page: %s", bob.pageText())
	}
	bob.wantText(srv, "ubuntu-22.04-web")
	bob.wantText(srv, "cn-north-4c")
	bob.screenshot("07-servers")

	// The owner sees the recipient accepted, and its trail.
	alice.click(row+" a.image-link", "#image-details")
	if got, want := alice.url(), "/images/"+img; got != want || !alice.has("#main > #image-details") || alice.has("#private-images") {
		t.Errorf("image details from the image's name: at %s, in the main area %v, Private Images still shown %v; want %s replacing the list",
			got, alice.has("#main > #image-details"), alice.has("#private-images"), want)
	}
	member := `#recipients-table tr[data-member="` + bobProject + `"]`
	if got := alice.attr(member, "data-status"); got != "accepted" {
		t.Errorf("image details: recipient %s status: got %q, want accepted", bobProject, got)
	}
	alice.wantText(member, "Accepted")
	alice.screenshot("04-image-details")
	alice.click("#tab-disks", "#disks-table")
	alice.wantText("#disks-table", "data-vol-01")
	alice.screenshot("08-disks")
	alice.click("#tab-trace", "#trace-table")
	if got := alice.attr("#trace-table tbody tr", "data-action"); got != "share" {
		t.Errorf("S25: newest trail event: got %q, want share", got)
	}
	alice.screenshot("09-trace")
}

// TestE2E_S13_S14_RejectThenAcceptFromRejected: the recipient selects a
// pending image and rejects it; it leaves the badge and the banner and shows
// only under Rejected Images, from where it is accepted again (S13).
func TestE2E_S13_S14_RejectThenAcceptFromRejected(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	img := a.imageID("acme", "cn-north-4", "centos-7.9-base")
	a.share(a.actor("acme", "cn-north-4"), img, world.ProjectID("bravo", "cn-north-4"))
	bob := a.session([2]string{"bravo", "bob"})[0]
	row := "#shared-table tr#shared-" + img

	bob.click("#tab-shared", "#shared-images")
	bob.wantText("#pending-banner", "1 image is waiting for you to accept")
	bob.click("#review-pending", `#shared-images[data-view="pending"]`)
	if got := bob.attr(row, "data-status"); got != "pending" {
		t.Fatalf("pending view: row status: got %q, want pending; page: %s", got, bob.pageText())
	}
	bob.do("select the image", click(row+" input.row-check"))
	bob.click("#reject-selected", "#reject-dialog #reject-confirm")
	bob.wantText(`#reject-dialog li[data-image-id="`+img+`"]`, "centos-7.9-base, shared by acme")
	bob.screenshot("06a-reject-confirm")
	bob.click("#reject-confirm", "#flashes .flash-success")
	bob.wantText("#flashes .flash-success", "Rejected 1 image.")
	bob.wantNone("#pending-badge", "S14: badge after rejecting the only pending image")
	bob.wantNone("#pending-banner", "S14: banner after rejecting the only pending image")
	bob.wantNone(row, "S14: the rejected image in the pending view")

	bob.click("#rejected-link", `#shared-images[data-view="rejected"]`)
	if got := bob.attr(row, "data-status"); got != "rejected" {
		t.Fatalf("Rejected Images: row status: got %q, want rejected; page: %s", got, bob.pageText())
	}
	bob.wantNone("#reject-selected", "Rejected Images offers Reject")
	bob.screenshot("06-rejected-images")
	bob.click("#accepted-link", `#shared-images[data-view="accepted"]`)
	bob.wantNone(row, "S14: a rejected image in the accepted list")

	bob.click("#rejected-link", `#shared-images[data-view="rejected"]`)
	bob.do("select the image", click(row+" input.row-check"))
	bob.click("#accept-selected", "#accept-dialog #accept-confirm")
	bob.wantText("#trust-warning", "does not ensure the integrity or security")
	bob.wantText(`#accept-dialog .accept-list li[data-image-id="`+img+`"]`, "centos-7.9-base")
	bob.click("#accept-confirm", "#flashes .flash-success")
	bob.wantText("#flashes .flash-success", "Accepted 1 image")
	if got := bob.attr(row, "data-status"); got != "accepted" {
		t.Errorf("S13: accepted again from Rejected Images: row status %q, want accepted; page: %s", got, bob.pageText())
	}
	bob.click("#rejected-link", `#shared-images[data-view="rejected"]`)
	bob.wantNone(row, "Rejected Images after accepting again")
}

// TestE2E_S21_StopSharing: the owner stops sharing an accepted image from
// the Stop Sharing tab and a pending one with Delete All on the image
// details; the recipient loses both from its list and badge, the server
// form it had open is refused, and the image is not found any more.
func TestE2E_S21_StopSharing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ubuntu := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	centos := a.imageID("acme", "cn-north-4", "centos-7.9-base")
	bobProject := world.ProjectID("bravo", "cn-north-4")
	owner := a.actor("acme", "cn-north-4")
	a.share(owner, ubuntu, bobProject)
	a.share(owner, centos, bobProject)
	a.accept(a.actor("bravo", "cn-north-4"), ubuntu)
	tabs := a.session([2]string{"acme", "alice"}, [2]string{"bravo", "bob"})
	alice, bob := tabs[0], tabs[1]

	// The recipient has one accepted, one pending, and opens Apply for Server.
	bob.click("#tab-shared", "#shared-images")
	shared := "#shared-table tr#shared-" + ubuntu
	if !bob.has(shared) || bob.text("#pending-badge") != "1" {
		t.Fatalf("before: listed %v, badge %q; want listed and 1", bob.has(shared), bob.text("#pending-badge"))
	}
	bob.click(shared+" .act-server", "#server-dialog #server-form")
	if got := bob.attr("#server-image option:checked", "value"); got != ubuntu {
		t.Fatalf("Apply for Server preselects %q, want %s", got, ubuntu)
	}

	// Stop Sharing tab of the accepted image: select the recipient.
	row := "#images-table tr#img-" + ubuntu
	alice.click(row+" .act-stop", "#share-dialog #stop-form")
	member := `#stop-form input.member-check[value="` + bobProject + `"]`
	if got := alice.attr(`#stop-form tr[data-member="`+bobProject+`"]`, "data-status"); got != "accepted" {
		t.Fatalf("Stop Sharing tab: recipient status %q, want accepted; dialog: %s", got, alice.text("#share-dialog"))
	}
	alice.do("select the recipient", click(member))
	alice.screenshot("03b-stop-sharing-dialog")
	alice.click("#stop-selected", "#stop-confirm-dialog #stop-confirm")
	alice.wantText("#stop-confirm-dialog", "Stop sharing ubuntu-22.04-web with these recipients?")
	alice.screenshot("03c-stop-sharing-confirm")
	alice.click("#stop-confirm", "#flashes .flash-success")
	alice.wantText("#flashes .flash-success", "Stopped sharing with 1 recipient.")
	if got := alice.text(row + " .recipients"); got != "0" {
		t.Errorf("recipients column after stopping: got %q, want 0", got)
	}
	// Image details of the pending one: Delete All.
	alice.click("#images-table tr#img-"+centos+" a.image-link", "#image-details")
	if got := alice.attr(`#recipients-table tr[data-member="`+bobProject+`"]`, "data-status"); got != "pending" {
		t.Fatalf("image details: recipient status %q, want pending", got)
	}
	alice.click("#delete-all-recipients", "#stop-confirm-dialog #stop-confirm")
	alice.wantText("#stop-confirm-dialog", "with all its recipients?")
	alice.click("#stop-confirm", "#flashes .flash-success")
	alice.wantText("#flashes .flash-success", "Stopped sharing with all recipients")
	alice.wantNone("#recipients-table tr[data-member]", "recipients after Delete All")

	// The recipient's open form is refused: the image is gone for it.
	if err := bob.try(click("#server-submit"), "#dialog .problem"); err != nil {
		t.Errorf("S21: Create Server from the image no longer shared: got no refusal (%v); dialog: %q, want the image not found", err, bob.text("#dialog"))
	} else {
		bob.wantText("#dialog .problem", "The image does not exist.")
		bob.screenshot("12-server-refused-after-stop")
		bob.closeDialog()
	}
	if servers, err := a.sh.Servers(context.Background(), a.actor("bravo", "cn-north-4"), sharing.Page{}); err != nil || len(servers.Rows) != 1 {
		t.Errorf("S21: bravo's servers after the refused creation: got %d (%v), want only bravo-app-01", len(servers.Rows), err)
	}
	bob.click("#tab-shared", "#shared-images")
	bob.wantNone(shared, "S21: the image is still listed for the recipient")
	bob.wantNone("#pending-badge", "S21: the badge still counts an image no longer shared")
	bob.wantNone("#pending-banner", "S21: the banner after stop sharing")
	bob.click("#rejected-link", `#shared-images[data-view="rejected"]`)
	bob.wantNone("#shared-table tr[data-image-id]", "S21: Rejected Images after stop sharing")
	bob.open("/shared?view=pending", `#shared-images[data-view="pending"]`)
	bob.wantNone("#shared-table tr[data-image-id]", "S21: Pending Acceptance after stop sharing")
	// Reloading Apply for Server for that image: not found.
	if err := bob.tryOpen("/servers/new?image="+ubuntu, "#error"); err != nil {
		t.Errorf("S21: Apply for Server for the image no longer shared: got %v, want the Not found page", err)
	} else {
		bob.wantText("#error h1", "Not found")
		bob.wantText("#error .problem", "The image does not exist.")
		bob.wantNone("#server-form", "a server form for an image no longer shared")
	}
}

// TestE2E_S04_S16_ReplicateSharedThenShareCopy: the recipient cannot share
// an image shared with it (S04); the dialog says to replicate it and links
// there; the copy is its own private image (S16) that, once Normal, it
// shares with a third account.
func TestE2E_S04_S16_ReplicateSharedThenShareCopy(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	img := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	a.share(a.actor("acme", "cn-north-4"), img, world.ProjectID("bravo", "cn-north-4"))
	a.accept(a.actor("bravo", "cn-north-4"), img)
	bob := a.session([2]string{"bravo", "bob"})[0]

	bob.click("#tab-shared", "#shared-images")
	// S04: Share is not offered; its reason, with the way to share, opens
	// from the disabled action (keyboard and touch alike: it is a
	// disclosure, not a hover title).
	share := "#shared-table tr#shared-" + img + " .act-share"
	if !bob.has(share + ".disabled") {
		t.Fatalf("S04: Share is offered for an image shared with you")
	}
	bob.do("open why Share is unavailable", click(share+" summary"), waitVisible(share+" .why"))
	bob.wantText(share+" .why", "replicate it as a private image first")
	bob.screenshot("11-share-refused-replicate-hint")
	bob.openInPlace("#shared-table tr#shared-"+img+" .act-replicate", "#replicate-dialog #replicate-form")
	bob.fill("#replicate-name", "bob-ubuntu-copy")
	copyRow := `#images-table tr[data-name="bob-ubuntu-copy"]`
	bob.click("#replicate-submit", copyRow)
	bob.wantText("#flashes .flash-success", "Replicating as bob-ubuntu-copy")
	switch st := bob.attr(copyRow, "data-status"); st {
	case "saving":
		bob.wantText(copyRow+" .status", "Saving")
		if bob.has(copyRow + " input.row-check:not([disabled])") {
			t.Errorf("S02: a saving image can be selected for sharing")
		}
	case "active": // the build time passed before the list rendered
	default:
		t.Fatalf("the copy's status: got %q, want saving then active", st)
	}
	// The row polls for its progress and turns Normal.
	bob.do("wait for the copy to be Normal", waitVisible(copyRow+`[data-status="active"]`))
	bob.wantText(copyRow+" .status", "Normal")
	copyID := bob.attr(copyRow, "data-image-id")
	if copyID == img || copyID == "" {
		t.Fatalf("the copy's ID: got %q, want a new image", copyID)
	}

	bob.share(copyRow, world.ProjectID("umbrella", "cn-north-4"))
	if got := bob.text(copyRow + " .recipients"); got != "1" {
		t.Errorf("recipients of the copy: got %q, want 1", got)
	}
	if got := a.pending(a.actor("umbrella", "cn-north-4")); got != 1 {
		t.Errorf("umbrella's pending images: got %d, want the copy", got)
	}
}

// TestE2E_S09_FullECSEleventhAcceptRefused: a full-ECS image shared with 11
// recipients; 10 accept; the 11th accept in the browser is refused with the
// limit (IMG.0088) and leaves the image pending.
func TestE2E_S09_FullECSEleventhAcceptRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	erp := a.imageID("acme", "cn-north-4", "erp-full-ecs")
	admin := world.NewAdmin(a.st)
	var tenants, ids []string
	for i := 1; i <= 10; i++ {
		name := fmt.Sprintf("tenant%02d", i)
		acc, err := admin.CreateAccount(ctx, name, "cn", "")
		if err != nil {
			t.Fatal(err)
		}
		tenants, ids = append(tenants, name), append(ids, acc.ID)
	}
	if err := a.sh.ResyncAccounts(ctx, ids); err != nil {
		t.Fatal(err)
	}
	bobProject := world.ProjectID("bravo", "cn-north-4")
	var recipients []string
	for _, name := range tenants {
		recipients = append(recipients, world.ProjectID(name, "cn-north-4"))
	}
	recipients = append(recipients, bobProject)
	tabs := a.session([2]string{"acme", "alice"}, [2]string{"bravo", "bob"})
	alice, bob := tabs[0], tabs[1]

	row := "#images-table tr#img-" + erp
	alice.click(row+" .act-share", "#share-dialog #share-form")
	alice.fill("#recipients", strings.Join(recipients, "\n"))
	alice.click("#share-submit", "#flashes .flash-success")
	alice.wantText("#flashes .flash-success", "11 recipients added")
	for _, name := range tenants {
		a.accept(a.actor(name, "cn-north-4"), erp)
	}

	bob.click("#tab-shared", "#shared-images")
	bob.wantText("#pending-banner", "1 image is waiting for you to accept")
	bob.click("#review-pending", `#shared-images[data-view="pending"]`)
	shared := "#shared-table tr#shared-" + erp
	bob.do("select the image", click(shared+" input.row-check"))
	bob.click("#accept-selected", "#accept-dialog #accept-confirm")
	bob.click("#accept-confirm", "#accept-dialog #accept-error")
	if got := bob.attr("#accept-error", "data-code"); got != "IMG.0088" {
		t.Errorf("S09: refusal code: got %q, want IMG.0088", got)
	}
	bob.wantText("#accept-error", "reached its limit of 10 accepted recipients")
	bob.wantText("#accept-error", "stays pending")
	bob.screenshot("13-full-ecs-limit-refused")
	bob.closeDialog()

	// Bob is on the pending view, which has #shared-images too: wait for
	// the accepted view itself, not for what the click leaves behind.
	bob.click("#tab-shared", `#shared-images[data-view="accepted"]`)
	if got := bob.text("#pending-badge"); got != "1" {
		t.Errorf("S09: badge after the refused accept: got %q, want 1 (still pending)", got)
	}
	bob.wantNone(shared, "S09: a refused image in the accepted list")
	bob.click("#review-pending", `#shared-images[data-view="pending"]`)
	if got := bob.attr(shared, "data-status"); got != "pending" {
		t.Errorf("S09: status after the refused accept: got %q, want pending", got)
	}

	alice.click(row+" a.image-link", "#image-details")
	if got := alice.count(`#recipients-table tr[data-status="accepted"]`); got != 10 {
		t.Errorf("S09: accepted recipients: got %d, want 10", got)
	}
	if got := alice.attr(`#recipients-table tr[data-member="`+bobProject+`"]`, "data-status"); got != "pending" {
		t.Errorf("S09: the 11th recipient: got %q, want pending", got)
	}
}

// TestE2E_S07_CrossSiteRefusedInCNOnlyRegion: in cn-north-1, offered on the
// Chinese Mainland website only, sharing with an International website
// account is refused naming that account; in cn-north-4, offered on both,
// the same account is a valid recipient.
func TestE2E_S07_CrossSiteRefusedInCNOnlyRegion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	legacy := a.imageID("acme", "cn-north-1", "legacy-beijing1")
	globex := world.AccountID("globex")
	alice := a.session([2]string{"acme", "alice"})[0]

	row := "#images-table tr#img-" + legacy
	alice.switchTo("#region-select", "cn-north-1", row)
	if got := alice.attr("#region-select option:checked", "value"); got != "cn-north-1" {
		t.Errorf("region selector: got %q, want cn-north-1", got)
	}
	alice.click(row+" .act-share", "#share-dialog #share-form")
	alice.typeInto("#recipients", globex)
	alice.click("#share-submit", "#share-dialog #share-error")
	if got := alice.attr("#share-error", "data-code"); got != "IMG.0108" {
		t.Errorf("S07: refusal code: got %q, want IMG.0108", got)
	}
	if got := alice.attr("#share-error", "data-subject"); got != globex {
		t.Errorf("S07: refusal names %q, want the account %s", got, globex)
	}
	alice.wantText("#share-error", globex)
	alice.wantText("#share-error", "Account globex")
	alice.wantText("#share-error", "International website, which does not offer CN North-Beijing1 (cn-north-1)")
	if got, err := chromedp.Run(alice.ctx, chromedp.Value(chromedp.CSS("#recipients"))); err != nil || got != globex {
		t.Errorf("the recipients box after the refusal: got %q (%v), want what was typed", got, err)
	}
	alice.screenshot("14-cross-site-refused")
	alice.closeDialog()
	alice.click("#tab-images", "#images-table")
	if got := alice.text(row + " .recipients"); got != "0" {
		t.Errorf("S05: a refused share added recipients: got %q, want 0", got)
	}

	// The same account in a region both websites offer.
	ubuntu := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice.switchTo("#region-select", "cn-north-4", "#images-table tr#img-"+ubuntu)
	alice.share("#images-table tr#img-"+ubuntu, globex)
}

// TestE2E_S06_S14_S24_MultiProjectShare: the owner shares with another
// project of its own account in the region; the share shows (badge, banner)
// only when that project is selected, and can be accepted there.
func TestE2E_S06_S14_S24_MultiProjectShare(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	img := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice := a.session([2]string{"acme", "alice"})[0]
	defaultProject := world.ProjectID("acme", "cn-north-4")

	dev := alice.projectID("cn-north-4", "cn-north-4_dev")
	if want := world.ProjectID("acme", "cn-north-4_dev"); dev != want {
		t.Fatalf("My Credentials: cn-north-4_dev project ID: got %q, want %q", dev, want)
	}
	if got := alice.attr("#project-select option:checked", "value"); got != defaultProject {
		t.Fatalf("project selector: got %q, want the default project %s", got, defaultProject)
	}

	alice.click("#tab-images", "#images-table")
	alice.share("#images-table tr#img-"+img, dev)
	alice.wantNone("#pending-badge", "S14: badge in the sharing project")
	alice.click("#tab-shared", "#shared-images")
	alice.wantNone("#pending-banner", "S14: banner in the default project")

	shared := "#shared-table tr#shared-" + img
	alice.switchTo("#project-select", dev, "#shared-images")
	if got := alice.attr("#project-select option:checked", "value"); got != dev {
		t.Fatalf("project selector after switching: got %q, want %s", got, dev)
	}
	if got := alice.text("#pending-badge"); got != "1" {
		t.Errorf("S14: badge in cn-north-4_dev: got %q, want 1", got)
	}
	alice.wantText("#pending-banner", "1 image is waiting for you to accept")
	alice.screenshot("15-multi-project-pending")
	alice.click("#accept-all", "#accept-dialog #accept-confirm")
	alice.click("#accept-confirm", "#flashes .flash-success")
	if !alice.has(shared) {
		t.Errorf("S24: the image accepted in cn-north-4_dev is not listed there; page: %s", alice.pageText())
	}
	alice.wantNone("#pending-badge", "S14: badge after accepting in cn-north-4_dev")

	alice.switchTo("#project-select", defaultProject, "#shared-images")
	alice.wantNone(shared, "S14: the share shows in the default project")
	alice.wantNone("#pending-badge", "S14: badge in the default project")
}
