package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// server is the whole HTTP stack as `imageshare serve` builds it (the
// fixture's handler: the console with the API mounted), on 127.0.0.1.
func (f *fixture) server() *httptest.Server {
	f.t.Helper()
	srv := httptest.NewServer(f.e)
	f.t.Cleanup(srv.Close)
	return srv
}

// Mounted in the console, the API keeps "/" for browsers, answers JSON
// discovery there, and is not subject to the console's CSRF and sessions.
func TestMountedInTheConsole(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := f.server()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept", accept)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := get("/", "application/json"); resp.StatusCode != 200 || !strings.Contains(body, `"versions"`) {
		t.Errorf("GET / as JSON: got %d %s, want 200 and the version document", resp.StatusCode, body)
	}
	if resp, body := get("/", "text/html,application/xhtml+xml,*/*;q=0.8"); strings.Contains(body, `"versions"`) || resp.StatusCode == 200 && !strings.Contains(body, "<") {
		t.Errorf("GET / from a browser: got %d %s, want the console", resp.StatusCode, body)
	}
	if resp, body := get("/v2/nothing", "application/json"); resp.StatusCode != 404 || !strings.Contains(body, `"code":"IMG.0404"`) {
		t.Errorf("unknown API path: got %d %s, want a JSON 404", resp.StatusCode, body)
	}

	// Keystone login: a POST without any CSRF token or cookie.
	login, _ := json.Marshal(passwordLogin("acme", "alice", demoPassword, byName("acme", "cn-north-4")))
	resp, err := http.Post(srv.URL+"/v3/auth/tokens", "application/json", strings.NewReader(string(login)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-Subject-Token") == "" {
		t.Fatalf("login through the console's stack: got %d, want 201 with a token", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		t.Errorf("the API set a cookie: %s", c.Name)
	}
	client := imageClient(t, srv, "bravo", "bob", gophercloud.AuthScope{ProjectName: "cn-north-4", DomainName: "bravo"})
	if _, err := images.List(client, images.ListOpts{}).AllPages(t.Context()); err != nil {
		t.Errorf("gophercloud through the console's stack: %v", err)
	}
}
