package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/world"
)

// TestIssue10_S05_OrganizationTreePicker: an account of an organization
// sees the whole tree (organization, root, nested OUs; names and URNs) on
// My Credentials with its own node marked, and picks nodes in the share
// dialog; a picked OU reaches the accounts under it. An account of no
// organization gets no picker, and an organization URN is not found for it
// (S05, amended).
func TestIssue10_S05_OrganizationTreePicker(t *testing.T) {
	f := newFixture(t)
	acmeID := world.AccountID("acme")
	urn := func(kind, path string) string { return "organizations::" + acmeID + ":" + kind + ":" + path }
	ouWeb := urn("ou", "o-acme01/ou-web")

	alice := f.login("acme", "alice")
	creds := alice.get("/credentials").want(http.StatusOK)
	for node, want := range map[string]string{
		"o-acme01": urn("organization", "o-acme01"), "r-acme": urn("root", "o-acme01/r-acme"),
		"ou-engineering": urn("ou", "o-acme01/ou-engineering"), "ou-web": ouWeb, "ou-overseas": urn("ou", "o-acme01/ou-overseas"),
	} {
		if got := creds.find("#urn-" + node); got != want {
			t.Errorf("My Credentials: %s: got %q, want %q", node, got, want)
		}
	}
	if creds.doc.Find(`li[data-node="ou-engineering"] li[data-node="ou-web"]`).Length() != 1 {
		t.Errorf("My Credentials: ou-web is not shown under ou-engineering")
	}
	if got := creds.find(`li[data-node="r-acme"] > .org-here`); got != "Your account" {
		t.Errorf("My Credentials: the account's own node is not marked: %q", got)
	}

	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	dialog := alice.get("/images/" + img + "/share").want(http.StatusOK)
	if n := dialog.doc.Find(`#org-picker input[type=checkbox][name=org]`).Length(); n != 5 {
		t.Fatalf("share dialog: %d organization nodes to pick, want 5", n)
	}
	if got := dialog.find(`#org-picker li[data-node="ou-web"] > label`); !strings.Contains(got, "Web team") {
		t.Errorf("picker label: got %q, want the OU's name", got)
	}
	alice.submit("/images/share", url.Values{"image": {img}, "org": {ouWeb}}).want(http.StatusSeeOther)
	if n := f.pendingOf("umbrella"); n != 1 {
		t.Errorf("S05: umbrella (in ou-web) has %d pending, want the image", n)
	}
	if n := f.pendingOf("globex"); n != 0 {
		t.Errorf("S05: globex (in ou-overseas) got the image shared with ou-web")
	}

	dave := f.login("initech", "dave")
	dave.get("/credentials").wantText("#credentials", "not in an organization")
	globexImg := f.imageID("globex", "cn-north-4", "globex-analytics")
	carol := f.login("globex", "carol")
	if !carol.get("/images/" + globexImg + "/share").has("#org-picker") {
		t.Errorf("a member account (globex) gets no picker")
	}
	if dave.get("/images").has("#org-picker") {
		t.Errorf("an account of no organization gets a picker")
	}
}
