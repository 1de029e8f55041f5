package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"imageshare/internal/world"
)

// TestIssue10_TraceReadsInWords: the trail names projects and targets,
// operations in the user's language, and filters by time range.
func TestIssue10_TraceReadsInWords(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice := f.login("acme", "alice")
	alice.submit("/images/share", url.Values{"image": {img}, "recipients": {world.ProjectID("bravo", "cn-north-4")}}).want(http.StatusSeeOther)
	r := alice.get("/trace?action=share").want(http.StatusOK)
	row := r.doc.Find(`#trace-table tr[data-action="share"]`).First()
	if got := strings.Join(strings.Fields(row.Find(".trace-target").Text()), " "); got != "Image ubuntu-22.04-web" {
		t.Errorf("target: got %q, want the image's name", got)
	}
	if got := strings.TrimSpace(row.Find(".trace-project").Text()); got != "cn-north-4" {
		t.Errorf("project: got %q, want its name", got)
	}
	if got := row.Find("td").Eq(3).Text(); got != "Share image" {
		t.Errorf("operation: got %q, want Share image", got)
	}
	if got := r.find(`#trace-action option[value="stop_sharing"]`); got != "Stop sharing" {
		t.Errorf("the filter names operations in words: got %q", got)
	}
	alice.submit("/language", url.Values{"lang": {"zh-CN"}}).want(http.StatusSeeOther)
	zh := alice.get("/trace?action=share")
	if got := zh.doc.Find(`#trace-table tr[data-action="share"] td`).Eq(3).Text(); got != "共享镜像" {
		t.Errorf("operation in Chinese: got %q", got)
	}
	future := time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04")
	past := time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")
	if n := alice.get("/trace?from=" + future).doc.Find("#trace-table tr[data-action]").Length(); n != 0 {
		t.Errorf("from an hour ahead: %d events, want none", n)
	}
	if n := alice.get("/trace?from=" + past + "&to=" + future).doc.Find("#trace-table tr[data-action]").Length(); n == 0 {
		t.Errorf("the last hour: no events")
	}
	alice.get("/trace?from=yesterday").want(http.StatusUnprocessableEntity)
	alice.get("/trace?from=" + future + "&to=" + past).want(http.StatusUnprocessableEntity)
}
