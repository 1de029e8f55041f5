package e2e

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestAccessKeyLifecycle: on My Credentials a user creates an access key,
// sees its SK once and downloads it as credentials.csv, disables the key
// and deletes it after confirming.
func TestAccessKeyLifecycle(t *testing.T) {
	a := newApp(t)
	alice := a.session([2]string{"acme", "alice"})[0]
	alice.open("/credentials", "#access-keys")
	alice.wantText("#access-keys-table", "You have no access keys")

	alice.click("#access-key-create-submit", "#access-key-created")
	ak, sk := alice.text("#new-ak"), alice.text("#new-sk")
	if len(ak) != 20 || len(sk) != 40 {
		t.Fatalf("new key: AK %q, SK %q; want 20 and 40 characters", ak, sk)
	}
	alice.screenshot("60-access-key-created")

	// Download credentials.csv into a directory of the test's.
	dir := t.TempDir()
	alice.do("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
	alice.do("download credentials.csv", click("#access-key-download-submit"))
	file := filepath.Join(dir, "credentials.csv")
	var data []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var err error
		if data, err = os.ReadFile(file); err == nil && len(data) > 0 {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no credentials.csv downloaded (%v); the directory has %v", err, entries)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "alice" || rows[1][1] != ak || rows[1][2] != sk {
		t.Errorf("credentials.csv: %q (%v), want alice's AK and SK", data, err)
	}

	// Back on My Credentials the key is listed, and the SK is gone for good.
	alice.click("#access-key-done", "#access-keys-table")
	row := `#access-keys-table tr[data-ak=` + jsString(ak) + `]`
	alice.wantText(row, "Enabled")
	if strings.Contains(alice.pageText(), sk) {
		t.Error("My Credentials shows the SK again")
	}

	alice.click(row+" .ak-disable", "#flashes .flash-success")
	alice.wantText("#flashes .flash-success", "disabled")
	alice.wantText(row, "Disabled")
	alice.screenshot("61-access-key-disabled")

	alice.click(row+" .ak-delete", "#access-key-delete-dialog")
	alice.wantText("#access-key-delete-dialog", ak)
	alice.click("#access-key-delete-confirm", "#flashes .flash-success")
	alice.wantText("#flashes .flash-success", "deleted")
	alice.wantNone(row, "the deleted key is still listed")
}
