package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/testworld"
	"imageshare/internal/world"
)

const demoPassword = testworld.Password

// fixture is the demo world on a SQLite file, served by the real API on an
// Echo instance.
type fixture struct {
	t      *testing.T
	e      *echo.Echo
	sh     *sharing.Service
	id     *identity.Service
	w      *testworld.World
	dbPath string            // a SQLite file, or a PostgreSQL DSN
	tokens map[string]string // "account/user/project" → token
}

type fixtureOpts struct {
	limits    func(*sharing.Limits)
	tokenTTL  time.Duration
	maxFails  int // failed logins before a user is blocked
	publicURL string
	log       *slog.Logger // the server's log (default: discarded)
}

func newFixture(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	w := testworld.New(t, testworld.Options{DSN: pg.DSN(t), BuildTime: 200 * time.Millisecond, Limits: o.limits, UserFails: o.maxFails, AddrFails: 1000,
		TokenTTL: o.tokenTTL, PublicURL: o.publicURL, Logger: o.log})
	return &fixture{t: t, e: w.Handler, sh: w.Sharing, id: w.Identity, w: w, dbPath: w.DSN, tokens: map[string]string{}}
}

// finishImages completes every image whose save is due (what the server's
// background loop does).
func (f *fixture) finishImages() {
	f.t.Helper()
	if _, err := f.sh.FinishDue(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

// work does what the server's background worker does: it finishes due
// images, settles the jobs that wait for them and runs waiting member jobs.
func (f *fixture) work() {
	f.t.Helper()
	f.finishImages()
	ctx := context.Background()
	if _, err := f.sh.SettleImageJobs(ctx); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.sh.RunPendingJobs(ctx); err != nil {
		f.t.Fatal(err)
	}
}

// response is a recorded API answer.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// ErrorCode returns error.code of an error body.
func (r response) ErrorCode(t *testing.T) string {
	t.Helper()
	e, _ := r.JSON(t)["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

type header map[string]string

// do sends a request through the real Echo instance.
func (f *fixture) do(method, path, token string, body any, hs ...header) response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case io.Reader: // image data: the caller gives its Content-Type
		rd = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	for _, h := range hs {
		for k, v := range h {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	f.e.ServeHTTP(rec, req)
	// Every answer that states its length states the right one (a client
	// reads that many bytes and stops).
	if cl := rec.Header().Get("Content-Length"); cl != "" && method != http.MethodHead && cl != strconv.Itoa(rec.Body.Len()) {
		f.t.Errorf("%s %s: Content-Length %s for a body of %d bytes", method, path, cl, rec.Body.Len())
	}
	return response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// expect fails the test unless the response has the status (and, when
// code is not "", the IMS error code).
func (r response) expect(t *testing.T, what string, status int, code string) response {
	t.Helper()
	if r.Code != status {
		t.Fatalf("%s: status got %d, want %d; body %s", what, r.Code, status, r.Body)
	}
	if code != "" {
		if got := r.ErrorCode(t); got != code {
			t.Fatalf("%s: error code got %q, want %q; body %s", what, got, code, r.Body)
		}
	}
	return r
}

func passwordLogin(account, user, password string, scope map[string]any) map[string]any {
	return map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": user, "password": password, "domain": map[string]any{"name": account}}}},
		"scope": map[string]any{"project": scope},
	}}
}

func byName(account, project string) map[string]any {
	return map[string]any{"name": project, "domain": map[string]any{"name": account}}
}

// token logs a demo user in to a project (by name) and returns the token.
func (f *fixture) token(account, user, project string) string {
	f.t.Helper()
	key := account + "/" + user + "/" + project
	if tok, ok := f.tokens[key]; ok {
		return tok
	}
	r := f.do("POST", "/v3/auth/tokens", "", passwordLogin(account, user, demoPassword, byName(account, project)))
	r.expect(f.t, "login "+key, http.StatusCreated, "")
	tok := r.Header.Get("X-Subject-Token")
	if tok == "" {
		f.t.Fatalf("login %s: no X-Subject-Token", key)
	}
	f.tokens[key] = tok
	return tok
}

// The demo users' tokens in their cn-north-4 projects.
func (f *fixture) alice() string { return f.token("acme", "alice", "cn-north-4") }
func (f *fixture) bob() string   { return f.token("bravo", "bob", "cn-north-4") }
func (f *fixture) erin() string  { return f.token("umbrella", "erin", "cn-north-4") }
func (f *fixture) carol() string { return f.token("globex", "carol", "cn-north-4") }

// project is a demo project's ID.
func project(account, name string) string { return world.ProjectID(account, name) }

var (
	bobProject   = project("bravo", "cn-north-4")
	erinProject  = project("umbrella", "cn-north-4")
	carolProject = project("globex", "cn-north-4")
	aliceProject = project("acme", "cn-north-4")
)

// imageID finds an image of the token's project by name through the API.
func (f *fixture) imageID(token, name string) string {
	f.t.Helper()
	r := f.do("GET", "/v2/images?visibility=private&name="+name, token, nil).expect(f.t, "find "+name, 200, "")
	imgs := r.JSON(f.t)["images"].([]any)
	if len(imgs) != 1 {
		f.t.Fatalf("find %s: got %d images, want 1: %s", name, len(imgs), r.Body)
	}
	return imgs[0].(map[string]any)["id"].(string)
}

// ids lists the "id" of each object in a JSON array.
func ids(list any) []string {
	var out []string
	for _, x := range list.([]any) {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}

// job polls an IMS job until it has finished.
func (f *fixture) job(token, id string) map[string]any {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j := f.do("GET", "/v1/cloudimages/job/"+id, token, nil).expect(f.t, "job "+id, 200, "").JSON(f.t)
		if s := j["status"]; s == "SUCCESS" || s == "FAIL" {
			return j
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("job %s did not finish: %v", id, j)
		}
		f.work()
		time.Sleep(20 * time.Millisecond)
	}
}
