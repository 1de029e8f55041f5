package api_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"imageshare/internal/testnet"
)

// An answer the client did not stay for is not a server error: the list
// and the token, sent to a connection the client closed, log no error
// (under load every case's end logged a few as 500 when wrk hung up).
// Nothing else changes: the same requests to a client that stays succeed.
func TestAnswersToAClientThatWentAwayAreNoErrors(t *testing.T) {
	var log bytes.Buffer
	f := newFixture(t, fixtureOpts{log: slog.New(slog.NewTextHandler(&log, nil))})
	token := f.token("acme", "alice", "cn-north-4")
	for _, c := range []struct{ method, path, token, body string }{
		{http.MethodGet, "/v2/images?visibility=shared&member_status=all", token, ""},
		{http.MethodGet, "/v2/images", token, ""},
		{http.MethodGet, "/v3/auth/tokens", token, ""}, // written by Echo's c.JSON
	} {
		for _, gone := range []bool{false, true} {
			log.Reset()
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			req.Header.Set("X-Auth-Token", c.token)
			req.Header.Set("X-Subject-Token", c.token)
			rec := httptest.NewRecorder()
			var w http.ResponseWriter = rec
			if gone {
				w = testnet.GoneClient{ResponseRecorder: rec}
			}
			f.e.ServeHTTP(w, req)
			if rec.Code != http.StatusOK {
				t.Errorf("%s %s (client gone: %v): %d, want 200 sent", c.method, c.path, gone, rec.Code)
			}
			if strings.Contains(log.String(), "level=ERROR") {
				t.Errorf("%s %s (client gone: %v) logged an error:\n%s", c.method, c.path, gone, log.String())
			}
		}
	}
}
