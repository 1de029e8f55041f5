package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/world"
)

// TestS22_ShareAndAcceptDialogsWarn: the platform does not vouch for shared
// images. The share dialog warns that data, files and software may be
// disclosed and that sensitive data should be deleted first; the accept
// dialog advises accepting only images from trusted accounts.
func TestS22_ShareAndAcceptDialogsWarn(t *testing.T) {
	f := newFixture(t)
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	alice := f.login("acme", "alice")
	share := alice.get("/images/" + img + "/share").want(http.StatusOK).find("#share-warning")
	for _, want := range []string{"discloses the image's data, files and software", "delete any sensitive data"} {
		if !strings.Contains(share, want) {
			t.Errorf("share dialog warning %q lacks %q", share, want)
		}
	}
	// The multi-image share dialog warns too.
	if got := alice.get("/images/share?image=" + img).want(http.StatusOK).find("#share-warning"); got != share {
		t.Errorf("multi-image share warning = %q, want the same warning %q", got, share)
	}
	alice.submit("/images/share", url.Values{"image": {img}, "recipients": {world.ProjectID("bravo", "cn-north-4")}}).want(http.StatusSeeOther)

	bob := f.login("bravo", "bob")
	accept := bob.submit("/shared/decide", url.Values{"op": {"accept"}, "image": {img}}).want(http.StatusOK).find("#trust-warning")
	for _, want := range []string{"does not ensure the integrity or security", "accounts you trust"} {
		if !strings.Contains(accept, want) {
			t.Errorf("accept dialog warning %q lacks %q", accept, want)
		}
	}
}
