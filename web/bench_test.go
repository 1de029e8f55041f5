package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"imageshare/internal/bigworld"
	"imageshare/internal/testworld"
)

// BenchmarkConsolePages serves the console's list pages through the real
// Echo instance, in process (no network), logged in, on a world of 2,000
// shares: what a page costs the server in CPU and allocations, without
// the load generator sharing the machine (cmd/benchhttp measures the rest).
//
//	go test -run '^$' -bench ConsolePages -benchmem ./web/
func BenchmarkConsolePages(b *testing.B) {
	tw, w := testworld.NewBig(b, bigworld.Options{Shares: 2_000}, testworld.Options{})
	owner, rec := benchLogin(b, tw.Handler, w.Owner), benchLogin(b, tw.Handler, w.Recipient)
	for _, c := range []struct {
		name, path, cookie string
	}{
		{"private-images", "/images", owner},
		{"shared-with-me", "/shared", rec},
		{"shared-pending", "/shared?view=pending", rec},
		{"private-10", "/images?size=10", owner},
		{"private-50", "/images?size=50", owner},
		{"private-100", "/images?size=100", owner},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			req.Header.Set("Cookie", c.cookie)
			req.Header.Set("Accept", "text/html")
			b.ReportAllocs()
			for b.Loop() {
				rr := httptest.NewRecorder()
				tw.Handler.ServeHTTP(rr, req)
				if rr.Code != http.StatusOK || !strings.Contains(rr.Body.String(), "data-image-id") {
					b.Fatalf("GET %s: %d, want 200 with rows", c.path, rr.Code)
				}
			}
		})
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// benchLogin logs a tenant in and returns the Cookie header of its session.
func benchLogin(b *testing.B, h http.Handler, te bigworld.Tenant) string {
	b.Helper()
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/login", nil))
	m := csrfField.FindStringSubmatch(rr.Body.String())
	if m == nil {
		b.Fatal("no CSRF token on /login")
	}
	form := url.Values{"_csrf": {m[1]}, "account": {te.Account}, "user": {te.User}, "password": {testworld.Password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range rr.Result().Cookies() {
		req.AddCookie(ck)
	}
	rr = httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	if rr.Code != http.StatusSeeOther {
		b.Fatalf("login %s: %d, want 303", te.User, rr.Code)
	}
	var cookies []string
	for _, ck := range rr.Result().Cookies() {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	return strings.Join(cookies, "; ")
}
