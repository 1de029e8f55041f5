package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// testTimeout bounds one flow: browser start, every page and every wait.
const testTimeout = 60 * time.Second

// stale marks the parts of a page an action will replace: the main area and
// an open dialog. A wait after an action looks only at elements outside
// them, so it cannot be satisfied by the page the action started from. This
// works for full page loads and for htmx swaps alike (boosted links and
// forms replace the body without a load event).
const stale = "data-e2e-stale"

const markStale = `document.querySelectorAll("#main, #dialog > *").forEach(e => e.setAttribute("` + stale + `", ""))`

// settled is true once htmx has no request in flight and nothing swapping or
// settling, so the page's links and forms are processed.
const settled = `!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitSettled waits for htmx to settle, polling (not on animation frames,
// which a background tab may not get).
func waitSettled() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](settled, chromedp.WithPollingInterval(20*time.Millisecond))
}

// fresh restricts a CSS selector (one compound chain, no commas) to elements
// that no earlier page or dialog holds.
func fresh(sel string) string {
	return sel + ":not([" + stale + "]):not([" + stale + "] *)"
}

// nodeGone tells the errors of a node query whose node an htmx swap
// replaced between finding it and using it; the query is then run again.
func nodeGone(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	for _, s := range []string{"Could not find node with given id", "No node with given id", "Node is detached", "does not belong to the document"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// requery runs a node action again when its node was replaced before it
// acted (the errors above come before any input reaches the page, so a
// click is never sent twice).
func requery(a chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for i := 0; ; i++ {
			v, err := a(ctx, t)
			if i == 4 || !nodeGone(err) {
				return v, err
			}
		}
	}
}

// Node actions that survive htmx replacing the page under them.
func click(sel string) chromedp.Action[chromedp.Void] {
	return requery(chromedp.Click(chromedp.CSS(sel)))
}
func waitVisible(sel string) chromedp.Action[chromedp.Void] {
	return requery(chromedp.WaitVisible(chromedp.CSS(sel)))
}
func sendKeys(sel, text string) chromedp.Action[chromedp.Void] {
	return requery(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// chromiumPath finds Debian's chromium, skipping the test when it is missing
// unless E2E_REQUIRED=1 (CI), where a missing browser is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("E2E_REQUIRED") == "1" {
		t.Fatal("chromium is not installed and E2E_REQUIRED=1: apt-get install -y chromium")
	}
	t.Skip("chromium is not installed; set E2E_REQUIRED=1 to make this a failure")
	return ""
}

// browser is one headless chromium for one test. Each user of the test gets
// a tab in a browser context of its own (separate cookies, separate session):
// the first user the browser's default context, the others new ones.
type browser struct {
	t    *testing.T
	ctx  context.Context // the browser's root context, its first tab
	base string          // the console's URL
	used bool            // the first tab has a user
}

// newBrowser starts chromium (exe) for the test, bounded by testTimeout.
// A browser that exits before it listens is started again, at most
// startAttempts times in all: on a loaded CI machine chromium has been seen
// to die at start-up once in hundreds of starts (the console was never
// reached), which says nothing about the console. Each failed start is
// logged; the last one fails the test.
func newBrowser(t *testing.T, exe, base string) *browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	var err error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		var root context.Context
		if root, err = startChromium(t, ctx, exe); err == nil {
			return &browser{t: t, ctx: root, base: base}
		}
		t.Logf("starting chromium, attempt %d of %d: %v", attempt, startAttempts, err)
		if ctx.Err() != nil {
			break
		}
	}
	t.Fatalf("starting chromium: %v", err)
	return nil
}

// startAttempts is how many times newBrowser tries to start chromium.
const startAttempts = 3

// startChromium starts one headless chromium with a fresh profile and
// returns its first tab's context; on failure the browser is stopped.
func startChromium(t *testing.T, ctx context.Context, exe string) (context.Context, error) {
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox, // tests run as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("password-store", "basic"),
	)
	root, cancelRoot := chromedp.NewContext(alloc)
	if err := chromedp.Do(root); err != nil { // starts the browser
		cancelRoot()
		cancelAlloc()
		return nil, err
	}
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelRoot)
	return root, nil
}

// tab gives a user a tab in a browser context of its own.
func (b *browser) tab(name string) *tab {
	b.t.Helper()
	if !b.used {
		b.used = true
		return &tab{t: b.t, ctx: b.ctx, base: b.base, name: name}
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("%s: opening a tab: %v", name, err)
	}
	return &tab{t: b.t, ctx: ctx, base: b.base, name: name}
}

// tab is one user's browser tab. Its methods fail the test with the user's
// name and what was being done.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	name string
}

// stepTimeout bounds one step, so that a step that waits in vain fails
// with the page it was looking at while the test still has time.
const stepTimeout = 15 * time.Second

func (p *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.screenshot("failures/" + strings.ReplaceAll(p.t.Name(), "/", "_"))
		p.t.Fatalf("%s: %s: %v\nat %s, page: %s", p.name, what, err, p.url(), p.pageText())
	}
}

// pageText is the visible text of the page, squeezed and cut, for messages.
func (p *tab) pageText() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 1200 {
		s = s[:1200] + "…"
	}
	return s
}

// open loads a path and waits for an element of the new page.
func (p *tab) open(path, waitSel string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path), waitVisible(waitSel), waitSettled())
}

// tryOpen is open for a page whose failure the test reports itself.
func (p *tab) tryOpen(path, waitSel string) error {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Navigate(p.base+path), waitVisible(waitSel))
}

// login logs in through the login form, a full page load (the form is not
// boosted), and waits for the console.
func (p *tab) login(account, user, password string) {
	p.t.Helper()
	p.open("/login", "#login-form")
	p.do("fill the login form",
		chromedp.SetValue(chromedp.CSS("#account"), account),
		chromedp.SetValue(chromedp.CSS("#user"), user),
		chromedp.SetValue(chromedp.CSS("#password"), password),
	)
	p.do("log in as "+account+"/"+user,
		loads(click("#login-submit")),
		waitVisible("#tab-images"),
		waitSettled(),
	)
	if got := p.text("#user-menu"); !strings.Contains(got, user) || !strings.Contains(got, account) {
		p.t.Fatalf("%s: user menu after login: got %q, want %s and %s", p.name, got, user, account)
	}
}

// loads runs an action that navigates with a full page load (not an htmx
// swap) and waits for the new page's load event.
func loads(action chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, action)(ctx, t)
		return err
	})
}

// projectID reads one of the user's project IDs from My Credentials, as a
// recipient does to hand it to an owner.
func (p *tab) projectID(region, project string) string {
	p.t.Helper()
	p.do("open the user menu", click("#user-menu"), waitVisible("#menu-credentials"))
	p.click("#menu-credentials", "#projects-table")
	return p.text(`#projects-table tr[data-region=` + jsString(region) + `][data-project=` + jsString(project) + `] .copy-value`)
}

// share shares the image of a Private Images row with one recipient
// through its Share dialog, and checks the success message.
func (p *tab) share(row, recipient string) {
	p.t.Helper()
	p.openInPlace(row+" .act-share", "#share-dialog #share-form")
	p.typeInto("#recipients", recipient)
	p.click("#share-submit", "#flashes .flash-success")
	p.wantText("#flashes .flash-success", "1 recipient added")
}

// openInPlace clicks a row's action and checks that its dialog opened in
// place, as htmx swaps it in: over the same page, at the same address,
// in the dialog host (without JavaScript the link opens it as a page).
func (p *tab) openInPlace(action, dialog string) {
	p.t.Helper()
	before := p.url()
	p.click(action, dialog)
	if after := p.url(); after != before {
		p.t.Errorf("%s: %s navigated from %s to %s, want its dialog opened in place", p.name, action, before, after)
	}
	if !p.has("#dialog " + dialog) {
		p.t.Errorf("%s: %s: %s is not in the dialog host", p.name, action, dialog)
	}
	if !p.has(action) {
		p.t.Errorf("%s: %s: the page under the dialog is gone", p.name, action)
	}
}

// act runs a user action that replaces the page or a dialog (a click, a
// form submission, a selector change), then waits for waitSel on what
// replaced it and for htmx to settle.
func (p *tab) act(what string, action chromedp.Action[chromedp.Void], waitSel string) {
	p.t.Helper()
	p.do(what, p.acting(action, waitSel)...)
}

// try is act for a step whose failure the test reports itself: it gives up
// after a few seconds and returns the error.
func (p *tab) try(action chromedp.Action[chromedp.Void], waitSel string) error {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	return chromedp.Do(ctx, p.acting(action, waitSel)...)
}

func (p *tab) acting(action chromedp.Action[chromedp.Void], waitSel string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Evaluate[chromedp.Void](markStale),
		action,
		waitVisible(fresh(waitSel)),
		waitSettled(),
	}
}

// click clicks sel and waits for waitSel on the page or dialog it brings.
func (p *tab) click(sel, waitSel string) {
	p.t.Helper()
	p.act("click "+sel, click(sel), waitSel)
}

// selectValue picks an option of a select as a user does, firing its change
// event.
func selectValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`((sel, value) => {
		const s = document.querySelector(sel);
		if (!s || ![...s.options].some(o => o.value === value)) throw new Error("no option " + value + " in " + sel);
		s.value = value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})(%s, %s)`, jsString(sel), jsString(value)))
}

// choose picks an option in a form field.
func (p *tab) choose(sel, value string) {
	p.t.Helper()
	p.do("choose "+value+" in "+sel, selectValue(sel, value))
}

// switchTo picks an option of a select that submits itself (the header's
// region and project selectors) and waits for waitSel on the new page.
func (p *tab) switchTo(sel, value, waitSel string) {
	p.t.Helper()
	p.act("switch "+sel+" to "+value, selectValue(sel, value), waitSel)
}

// fill sets a field's value at once, as a paste would.
func (p *tab) fill(sel, value string) {
	p.t.Helper()
	p.do("fill "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`((sel, value) => {
		const f = document.querySelector(sel);
		if (!f) throw new Error("no field " + sel);
		f.value = value;
		f.dispatchEvent(new Event("input", {bubbles: true}));
	})(%s, %s)`, jsString(sel), jsString(value))))
}

// closeDialog closes the open dialog with its close button, as a user does
// before turning to the page behind it.
func (p *tab) closeDialog() {
	p.t.Helper()
	p.do("close the dialog", click("#dialog .dialog-close"), chromedp.WaitNotPresent(chromedp.CSS("#dialog > *")))
}

// typeInto types text into a field, as keystrokes.
func (p *tab) typeInto(sel, text string) {
	p.t.Helper()
	p.do("type into "+sel, sendKeys(sel, text))
}

// text is the squeezed visible text of the first element matching sel, or
// "" when none does.
func (p *tab) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(e => e ? e.innerText : "")(document.querySelector(%s))`, jsString(sel))))
	if err != nil {
		p.t.Fatalf("%s: reading %s: %v", p.name, sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// attr is an attribute of the first element matching sel ("" when absent).
func (p *tab) attr(sel, name string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(e => e && e.getAttribute(%s) || "")(document.querySelector(%s))`, jsString(name), jsString(sel))))
	if err != nil {
		p.t.Fatalf("%s: reading %s[%s]: %v", p.name, sel, name, err)
	}
	return s
}

// count is how many elements match sel now.
func (p *tab) count(sel string) int {
	p.t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel))))
	if err != nil {
		p.t.Fatalf("%s: counting %s: %v", p.name, sel, err)
	}
	return n
}

func (p *tab) has(sel string) bool { return p.count(sel) > 0 }

// wantText fails unless the element sel shows text containing want.
func (p *tab) wantText(sel, want string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, want) {
		p.t.Errorf("%s: %s: got %q, want it to contain %q", p.name, sel, got, want)
	}
}

// wantNone fails if an element matches sel.
func (p *tab) wantNone(sel, why string) {
	p.t.Helper()
	if n := p.count(sel); n != 0 {
		p.t.Errorf("%s: %s: got %d element(s) %s (%q), want none", p.name, why, n, sel, p.text(sel))
	}
}

// url is the tab's current path and query.
func (p *tab) url() string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		return "(unknown location: " + err.Error() + ")"
	}
	return s
}

// screenshot saves a full-page PNG under artifacts/screenshots at the
// repository root (git ignores artifacts/).
func (p *tab) screenshot(name string) {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Errorf("%s: screenshot %s: %v", p.name, name, err)
		return
	}
	file := filepath.Join(repoRoot(p.t), "artifacts", "screenshots", name+".png")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// repoRoot is the directory of go.mod above the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
