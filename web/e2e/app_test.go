// Package e2e drives the console in a real browser (Debian's chromium
// through chromedp) through the seed FAQ's flows, each test named after the
// rules it proves. Owner and recipient use separate browser contexts, so
// separate cookies and sessions. Screenshots of the main pages go to
// artifacts/screenshots at the repository root.
package e2e

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"imageshare/internal/sharing"
	"imageshare/internal/store"
	"imageshare/internal/testworld"
)

// demoPassword is every demo user's password.
const demoPassword = testworld.Password

// buildTime is how long a new image stays in saving in the test console.
const buildTime = 300 * time.Millisecond

// app is the demo world on a SQLite file, served by the real console on a
// loopback test server, with the service and store at hand for setting up
// what a flow does not click through.
type app struct {
	t   *testing.T
	exe string // chromium
	st  *store.Store
	sh  *sharing.Service
	w   *testworld.World
	srv *httptest.Server
}

// newApp starts the console for a browser test; without chromium the test
// is skipped (or fails when E2E_REQUIRED=1) before anything is built.
func newApp(t *testing.T) *app {
	t.Helper()
	exe := chromiumPath(t)
	ctx := context.Background()
	w := testworld.New(t, testworld.Options{BuildTime: buildTime})
	st, sh := w.Store, w.Sharing
	// Images being saved turn Normal in the background, as in the server.
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); sh.Run(runCtx, 50*time.Millisecond) }()
	srv := httptest.NewServer(w.Handler) // listens on 127.0.0.1
	t.Cleanup(func() { srv.Close(); stop(); <-done })
	return &app{t: t, exe: exe, st: st, sh: sh, w: w, srv: srv}
}

// actor is a user of a demo account working in one of its projects.
func (a *app) actor(account, project string) sharing.Actor {
	return testworld.Actor(account, project)
}

// imageID finds an image by name in its owner project.
func (a *app) imageID(account, project, name string) string {
	a.t.Helper()
	return a.w.ImageID(a.t, account, project, name)
}

// share grants recipients access to an image through the service.
func (a *app) share(owner sharing.Actor, imageID string, recipients ...string) {
	a.t.Helper()
	if _, err := a.sh.Share(context.Background(), owner, []string{imageID}, recipients); err != nil {
		a.t.Fatalf("share %s with %v: %v", imageID, recipients, err)
	}
}

// accept accepts an image for a recipient through the service.
func (a *app) accept(recipient sharing.Actor, imageID string) {
	a.t.Helper()
	if err := a.sh.Accept(context.Background(), recipient, []string{imageID}); err != nil {
		a.t.Fatalf("accept %s as %s: %v", imageID, recipient.ProjectID, err)
	}
}

// pending is how many images wait for a project's decision.
func (a *app) pending(recipient sharing.Actor) int {
	a.t.Helper()
	n, err := a.sh.PendingCount(context.Background(), recipient)
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

// browser starts chromium on the console.
func (a *app) browser() *browser { return newBrowser(a.t, a.exe, a.srv.URL) }

// session starts a browser and logs each user in, in a browser context of
// its own.
func (a *app) session(users ...[2]string) []*tab {
	a.t.Helper()
	b := a.browser()
	tabs := make([]*tab, len(users))
	for i, u := range users {
		tabs[i] = b.tab(u[0] + "/" + u[1])
		tabs[i].login(u[0], u[1], demoPassword)
	}
	return tabs
}

// serverID is the first server of an account's default project in cn-north-4.
func (a *app) serverID(account string) string {
	a.t.Helper()
	res, err := a.sh.Servers(context.Background(), a.actor(account, "cn-north-4"), sharing.Page{})
	if err != nil || len(res.Rows) == 0 {
		a.t.Fatalf("servers of %s: %v", account, err)
	}
	return res.Rows[0].ID
}

// diskID is the first disk of an account's default project in cn-north-4.
func (a *app) diskID(account string) string {
	a.t.Helper()
	res, err := a.sh.Disks(context.Background(), a.actor(account, "cn-north-4"), sharing.Page{})
	if err != nil || len(res.Rows) == 0 {
		a.t.Fatalf("disks of %s: %v", account, err)
	}
	return res.Rows[0].ID
}
