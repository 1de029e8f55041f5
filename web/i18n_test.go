package web_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/internal/sharing"
	"imageshare/internal/world"
)

// keyUses find the keys the console's templates and handlers and the
// services' errors name literally.
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`\bT\("([^"]+)"`),                                                             // templates: p.T("key", …)
	regexp.MustCompile(`\b(?:t|tn|labelOf)\(c, "([^"]+)"`),                                           // handlers
	regexp.MustCompile(`(?:Errorf\(domain\.Kind\w+, [\w.]+,|Errorf\(Kind\w+, Code\w+,)\s*"([^"]+)"`), // service errors
	regexp.MustCompile(`ErrInvalid\([^,()]+, "([^"]+)"`),
}

// untranslated lists the files whose messages only the command line or the
// API's own checks give (English, as the API speaks).
var untranslated = []string{"sdksign.go", "api_queries.go", "jobs.go", "update.go", "ops.go", "sessions.go", "identity.go", "errors.go", "tokens.go"}

// TestIssue10_EveryKeyHasATranslation: every message key the console and
// the services use is in the catalogue (whose test holds each to both
// languages), those made from a value cover every value, and no console
// message of the services is a bare English sentence.
func TestIssue10_EveryKeyHasATranslation(t *testing.T) {
	root := filepath.Join("..")
	var files []string
	for _, dir := range []string{"views", "web", "internal/sharing", "internal/identity", "internal/domain", "internal/store"} {
		ms, _ := filepath.Glob(filepath.Join(root, dir, "*"))
		for _, m := range ms {
			if (strings.HasSuffix(m, ".go") || strings.HasSuffix(m, ".templ")) && !strings.HasSuffix(m, "_test.go") && !strings.HasSuffix(m, "_templ.go") {
				files = append(files, m)
			}
		}
	}
	used := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range keyUses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				key := m[1]
				used++
				switch {
				case i18n.Has(key), strings.HasSuffix(key, "."): // a prefix: the values are checked below
				case isKey(key):
					t.Errorf("%s: key %q is not in the catalogue", f, key)
				case !slicesContains(untranslated, filepath.Base(f)):
					t.Errorf("%s: message %q is a sentence, not a key of the catalogue", f, key)
				}
			}
		}
	}
	if used < 300 {
		t.Fatalf("found only %d key uses: the scan is broken", used)
	}
	var dynamic []string
	for _, a := range sharing.AllActions {
		dynamic = append(dynamic, "action."+string(a))
	}
	for _, a := range domain.AuditActions {
		dynamic = append(dynamic, "audit."+a)
	}
	for _, s := range []string{domain.StatusQueued, domain.StatusSaving, domain.StatusActive, domain.StatusError, domain.MemberPending, domain.MemberAccepted, domain.MemberRejected} {
		dynamic = append(dynamic, "status."+s)
	}
	for _, typ := range domain.ImageTypes {
		dynamic = append(dynamic, "type."+string(typ), "type."+string(typ)+".noun")
	}
	for _, k := range []string{domain.GrantProject, domain.GrantDomain, domain.GrantOrganization} {
		dynamic = append(dynamic, "kind."+k)
	}
	for _, s := range []string{"400", "401", "403", "404", "409", "422", "429", "503"} {
		dynamic = append(dynamic, "error.title."+s)
	}
	for _, k := range []string{"image", "server", "disk", "user", "access_key"} {
		dynamic = append(dynamic, "target."+k)
	}
	dynamic = append(dynamic, "result."+domain.ResultSuccess, "result."+domain.ResultFailure, "server.status.running", "disk.status.available", "site.cn", "site.intl")
	for _, k := range dynamic {
		if !i18n.Has(k) {
			t.Errorf("key %q is not in the catalogue", k)
		}
	}
}

func isKey(s string) bool { return regexp.MustCompile(`^[a-z_]+(\.[a-z0-9_ ]+)+$`).MatchString(s) }

func slicesContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestIssue10_LanguageIsChosenPerUser: Accept-Language decides until the
// user picks a language in the header (a CSRF-protected form); the choice
// is remembered; the services' refusals come in the user's language, and
// the page says which language it is in.
func TestIssue10_LanguageIsChosenPerUser(t *testing.T) {
	f := newFixture(t)
	zh := "zh-CN,zh;q=0.9"
	anon := f.client()
	login := anon.get("/login", "Accept-Language", zh).want(http.StatusOK)
	if lang, _ := login.doc.Find("html").Attr("lang"); lang != "zh-CN" || !strings.Contains(login.find("h1"), "登录") {
		t.Errorf("login page for a Chinese browser: lang %q, heading %q", lang, login.find("h1"))
	}

	c := f.login("acme", "alice")
	r := c.get("/images").want(http.StatusOK)
	if lang, _ := r.doc.Find("html").Attr("lang"); lang != "en" || r.find("#private-images h1") != "Private Images" {
		t.Errorf("default: lang %q, heading %q; want English", lang, r.find("#private-images h1"))
	}
	c.post("/language", url.Values{"lang": {"zh-CN"}, "back": {"/images"}}).want(http.StatusBadRequest) // no token
	r = c.submit("/language", url.Values{"lang": {"zh-CN"}, "back": {"/shared?view=rejected"}}).want(http.StatusSeeOther)
	if got := r.header.Get("Location"); got != "/shared?view=rejected" {
		t.Errorf("the switch goes back to %q, want the page it was on", got)
	}
	r = c.get("/images", "Accept-Language", "en").want(http.StatusOK)
	if got := r.find("#private-images h1"); got != "私有镜像" {
		t.Errorf("after choosing Chinese (the browser asks for English): heading %q, want 私有镜像", got)
	}
	if got := r.find("#tab-shared"); !strings.Contains(got, "共享给我的镜像") {
		t.Errorf("tabs in Chinese: got %q", got)
	}
	// A refusal of the service, in Chinese: the cross-site rule (S07)
	// names the account and its website.
	img := f.imageID("acme", "cn-north-1", "legacy-beijing1")
	c.submit("/context", url.Values{"region": {"cn-north-1"}, "back": {"/images"}}).want(http.StatusSeeOther)
	r = c.submit("/images/share", url.Values{"image": {img}, "recipients": {world.AccountID("globex")}}).want(http.StatusNotFound)
	if got := r.find("#share-error"); !strings.Contains(got, "globex") || !strings.Contains(got, "国际站") || !strings.Contains(got, "不提供") {
		t.Errorf("S07 refusal in Chinese: got %q, want the account's name, its website and the rule in Chinese", got)
	}
	c.submit("/language", url.Values{"lang": {"klingon"}}).want(http.StatusUnprocessableEntity)
	c.submit("/language", url.Values{"lang": {"en"}, "back": {"//evil.example/"}}).want(http.StatusSeeOther)
	if got := c.get("/images").find("#private-images h1"); got != "Private Images" {
		t.Errorf("back to English: heading %q", got)
	}
}
