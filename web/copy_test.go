package web_test

import (
	"net/http"
	"testing"

	"imageshare/internal/world"
)

// TestIssue10_IDsToHandOverCanBeCopied: the header shows the current
// project's ID; every ID a user hands to someone (project, account, image,
// recipient, access key) is selectable text with a Copy button that names
// it and points at it (hidden until app.js runs: the text alone works
// without JavaScript); the image lists have an ID column.
func TestIssue10_IDsToHandOverCanBeCopied(t *testing.T) {
	f := newFixture(t)
	c := f.login("acme", "alice")
	check := func(r *response, id, want string) {
		t.Helper()
		if got := r.find("#" + id); got != want {
			t.Errorf("#%s: got %q, want %q", id, got, want)
		}
		btn := r.doc.Find(`.copy-btn[data-copy="` + id + `"]`)
		if btn.Length() != 1 || btn.AttrOr("aria-label", "") == "" {
			t.Errorf("#%s: no Copy button naming what it copies", id)
		}
		if _, hidden := btn.Attr("hidden"); !hidden {
			t.Errorf("#%s: the Copy button shows without JavaScript", id)
		}
		if !r.has("#" + id + ".copy-value") {
			t.Errorf("#%s: not selectable as one value", id)
		}
	}
	project := world.ProjectID("acme", "cn-north-4")
	images := c.get("/images").want(http.StatusOK)
	check(images, "current-project-id", project)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	check(images, "id-"+img, img)
	creds := c.get("/credentials").want(http.StatusOK)
	check(creds, "account-id", world.AccountID("acme"))
	check(creds, "project-id-"+project, project)
	check(c.get("/images/"+img), "image-id", img)

	bobProject := world.ProjectID("bravo", "cn-north-4")
	f.share(f.actor("acme", "cn-north-4"), img, bobProject)
	check(c.get("/images/"+img), "member-"+bobProject, bobProject)
	bob := f.login("bravo", "bob")
	bob.submit("/shared/accept", map[string][]string{"image": {img}}).want(http.StatusSeeOther)
	check(bob.get("/shared"), "id-"+img, img)
	check(bob.get("/shared"), "current-project-id", bobProject)
}
