package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Error pages carry their message: the request timeout middleware cancels
// the request context before the error handler renders, and an error page
// rendered on it would be an empty body.
func TestErrorPagesHaveTheirMessage(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	foreign := f.imageID("globex", "cn-north-4", "globex-analytics")
	cases := []struct {
		path, want string
		status     int
	}{
		{"/images/" + foreign, "does not exist", http.StatusNotFound},
		{"/servers/new?image=" + foreign, "does not exist", http.StatusNotFound},
		{"/no/such/page", "Not found", http.StatusNotFound},
	}
	for _, tc := range cases {
		r := alice.get(tc.path).want(tc.status)
		if got := r.text(); !strings.Contains(got, tc.want) {
			t.Errorf("GET %s: body %q, want it to say %q", tc.path, got, tc.want)
		}
	}
	// A refused POST re-renders its form with the reason.
	bob := f.login("bravo", "bob")
	r := bob.submit("/servers", map[string][]string{"image": {f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")}, "az": {"cn-north-4a"}}).want(http.StatusNotFound)
	if got := r.text(); !strings.Contains(got, "does not exist") {
		t.Errorf("refused server form: body %q, want the reason", got)
	}
}
