package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"imageshare/internal/bigworld"
	"imageshare/internal/testworld"
)

// BenchmarkGlanceReads is the API's hottest reads in process (no network),
// for allocation counts and for profiling under callgrind, where
// instructions, unlike this machine's timings, do not move between runs.
// cmd/benchhttp measures them over HTTP at 100,000 shares.
func BenchmarkGlanceReads(b *testing.B) {
	tw, w := testworld.NewBig(b, bigworld.Options{Shares: 2_000}, testworld.Options{})
	token := tenantToken(b, tw.Handler, w.Recipient)
	for _, c := range []struct{ name, path, want string }{
		{"shared-all", "/v2/images?visibility=shared&member_status=all", `"next"`},
		{"shared-pending", "/v2/images?visibility=shared&member_status=pending", `"next"`},
		{"one-image", "/v2/images/" + w.ImageIDs[0], `"id"`},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			req.Header.Set("X-Auth-Token", token)
			b.ReportAllocs()
			for b.Loop() {
				rr := httptest.NewRecorder()
				tw.Handler.ServeHTTP(rr, req)
				if rr.Code != http.StatusOK || !strings.Contains(rr.Body.String(), c.want) {
					b.Fatalf("GET %s: %d %s", c.path, rr.Code, rr.Body)
				}
			}
		})
	}
}

// tenantToken logs a tenant of a big world in to its project (by ID) and
// returns the token.
func tenantToken(tb testing.TB, h http.Handler, te bigworld.Tenant) string {
	tb.Helper()
	login, err := json.Marshal(passwordLogin(te.Account, te.User, testworld.Password, map[string]any{"id": te.ProjectID}))
	if err != nil {
		tb.Fatal(err)
	}
	rr, req := httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/v3/auth/tokens", bytes.NewReader(login))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rr, req)
	token := rr.Header().Get("X-Subject-Token")
	if rr.Code != http.StatusCreated || token == "" {
		tb.Fatalf("login %s: %d %s", te.User, rr.Code, rr.Body)
	}
	return token
}
