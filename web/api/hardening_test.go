package api_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // a raw connection that holds the write lock

	"imageshare/internal/store"
)

// TestIssue8_OversizedBatchIs413WithBoundedMemory sends the batch of
// finding 1 (about a megabyte of image IDs): it is refused with 413 before
// any job exists, and handling it allocates a bounded amount of memory.
func TestIssue8_OversizedBatchIs413WithBoundedMemory(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	images := make([]string, 25_000)
	for i := range images {
		images[i] = ubuntu
	}
	body := map[string]any{"images": images, "projects": []string{bobProject, erinProject, carolProject}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := f.do("POST", "/v1/cloudimages/members", f.alice(), body)
	runtime.ReadMemStats(&after)
	r.expect(t, "25,000 images", http.StatusRequestEntityTooLarge, "IMG.0413")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("the refused batch allocated %d MiB, want at most 64 MiB", alloc>>20)
	}
	f.do("POST", "/v1/cloudimages/members", f.alice(), map[string]any{"images": images[:1001], "projects": []string{bobProject}}).
		expect(t, "1,001 images", http.StatusRequestEntityTooLarge, "IMG.0413")
	f.do("DELETE", "/v1/cloudimages/members", f.alice(), map[string]any{"images": images[:1001], "projects": []string{bobProject}}).
		expect(t, "1,001 images to stop sharing", http.StatusRequestEntityTooLarge, "IMG.0413")
	// A body over the limit is cut off while it is read.
	huge := `{"images": ["` + strings.Repeat("a", 2<<20) + `"]}`
	f.do("POST", "/v1/cloudimages/members", f.alice(), huge).expect(t, "2 MiB body", http.StatusRequestEntityTooLarge, "")
	// The largest allowed batch is accepted.
	f.do("POST", "/v1/cloudimages/members", f.alice(), map[string]any{"images": images[:1000], "projects": []string{bobProject}}).
		expect(t, "1,000 images", http.StatusOK, "")
}

// TestIssue8_BadInputIsNever500 sends what made the server answer 500
// (finding 6): NUL bytes, invalid UTF-8 and huge filters, on SQLite and on
// PostgreSQL (IMAGESHARE_TEST_BACKEND=postgres), logged in and not. Every
// answer is a 4xx that does not repeat the long value back (finding 13).
func TestIssue8_BadInputIsNever500(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	long := strings.Repeat("x", 50_000)
	nul, bad := url.QueryEscape("a\x00b"), "a%FFb"
	for _, tc := range []struct {
		name, method, path string
		token              bool
		body               any
	}{
		{"login NUL user", "POST", "/v3/auth/tokens", false, passwordLogin("acme", "ali\x00ce", demoPassword, byName("acme", "cn-north-4"))},
		{"login NUL account", "POST", "/v3/auth/tokens", false, passwordLogin("ac\x00me", "alice", demoPassword, byName("acme", "cn-north-4"))},
		{"login NUL password", "POST", "/v3/auth/tokens", false, passwordLogin("acme", "alice", "pw\x00", byName("acme", "cn-north-4"))},
		{"login NUL project", "POST", "/v3/auth/tokens", false, passwordLogin("acme", "alice", demoPassword, byName("acme", "cn\x00"))},
		{"login NUL user ID", "POST", "/v3/auth/tokens", false, map[string]any{"auth": map[string]any{
			"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{"id": "\x00", "password": "x"}}},
			"scope":    map[string]any{"project": map[string]any{"id": "\x00"}}}}},
		{"login huge user", "POST", "/v3/auth/tokens", false, passwordLogin("acme", long, demoPassword, byName("acme", "cn-north-4"))},
		{"name filter NUL", "GET", "/v2/images?name=" + nul, true, nil},
		{"name filter invalid UTF-8", "GET", "/v2/images?name=" + bad, true, nil},
		{"name filter 50,000 characters", "GET", "/v2/images?name=" + long, true, nil},
		{"owner filter NUL", "GET", "/v2/cloudimages?owner=" + nul, true, nil},
		{"marker NUL", "GET", "/v2/images?marker=" + nul, true, nil},
		{"image ID NUL", "GET", "/v2/images/" + nul, true, nil},
		{"image ID invalid UTF-8", "GET", "/v2/images/" + bad, true, nil},
		{"member ID NUL", "GET", "/v2/images/" + ubuntu + "/members/" + nul, true, nil},
		{"member ID invalid UTF-8", "DELETE", "/v2/images/" + ubuntu + "/members/" + bad, true, nil},
		{"IMS member NUL", "GET", "/v1/" + aliceProject + "/cloudimages/" + ubuntu + "/members/" + nul, true, nil},
		{"job ID NUL", "GET", "/v1/cloudimages/job/" + nul, true, nil},
		{"image name NUL", "POST", "/v2/images", true, map[string]any{"name": "a\x00b", "__os_version": "Ubuntu"}},
		{"image name right-to-left override", "POST", "/v2/images", true, map[string]any{"name": "invoice\u202Egpj.exe", "__os_version": "Ubuntu"}},
		{"image name zero-width space", "POST", "/v2/images", true, map[string]any{"name": "ubuntu\u200B-22.04-web", "__os_version": "Ubuntu"}},
		{"property NUL", "POST", "/v2/images", true, map[string]any{"name": "ok", "__os_version": "Ubuntu", "team": "a\x00"}},
		{"member NUL", "POST", "/v2/images/" + ubuntu + "/members", true, map[string]any{"member": "a\x00b"}},
		{"member 100 KB", "POST", "/v2/images/" + ubuntu + "/members", true, map[string]any{"member": strings.Repeat("m", 100_000)}},
		{"batch member 100 KB", "POST", "/v1/cloudimages/members", true, map[string]any{"images": []string{ubuntu}, "projects": []string{strings.Repeat("m", 100_000)}}},
		{"batch image NUL", "POST", "/v1/cloudimages/members", true, map[string]any{"images": []string{"\x00"}, "projects": []string{bobProject}}},
		{"copy name NUL", "POST", "/v1/cloudimages/" + ubuntu + "/copy", true, map[string]any{"name": "\x00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := ""
			if tc.token {
				tok = f.alice()
			}
			r := f.do(tc.method, tc.path, tok, tc.body)
			if r.Code >= 500 || r.Code < 400 {
				t.Errorf("got %d, want a 4xx; body %.300s", r.Code, r.Body)
			}
			if len(r.Body) > 2048 {
				t.Errorf("the %d-byte answer repeats the input back: %.200s…", len(r.Body), r.Body)
			}
		})
	}
}

// TestIssue8_APIFindings13 covers finding 13: HEAD on the image list, JSON
// bodies only (415 otherwise), the image_member quota of a full-ECS image,
// and a readable message for a boolean attribute.
func TestIssue8_APIFindings13(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	f.do("HEAD", "/v2/images", f.alice(), nil).expect(t, "HEAD /v2/images", http.StatusOK, "")
	f.do("HEAD", "/v2/images/"+f.imageID(f.alice(), "ubuntu-22.04-web"), f.alice(), nil).expect(t, "HEAD an image", http.StatusOK, "")

	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "nonsense"} {
		f.do("POST", "/v2/images", f.alice(), `{"name": "x", "__os_version": "Ubuntu"}`, header{"Content-Type": ct}).
			expect(t, "Content-Type "+ct, http.StatusUnsupportedMediaType, "IMG.0415")
	}
	f.do("POST", "/v3/auth/tokens", "", `{}`, header{"Content-Type": "text/plain"}).expect(t, "token body as text", http.StatusUnsupportedMediaType, "")
	f.do("POST", "/v2/images", f.alice(), `{"name": "json-charset", "__os_version": "Ubuntu"}`, header{"Content-Type": "application/json; charset=utf-8"}).
		expect(t, "JSON with a charset", http.StatusCreated, "")

	erp := f.imageID(f.alice(), "erp-full-ecs")
	f.do("POST", "/v2/images/"+erp+"/members", f.alice(), map[string]string{"member": bobProject}).expect(t, "share", 200, "")
	f.do("PUT", "/v2/images/"+erp+"/members/"+bobProject, f.bob(), map[string]string{"status": "accepted"}).expect(t, "accept", 200, "")
	var member map[string]any
	for _, x := range f.do("GET", "/v1/cloudimages/quota", f.alice(), nil).expect(t, "quota", 200, "").JSON(t)["quotas"].(map[string]any)["resources"].([]any) {
		if r := x.(map[string]any); r["type"] == "image_member" {
			member = r
		}
	}
	if member["used"] != 1.0 || member["quota"] != 10.0 {
		t.Errorf("S09 image_member with a full-ECS image accepted once: got %v, want used 1 of 10", member)
	}

	r := f.do("POST", "/v2/images", f.alice(), map[string]any{"name": "x", "os_hidden": true}).expect(t, "os_hidden", 400, "IMG.0001")
	msg := r.JSON(t)["error"].(map[string]any)["message"].(string)
	if !strings.HasPrefix(msg, "os_hidden must be false.") || strings.Contains(msg, "false, false") {
		t.Errorf("message %q, want it to say os_hidden must be false, once", msg)
	}
}

// TestIssue8_BusyDatabaseIs503WithRetryAfter holds SQLite's write lock from
// another connection (as a bulk load or a second process does): a write
// through the API is answered 503 with Retry-After, never 500, and works
// once the lock is released (finding 5).
func TestIssue8_BusyDatabaseIs503WithRetryAfter(t *testing.T) {
	if pg != nil {
		t.Skip("SQLite's database-wide write lock; PostgreSQL locks rows")
	}
	defer func(d time.Duration) { store.SQLiteBusyTimeout = d }(store.SQLiteBusyTimeout)
	store.SQLiteBusyTimeout = 50 * time.Millisecond
	f := newFixture(t, fixtureOpts{})
	tok := f.alice()
	ubuntu := f.imageID(tok, "ubuntu-22.04-web")

	db, err := sql.Open("sqlite3", "file:"+f.dbPath+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	r := f.do("POST", "/v2/images/"+ubuntu+"/members", tok, map[string]string{"member": bobProject})
	r.expect(t, "share while the database is locked", http.StatusServiceUnavailable, "IMG.0503")
	if got := r.Header.Get("Retry-After"); got == "" {
		t.Errorf("503 without Retry-After")
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	f.do("POST", "/v2/images/"+ubuntu+"/members", tok, map[string]string{"member": bobProject}).expect(t, "share after", http.StatusOK, "")
}

// TestIssue8_PublicURLNotTheHostHeader: with a public URL configured, the
// token catalog and links name it, whatever Host the client sent (finding
// 10: the Host header was copied into the catalog).
func TestIssue8_PublicURLNotTheHostHeader(t *testing.T) {
	f := newFixture(t, fixtureOpts{publicURL: "https://images.example.com/"})
	r := f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "alice", demoPassword, byName("acme", "cn-north-4")), header{"Host": "evil.example"})
	r.expect(t, "login", http.StatusCreated, "")
	body := string(r.Body)
	if strings.Contains(body, "evil.example") || !strings.Contains(body, `"url":"https://images.example.com"`) || !strings.Contains(body, `"url":"https://images.example.com/v3"`) {
		t.Errorf("catalog: %s; want the public URL and no trace of the Host header", body)
	}
	v := f.do("GET", "/v2", "", nil, header{"Host": "evil.example"}).expect(t, "versions", 200, "")
	if strings.Contains(string(v.Body), "evil.example") {
		t.Errorf("version links follow the Host header: %s", v.Body)
	}
}
