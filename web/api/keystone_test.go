package api_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"imageshare/internal/identity"
)

func TestKeystoneVersionDocument(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	v := f.do("GET", "/v3", "", nil).expect(t, "GET /v3", 200, "").JSON(t)["version"].(map[string]any)
	if v["id"] != "v3.14" || v["status"] != "stable" {
		t.Errorf("version got %v, want id v3.14, status stable", v)
	}
	self := v["links"].([]any)[0].(map[string]any)["href"]
	if self != "http://example.com/v3/" {
		t.Errorf("self link got %v, want http://example.com/v3/", self)
	}
}

func TestKeystoneIssueTokenScopedByNameOrID(t *testing.T) {
	f := newFixture(t, fixtureOpts{tokenTTL: 2 * time.Hour})
	for _, tc := range []struct {
		name  string
		scope map[string]any
	}{
		{"by name and domain name", byName("acme", "cn-north-4_dev")},
		{"by name and domain id", map[string]any{"name": "cn-north-4_dev", "domain": map[string]any{"id": "" + accountID(t, f)}}},
		{"by id", map[string]any{"id": project("acme", "cn-north-4_dev")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "alice", demoPassword, tc.scope))
			r.expect(t, "login", http.StatusCreated, "")
			if r.Header.Get("X-Subject-Token") == "" {
				t.Fatal("X-Subject-Token: got none")
			}
			tok := r.JSON(t)["token"].(map[string]any)
			proj := tok["project"].(map[string]any)
			if got, want := proj["id"], project("acme", "cn-north-4_dev"); got != want {
				t.Errorf("project id got %v, want %v", got, want)
			}
			if got := proj["domain"].(map[string]any)["name"]; got != "acme" {
				t.Errorf("project domain name got %v, want acme", got)
			}
			if got := tok["user"].(map[string]any)["name"]; got != "alice" {
				t.Errorf("user name got %v, want alice", got)
			}
			exp, err := time.Parse("2006-01-02T15:04:05.000000Z", tok["expires_at"].(string))
			if err != nil {
				t.Fatalf("expires_at %v: %v", tok["expires_at"], err)
			}
			if left := time.Until(exp); left < 119*time.Minute || left > 121*time.Minute {
				t.Errorf("token lifetime got %v, want the 2h TokenTTL", left)
			}
			types := map[string]map[string]any{}
			for _, c := range tok["catalog"].([]any) {
				entry := c.(map[string]any)
				types[entry["type"].(string)] = entry["endpoints"].([]any)[0].(map[string]any)
			}
			for typ, url := range map[string]string{"image": "http://example.com", "identity": "http://example.com/v3"} {
				ep := types[typ]
				if ep == nil {
					t.Fatalf("catalog has no %s endpoint: %v", typ, tok["catalog"])
				}
				if ep["url"] != url || ep["region"] != "cn-north-4" || ep["region_id"] != "cn-north-4" || ep["interface"] != "public" {
					t.Errorf("%s endpoint got %v, want url %s, region and region_id cn-north-4, interface public", typ, ep, url)
				}
			}
		})
	}
}

func accountID(t *testing.T, f *fixture) string {
	t.Helper()
	r := f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "alice", demoPassword, byName("acme", "cn-north-4")))
	return r.expect(t, "login", 201, "").JSON(t)["token"].(map[string]any)["user"].(map[string]any)["domain"].(map[string]any)["id"].(string)
}

// Wrong credentials of any kind get the same 401: no hint which part was
// wrong. A project of another account is no scope of this user's.
func TestKeystoneBadLoginsAreOne401(t *testing.T) {
	f := newFixture(t, fixtureOpts{maxFails: 100})
	var first string
	for _, tc := range []struct {
		name string
		body any
	}{
		{"wrong password", passwordLogin("acme", "alice", "not-the-password", byName("acme", "cn-north-4"))},
		{"unknown user", passwordLogin("acme", "mallory", demoPassword, byName("acme", "cn-north-4"))},
		{"unknown domain", passwordLogin("nosuch", "alice", demoPassword, byName("nosuch", "cn-north-4"))},
		{"another account's project", passwordLogin("acme", "alice", demoPassword, map[string]any{"id": bobProject})},
		{"unknown project", passwordLogin("acme", "alice", demoPassword, byName("acme", "cn-north-9"))},
		{"token method", map[string]any{"auth": map[string]any{"identity": map[string]any{"methods": []string{"token"}}, "scope": map[string]any{"project": map[string]any{"id": aliceProject}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", "/v3/auth/tokens", "", tc.body).expect(t, tc.name, 401, "IMG.0401")
			if r.Header.Get("X-Subject-Token") != "" {
				t.Error("a failed login got a token")
			}
			msg := r.JSON(t)["error"].(map[string]any)["message"].(string)
			if tc.name == "another account's project" || tc.name == "unknown project" || tc.name == "token method" {
				return // the credentials were right or never checked: a different, equally vague sentence
			}
			if first == "" {
				first = msg
			} else if msg != first {
				t.Errorf("message got %q, want the same as for a wrong password %q", msg, first)
			}
		})
	}
	f.do("POST", "/v3/auth/tokens", "", `{"auth":`).expect(t, "malformed body", 400, "IMG.0001")
	f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "alice", demoPassword, nil)).expect(t, "no scope", 400, "IMG.0001")
}

// Failed API logins count toward the same throttle as console logins: once
// blocked, even the right password is refused until the window passes.
func TestKeystoneFailedLoginsAreThrottled(t *testing.T) {
	f := newFixture(t, fixtureOpts{maxFails: 3})
	for i := 0; i < 3; i++ {
		f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "alice", "wrong-password", byName("acme", "cn-north-4"))).expect(t, "wrong password", 401, "")
	}
	r := f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "alice", demoPassword, byName("acme", "cn-north-4")))
	r.expect(t, "right password while blocked", http.StatusTooManyRequests, "")
	if !strings.Contains(string(r.Body), "Too many failed login attempts") {
		t.Errorf("body got %s, want the throttling message", r.Body)
	}
	// Another user of the account is not blocked by alice's failures.
	f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "aaron", demoPassword, byName("acme", "cn-north-4"))).expect(t, "aaron", 201, "")
}

func TestKeystoneValidateAndRevoke(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	tok := f.alice()
	r := f.do("GET", "/v3/auth/tokens", tok, nil, header{"X-Subject-Token": tok}).expect(t, "validate", 200, "")
	if got := r.JSON(t)["token"].(map[string]any)["project"].(map[string]any)["id"]; got != aliceProject {
		t.Errorf("validated project got %v, want %v", got, aliceProject)
	}
	f.do("HEAD", "/v3/auth/tokens", tok, nil, header{"X-Subject-Token": tok}).expect(t, "HEAD validate", 200, "")
	f.do("GET", "/v3/auth/tokens", tok, nil, header{"X-Subject-Token": "nonsense"}).expect(t, "validate unknown", 404, "")
	f.do("GET", "/v3/auth/tokens", tok, nil, header{"X-Subject-Token": f.bob()}).expect(t, "validate another user's", 403, "")
	f.do("GET", "/v3/auth/tokens", "", nil, header{"X-Subject-Token": tok}).expect(t, "validate without X-Auth-Token", 401, "IMG.0401")

	f.do("DELETE", "/v3/auth/tokens", tok, nil, header{"X-Subject-Token": tok}).expect(t, "revoke", 204, "")
	f.do("GET", "/v2/images", tok, nil).expect(t, "revoked token", 401, "IMG.0401")
	f.do("GET", "/v2/images", f.bob(), nil).expect(t, "bob's token still works", 200, "")
}

func TestKeystoneTokensExpire(t *testing.T) {
	f := newFixture(t, fixtureOpts{tokenTTL: time.Second})
	tok := f.alice()
	f.do("GET", "/v2/images", tok, nil).expect(t, "fresh token", 200, "")
	time.Sleep(1100 * time.Millisecond)
	f.do("GET", "/v2/images", tok, nil).expect(t, "expired token", 401, "IMG.0401")
}

// Only a SHA-256 of a token is stored: the database files never hold the
// token itself.
func TestKeystoneStoresOnlyTheTokenHash(t *testing.T) {
	if pg != nil {
		t.Skip("reads the SQLite files")
	}
	f := newFixture(t, fixtureOpts{})
	tok := f.alice()
	var all []byte
	files, _ := filepath.Glob(f.dbPath + "*") // the database, its WAL and shared memory
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if bytes.Contains(all, []byte(tok)) {
		t.Error("the database holds the token itself")
	}
	if !bytes.Contains(all, []byte(identity.HashToken(tok))) {
		t.Error("the database does not hold the token's hash: was the token stored at all?")
	}
}

// The rest of the identity API is an admin's: 403 JSON (which makes
// `openstack image add/remove project` use the project ID as given), 401
// without a token.
func TestKeystoneProjectsAreForbiddenToNonAdmins(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	for _, path := range []string{"/v3/projects/" + bobProject, "/v3/projects?name=" + bobProject, "/v3/projects", "/v3/users"} {
		r := f.do("GET", path, f.alice(), nil).expect(t, path, 403, "")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: content type got %q, want application/json", path, ct)
		}
		f.do("GET", path, "", nil).expect(t, path+" without token", 401, "")
	}
}
