package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/world"
)

// TestIssue10_S05_EveryBadRecipientIsListed: a submission with three bad
// recipients among good ones lists each with its reason in the dialog, keeps
// what was typed, and shares nothing (all or nothing).
func TestIssue10_S05_EveryBadRecipientIsListed(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice := f.login("acme", "alice")
	good := world.ProjectID("bravo", "cn-north-4")
	typed := strings.Join([]string{good, "0123456789abcdef0123456789abcdef", "nonsense", world.ProjectID("acme", "cn-north-4")}, "\n")
	r := alice.submit("/images/share", url.Values{"image": {img}, "recipients": {typed}})
	if r.status != http.StatusNotFound && r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want the refusal's", r.status)
	}
	items := r.doc.Find("#share-error li.problem-item")
	subjects := map[string]string{}
	items.Each(func(_ int, s *goquerySelection) { subjects[s.AttrOr("data-subject", "")] = s.AttrOr("data-code", "") })
	want := map[string]string{"0123456789abcdef0123456789abcdef": "IMG.0108", "nonsense": "IMG.0001", world.ProjectID("acme", "cn-north-4"): "IMG.0076"}
	if len(subjects) != len(want) {
		t.Fatalf("S05: refusals listed: got %v, want %v; page: %s", subjects, want, r.text())
	}
	for s, code := range want {
		if subjects[s] != code {
			t.Errorf("S05: %s: got code %q, want %q", s, subjects[s], code)
		}
	}
	if !strings.Contains(r.find("#share-error"), "Nothing was changed") {
		t.Errorf("S05: the summary does not say nothing was shared: %q", r.find("#share-error"))
	}
	if got := r.find("#recipients"); !strings.Contains(got, "nonsense") || !strings.Contains(got, good) {
		t.Errorf("the box lost what was typed: %q", got)
	}
	if n := f.pendingOf("bravo"); n != 0 {
		t.Errorf("S05: all or nothing: bravo has %d pending", n)
	}
}

// pendingOf is how many images wait for a demo account's default project in
// cn-north-4 to accept them.
func (f *fixture) pendingOf(account string) int {
	f.t.Helper()
	n, err := f.sh.PendingCount(context.Background(), f.actor(account, "cn-north-4"))
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}
