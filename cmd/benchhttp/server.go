package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/bigworld"
	"imageshare/internal/store"
)

// startCeiling serves the bare Echo handler every case is compared with.
func startCeiling() (*httptest.Server, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "Hello, World!") })
	return httptest.NewServer(e), nil
}

// server is a running imageshare process with the seeded world.
type server struct {
	cmd   *exec.Cmd
	url   string
	pprof string // its pprof address
	floor string // the floor's URL (floor.go)
	world *bigworld.World
	// API tokens and console cookies of the owner and the recipient.
	ownerToken, recToken     string
	ownerCookies, recCookies string
}

// seed writes a world of n shares into a new database.
func seed(ctx context.Context, dsn string, n int) (*bigworld.World, error) {
	st, err := store.Open(dsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	w, err := bigworld.Seed(ctx, st, bigworld.Options{Shares: n, Pool: 400, Password: benchPassword})
	if err != nil {
		return nil, err
	}
	// A database that has been running has planner statistics (autovacuum).
	return w, st.Analyze(ctx)
}

const benchPassword = "Bench-password-1"

// startServer runs the server on a free port of 127.0.0.1 with its log in dir.
func startServer(bin, dsn, dir string, w *bigworld.World, n int) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	pport, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	s := &server{url: fmt.Sprintf("http://127.0.0.1:%d", port), pprof: fmt.Sprintf("127.0.0.1:%d", pport), world: w}
	s.cmd = exec.Command(bin, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--dsn", dsn, "--data", dir,
		"--world", "none", "--max-images", strconv.Itoa(n+10_000), "--pprof-addr", s.pprof)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		resp, err := http.Get(s.url + "/v2")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server did not start: see %s", logf.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if s.ownerToken, err = s.token(w.Owner); err != nil {
		return s, err
	}
	if s.recToken, err = s.token(w.Recipient); err != nil {
		return s, err
	}
	if s.ownerCookies, err = s.login(w.Owner); err != nil {
		return s, err
	}
	s.recCookies, err = s.login(w.Recipient)
	return s, err
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tokenBody is the Keystone password login of a tenant's user.
func tokenBody(t bigworld.Tenant) string {
	return fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"project":{"id":%q}}}}`,
		t.User, t.Password, t.Account, t.ProjectID)
}

func (s *server) token(t bigworld.Tenant) (string, error) {
	resp, err := http.Post(s.url+"/v3/auth/tokens", "application/json", strings.NewReader(tokenBody(t)))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("token for %s: %s %s", t.User, resp.Status, b)
	}
	return resp.Header.Get("X-Subject-Token"), nil
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// login logs a tenant's user in to the console and returns the Cookie
// header a browser would then send (session and CSRF cookies).
func (s *server) login(t bigworld.Tenant) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(s.url + "/login")
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("login page has no CSRF token")
	}
	form := url.Values{"_csrf": {string(m[1])}, "account": {t.Account}, "user": {t.User}, "password": {t.Password}}
	resp, err = c.PostForm(s.url+"/login", form)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.Request.URL.Path == "/login" {
		return "", fmt.Errorf("console login of %s failed", t.User)
	}
	u, _ := url.Parse(s.url)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

// call makes one API request and decodes the JSON answer into out.
func (s *server) call(method, path, token string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %s %s", method, path, resp.Status, b)
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(b, out)
	}
	return resp.StatusCode, nil
}

// profile records a CPU profile of the server for d into path.
func (s *server) profile(d time.Duration, path string) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.pprof, int(d.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}
