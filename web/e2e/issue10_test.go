package e2e

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"imageshare/internal/world"
)

// axeSource is axe-core, vendored as a test asset (testdata/axe-core):
// injected into the pages it checks, never fetched.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// axeCheck runs axe-core on the page as it is (a dialog open included) and
// fails on every serious or critical violation of WCAG 2.1 A/AA and axe's
// best practices. DevTools evaluation is not bound by the page's CSP.
func (p *tab) axeCheck(what string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`typeof axe === "undefined" && (0, eval)(`+jsString(axeSource)+`)`)); err != nil {
		p.t.Fatalf("%s: injecting axe-core: %v", what, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: running axe-core: %v", what, err)
	}
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		p.t.Errorf("%s: axe %s (%s): %s\n\t%s", what, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
	}
}

// TestE2E_Issue10_AccessibleInEnglish, …InChinese and …InTheDarkTheme:
// axe-core finds no serious or critical violation on the main pages and
// dialogs, in either language and in the dark theme.
func TestE2E_Issue10_AccessibleInEnglish(t *testing.T) { t.Parallel(); checkA11y(t, "en", false) }

func TestE2E_Issue10_AccessibleInChinese(t *testing.T) { t.Parallel(); checkA11y(t, "zh-CN", false) }

func TestE2E_Issue10_AccessibleInTheDarkTheme(t *testing.T) { t.Parallel(); checkA11y(t, "en", true) }

func checkA11y(t *testing.T, lang string, dark bool) {
	a := newApp(t)
	img := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	a.share(a.actor("acme", "cn-north-4"), img, world.ProjectID("bravo", "cn-north-4"))
	tabs := a.session([2]string{"acme", "alice"}, [2]string{"bravo", "bob"})
	alice, bob := tabs[0], tabs[1]
	srv, disk := a.serverID("acme"), a.diskID("acme")
	name := lang
	for _, p := range []*tab{alice, bob} {
		if dark {
			name = "dark"
			p.do("prefer the dark theme", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
				return err
			}))
		}
		p.open("/images", "#private-images")
		p.do("switch to "+lang, loads(click(`#language-form button[value="`+lang+`"]`)), waitVisible("#private-images"), waitSettled())
	}
	if dark {
		bg, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		if err != nil || bg != "rgb(21, 24, 30)" {
			t.Errorf("dark theme: body background %q (%v), want the dark one", bg, err)
		}
		alice.screenshot("i10-dark-private-images")
	}
	pages := []struct {
		p         *tab
		path, sel string
	}{
		{alice, "/images", "#private-images"}, {alice, "/images/" + img, "#image-details"},
		{alice, "/servers", "#servers"}, {alice, "/trace", "#trace"},
		{alice, "/credentials", "#credentials"}, {bob, "/shared", "#pending-banner"},
	}
	for _, pg := range pages {
		pg.p.open(pg.path, pg.sel)
		pg.p.axeCheck(name + " " + pg.path)
	}
	dialogs := []struct {
		p              *tab
		page, open, at string
	}{
		{alice, "/images", "#img-" + img + "-share", "#share-dialog #org-picker"},
		{alice, "/images", "#img-" + img + "-replicate", "#replicate-dialog"},
		{alice, "/servers", "#server-" + srv + "-change_os", "#changeos-dialog"},
		{bob, "/shared", "#accept-all", "#accept-dialog"},
	}
	for _, d := range dialogs {
		d.p.open(d.page, "#main")
		d.p.click(d.open, d.at)
		d.p.axeCheck(name + " dialog " + d.at)
	}
	// A disabled action opened, as a keyboard user opens it.
	alice.open("/disks", "#disks")
	alice.do("open why Restore is unavailable", click("#disk-"+disk+"-restore_disk summary"), waitVisible("#disk-"+disk+"-restore_disk .why"))
	alice.axeCheck(name + " /disks, a disabled action open")
	if lang == "zh-CN" {
		alice.screenshot("i10-zh-disabled-reason")
	}
	anon := a.browser().tab("anonymous")
	anon.open("/login", "#login-form")
	anon.do("switch to "+lang, loads(click(`#language-form button[value="`+lang+`"]`)), waitVisible("#login-form"))
	anon.axeCheck(name + " /login")
}

// TestE2E_Issue10_OrgPickerCopyLiveBadge: the owner picks an OU in the
// share dialog's tree; the recipient account under it, with its console
// open, sees the badge and the banner appear without reloading (within
// the 10 s poll), the count said in words; IDs copy with a button.
func TestE2E_Issue10_OrgPickerCopyLiveBadge(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	img := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	tabs := a.session([2]string{"acme", "alice"}, [2]string{"umbrella", "erin"})
	alice, erin := tabs[0], tabs[1]
	erin.click("#tab-shared", "#shared-images")
	erin.wantNone("#pending-badge", "a badge before any share")

	alice.click("#img-"+img+"-share", "#share-dialog #org-picker")
	alice.wantText(`#org-picker li[data-node="ou-web"] > label`, "Web team")
	alice.wantText(`#org-picker li[data-node="ou-web"] > .org-urn`, "organizations::"+world.AccountID("acme")+":ou:o-acme01/ou-web")
	alice.do("pick the Web team OU", click(`#org-picker li[data-node="ou-web"] > label input`))
	alice.screenshot("i10-share-org-picker")
	alice.click("#share-submit", "#flashes .flash-success")
	alice.wantText("#flashes .flash-success", "1 recipient added")

	// No reload: the badge and the banner come by themselves.
	erin.do("wait for the badge", chromedp.Poll[chromedp.Void](`document.querySelector("#pending-badge") !== null`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(13*time.Second)))
	erin.wantText("#pending-badge", "1")
	erin.wantText("#pending-live .sr-only", "1 image pending")
	erin.do("wait for the banner", waitVisible("#pending-banner-slot #pending-banner"))
	erin.wantText("#pending-banner", "1 image is waiting for you to accept.")
	erin.wantText("#pending-list", "ubuntu-22.04-web, shared by acme")
	erin.screenshot("i10-live-badge-and-banner")

	// Copy: the header's project ID; the button says it copied, and so
	// does the status region, with the value.
	alice.open("/credentials", "#credentials")
	btn := `.copy-btn[data-copy="current-project-id"]`
	alice.do("copy the project ID", waitVisible(btn), click(btn))
	alice.do("wait for the copy to be announced", chromedp.Poll[chromedp.Void](`document.getElementById("announce").textContent.includes("Copied: "+`+
		jsString(world.ProjectID("acme", "cn-north-4"))+`)`, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(3*time.Second)))
	alice.wantText(`#urn-ou-web`, "ou:o-acme01/ou-web")
	alice.screenshot("i10-credentials-org-tree")
}

// TestE2E_Issue10_KeyboardAndChinese: in Chinese, a keyboard user reads why
// Restore from Image is unavailable (S17) and Reinstall OS asks first with
// the warning; the Region select moves with the arrow keys without
// switching, and switches on Enter; a page asked for before logging in is
// the page after it; a batch share lists every bad recipient.
func TestE2E_Issue10_KeyboardAndChinese(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	b := a.browser()
	alice := b.tab("acme/alice")
	alice.open("/trace?action=login", "#login-form")
	alice.do("switch to Chinese", loads(click(`#language-form button[value="zh-CN"]`)), waitVisible("#login-form"))
	alice.wantText("#login-form", "IAM 用户名")
	alice.do("fill the login form",
		chromedp.SetValue(chromedp.CSS("#account"), "acme"),
		chromedp.SetValue(chromedp.CSS("#user"), "alice"),
		chromedp.SetValue(chromedp.CSS("#password"), demoPassword))
	alice.do("log in", loads(click("#login-submit")), waitVisible("#trace"), waitSettled())
	if got := alice.url(); got != "/trace?action=login" {
		t.Errorf("after the login: at %s, want the page asked for", got)
	}
	alice.wantText("#trace h1", "云审计")
	alice.wantText(`#trace-table tr[data-action="login"]`, "登录")
	alice.screenshot("i10-zh-trace")

	// Keyboard: Tab to the disabled action, Enter opens its reason.
	disk := a.diskID("acme")
	alice.open("/disks", "#disks")
	sel := "#disk-" + disk + "-restore_disk"
	alice.do("focus Restore from Image", chromedp.Focus(chromedp.CSS(sel+" summary")))
	alice.do("press Enter", chromedp.KeyEvent("\r"), waitVisible(sel+" .why"))
	alice.wantText(sel+" .why", "数据盘镜像不能恢复已有的数据盘")
	if desc := alice.attr(sel+" summary", "aria-describedby"); desc != strings.TrimPrefix(sel, "#")+"-why" {
		t.Errorf("the reason is not the action's description: aria-describedby %q", desc)
	}

	// Reinstall OS asks, with the warning, in Chinese.
	srv := a.serverID("acme")
	ubuntu := a.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice.open("/servers", "#servers")
	why, _ := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString("#server-"+srv+"-reinstall .why")+`).textContent`))
	if !strings.Contains(why, "不是由镜像创建的") {
		t.Errorf("Reinstall OS of a server made from no image: reason %q", why)
	}
	alice.click(`#apply-server`, "#server-dialog #server-form")
	alice.choose("#server-image", ubuntu)
	alice.fill("#server-name", "kbd-01")
	alice.click("#server-submit", "#flashes .flash-success")
	newSrv := alice.attr(`#servers-table tr[data-name="kbd-01"]`, "data-server-id")
	alice.click("#server-"+newSrv+"-reinstall", "#reinstall-dialog #reinstall-confirm")
	alice.wantText("#reinstall-warning", "系统盘上的数据将会丢失")
	alice.screenshot("i10-zh-reinstall-confirm")
	alice.closeDialog()

	// The Region select: arrows move, Enter switches.
	alice.open("/images", "#private-images")
	alice.do("focus the region", chromedp.Focus(chromedp.CSS("#region-select")))
	alice.do("arrow up", chromedp.KeyEvent(kb.ArrowUp))
	time.Sleep(700 * time.Millisecond)
	if got := alice.attr("#region-select", "data-initial"); got != "cn-north-4" || !alice.has("#private-images") {
		t.Fatalf("an arrow key switched the region (now %q)", got)
	}
	moved, _ := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`document.getElementById("region-select").value`))
	if moved == "cn-north-4" {
		act, _ := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`document.activeElement && document.activeElement.id`))
		t.Fatalf("the arrow key did not move the choice (focus on %q)", act)
	}
	alice.act("press Enter on the region", chromedp.KeyEvent("\r"), `#region-select[data-initial="`+moved+`"]`)

	// A batch with three bad recipients lists all three.
	alice.switchTo("#region-select", "cn-north-4", "#images-table tr#img-"+ubuntu)
	alice.do("switch to English", loads(click(`#language-form button[value="en"]`)), waitVisible("#private-images"), waitSettled())
	alice.click("#img-"+ubuntu+"-share", "#share-dialog #share-form")
	alice.fill("#recipients", world.ProjectID("bravo", "cn-north-4")+"\n0123456789abcdef0123456789abcdef\nnot-an-id\n"+world.ProjectID("acme", "cn-north-4"))
	alice.click("#share-submit", "#share-dialog #share-error")
	if n := alice.count("#share-error li.problem-item"); n != 3 {
		t.Errorf("S05: %d refusals listed, want the 3 bad recipients; dialog: %s", n, alice.text("#share-dialog"))
	}
	alice.screenshot("i10-batch-every-bad-recipient")
	if got := a.pending(a.actor("bravo", "cn-north-4")); got != 0 {
		t.Errorf("S05: all or nothing: bravo has %d pending", got)
	}
}
