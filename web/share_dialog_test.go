package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/world"
)

// TestS01_S04_RecipientShareDialogOffersNoOwnerActions: a recipient opening
// Share on an image shared with it gets the refusal with the replicate hint,
// and no Stop Sharing tab (only the owner stops sharing); the owner gets both
// tabs, and the image details name recipient projects with their account.
func TestS01_S04_RecipientShareDialogOffersNoOwnerActions(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice := f.login("acme", "alice")
	owner := alice.get("/images/" + img + "/share").want(http.StatusOK)
	if !owner.has("#tab-share") || !owner.has("#tab-stop") {
		t.Errorf("owner's share dialog: tabs share=%v stop=%v, want both", owner.has("#tab-share"), owner.has("#tab-stop"))
	}
	alice.submit("/images/share", url.Values{"image": {img}, "recipients": {world.ProjectID("bravo", "cn-north-4")}}).want(http.StatusSeeOther)
	if got := alice.get("/images/" + img).find("#recipients-table tr[data-member] .name"); !strings.Contains(got, "bravo / cn-north-4") {
		t.Errorf("recipient name on image details = %q, want it to name the account and project", got)
	}

	bob := f.login("bravo", "bob")
	d := bob.get("/images/" + img + "/share").want(http.StatusOK)
	if d.has("#tab-stop") || d.has("#share-form") {
		t.Errorf("recipient's share dialog offers stop=%v share form=%v, want neither", d.has("#tab-stop"), d.has("#share-form"))
	}
	if got := d.find("#share-refusal"); !strings.Contains(got, "replicate it as a private image first") {
		t.Errorf("refusal = %q, want the replicate hint", got)
	}
}
