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
	login, _ := json.Marshal(passwordLogin(w.Recipient.Account, w.Recipient.User, testworld.Password, map[string]any{"id": w.Recipient.ProjectID}))
	rr, req := httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/v3/auth/tokens", bytes.NewReader(login))
	req.Header.Set("Content-Type", "application/json")
	tw.Handler.ServeHTTP(rr, req)
	token := rr.Header().Get("X-Subject-Token")
	if rr.Code != http.StatusCreated || token == "" {
		b.Fatalf("token: %d %s", rr.Code, rr.Body)
	}
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
