package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/world"
	"imageshare/server"
	"imageshare/web"
)

func init() { identity.PasswordCost = bcrypt.MinCost }

func config(dsn string) server.Config {
	return server.Config{DSN: dsn, Limits: sharing.DefaultLimits(), Throttling: identity.DefaultThrottling(),
		SecretKey: []byte("fedcba9876543210fedcba9876543210"),
		Web:       web.Options{SessionKey: []byte("0123456789abcdef0123456789abcdef")}, LockSQLite: true, MetricsOnMain: true}
}

// A server without a key to seal access key SKs with refuses to start (it
// could neither create nor verify an access key), naming the setting.
func TestOpenNeedsASecretKey(t *testing.T) {
	cfg := config(filepath.Join(t.TempDir(), "db", "imageshare.db"))
	for _, key := range [][]byte{nil, []byte("too short")} {
		cfg.SecretKey = key
		s, err := server.Open(cfg)
		if err == nil {
			s.Close()
			t.Fatalf("Open with a %d-byte SecretKey succeeded, want an error", len(key))
		}
		if !strings.Contains(err.Error(), "--sk-encryption-key") {
			t.Errorf("Open with a %d-byte SecretKey: %v, want the setting named", len(key), err)
		}
	}
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

// TestHealthReadinessAndMetrics: /healthz says the process is up, /readyz
// that the database answers and the server takes requests (503 once it
// drains for shutdown), /metrics the Prometheus figures the issue asks for.
func TestHealthReadinessAndMetrics(t *testing.T) {
	s, err := server.Open(config(filepath.Join(t.TempDir(), "db", "imageshare.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.LoadWorld(context.Background(), world.Demo()); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, s.Handler, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, _ := get(t, s.Handler, "/readyz"); code != 200 {
		t.Errorf("/readyz: %d, want 200", code)
	}
	// A failed and a good console login, and an unknown page.
	srv := httptest.NewServer(s.Handler)
	defer srv.Close()
	for _, pw := range []string{"wrong-password", "ImageShare-demo1"} {
		form := url.Values{"account": {"acme"}, "user": {"alice"}, "password": {pw}}
		loginPage, err := http.Get(srv.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(loginPage.Body)
		loginPage.Body.Close()
		tok := between(string(b), `name="_csrf" value="`, `"`)
		form.Set("_csrf", tok)
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range loginPage.Cookies() {
			req.AddCookie(c)
		}
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	get(t, s.Handler, "/no/such/page")
	code, body := get(t, s.Handler, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`imageshare_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`imageshare_http_requests_total{method="POST",route="/login",status="401"} 1`,
		`imageshare_http_requests_total{method="POST",route="/login",status="303"} 1`,
		`imageshare_http_request_duration_seconds_bucket{method="GET",route="/readyz",le="+Inf"} 1`,
		`imageshare_logins_total{result="failure"} 1`,
		`imageshare_logins_total{result="success"} 1`,
		`imageshare_db_connections{state="open"}`,
		`imageshare_images{status="active"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "/no/such/page") {
		t.Errorf("/metrics has a series for a raw path: every unknown URL would add one")
	}
	s.Drain()
	if code, _ := get(t, s.Handler, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining: %d, want 503", code)
	}
	if code, _ := get(t, s.Handler, "/healthz"); code != 200 {
		t.Errorf("/healthz while draining: %d, want 200 (alive)", code)
	}
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	return s[:strings.Index(s, end)]
}

// TestSecondServerOnASQLiteDirectoryIsRefused: two servers on one SQLite
// data directory would each believe they hold the only copy of the
// throttling and job state; the second refuses to start, saying why
// (finding 11), and starts once the first has stopped.
func TestSecondServerOnASQLiteDirectoryIsRefused(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "imageshare.db")
	first, err := server.Open(config(dsn))
	if err != nil {
		t.Fatal(err)
	}
	_, err = server.Open(config(dsn))
	if !errors.Is(err, server.ErrLocked) || !strings.Contains(err.Error(), filepath.Dir(dsn)) || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("second server: %v, want ErrLocked naming the directory and the way out", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := server.Open(config(dsn))
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	second.Close()
}
