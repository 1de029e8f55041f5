package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestUploadAndDownloadImageFile: the owner registers an image from
// Private Images (Create Image → Upload Image File), uploads its file with
// a progress bar (app.js), sees it Normal with its size and MD5 checksum,
// shares it; the recipient accepts and downloads the very same bytes.
func TestUploadAndDownloadImageFile(t *testing.T) {
	a := newApp(t)
	tabs := a.session([2]string{"acme", "alice"}, [2]string{"bravo", "bob"})
	alice, bob := tabs[0], tabs[1]

	data := make([]byte, 6<<20+321)
	_, _ = rand.Read(data)
	sum := md5.Sum(data)
	checksum := hex.EncodeToString(sum[:])
	file := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}

	alice.open("/images", "#images-table")
	alice.click("#create-image", "#create-image-dialog")
	alice.click("#source-upload", "#create-disk-format")
	alice.typeInto("#create-name", "uploaded-web")
	alice.click("#create-submit", "#upload-dialog #upload-form")
	alice.wantText("#flashes .flash-success", "now choose its file")
	alice.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{file}))
	alice.screenshot("70-upload-dialog")
	// The progress bar moves while the file goes (app.js): what it showed
	// is kept in sessionStorage across the page load that follows.
	alice.do("watch the progress bar", chromedp.Evaluate[chromedp.Void](`
		sessionStorage.removeItem("e2e-progress");
		new MutationObserver(() => {
			const bar = document.querySelector("#upload-progress");
			if (bar && !bar.closest("[hidden]")) sessionStorage.setItem("e2e-progress", bar.getAttribute("value") + "/" + bar.getAttribute("max"));
		}).observe(document.querySelector("#upload-form"), {attributes: true, subtree: true});`))
	alice.do("upload the file", loads(click("#upload-submit")), waitVisible("#images-table"), waitSettled())
	progress, _ := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`sessionStorage.getItem("e2e-progress") || ""`))
	var sent, total int
	if _, err := fmt.Sscanf(progress, "%d/%d", &sent, &total); err != nil || sent != total || total < len(data) {
		t.Errorf("the progress bar showed %q last, want the whole form (the %d-byte file and its fields) sent", progress, len(data))
	}
	alice.wantText("#flashes .flash-success", checksum)
	row := `#images-table tr[data-name="uploaded-web"]`
	alice.wantText(row+" .status", "Normal")
	alice.wantText(row, "6.0 MB")
	alice.screenshot("71-uploaded")
	id := alice.attr(row, "data-image-id")

	alice.click(row+" .image-link", "#image-details")
	alice.wantText("#image-checksum", checksum)
	alice.wantText("#image-data-size", "6,291,777 bytes")
	alice.open("/images", "#images-table")
	alice.share(`#images-table tr[data-image-id="`+id+`"]`, a.actor("bravo", "cn-north-4").ProjectID)
	a.accept(a.actor("bravo", "cn-north-4"), id)

	dir := t.TempDir()
	bob.do("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		// bob's tab is in a browser context of its own: the behavior is set for it.
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
		return err
	}))
	bob.open("/shared", "#shared-"+id)
	bob.do("download", click("#shared-"+id+" .act-download"))
	got := filepath.Join(dir, "uploaded-web.raw")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, err := os.ReadFile(got)
		if err == nil && len(b) == len(data) {
			if !bytes.Equal(b, data) {
				t.Fatal("the downloaded file differs from the uploaded one")
			}
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no uploaded-web.raw of %d bytes downloaded (%v); the directory has %v", len(data), err, entries)
		}
	}
}
