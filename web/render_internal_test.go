package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/testnet"
)

// TestLocalPathRefusesEveryWayOffSite is the open-redirect table (issue 8,
// finding 4): only clean same-site paths are kept, whatever a lenient
// browser would make of the rest.
func TestLocalPathRefusesEveryWayOffSite(t *testing.T) {
	const def = "/images"
	for _, c := range []struct{ back, want string }{
		{"/shared?view=pending", "/shared?view=pending"},
		{"/images/64eb1c89-7fbd-4878-8e87-ab55588af19f", "/images/64eb1c89-7fbd-4878-8e87-ab55588af19f"},
		{"/trace?q=a%20b#top", "/trace?q=a%20b#top"},
		{"", def},
		{"images", def},
		{"//evil.example/", def},
		{"/%09/evil.example", def},
		{"/\t/evil.example", def},
		{"/%0a/evil.example", def},
		{"/%0d%0a/evil.example", def},
		{"/%2f/evil.example", def},
		{"/%2F%2Fevil.example", def},
		{"/\\evil.example", def},
		{"/%5cevil.example", def},
		{"\\\\evil.example", def},
		{"https://evil.example/", def},
		{"javascript:alert(1)", def},
		{"/ /evil.example", def},
		{"/\x00/evil.example", def},
		{"/%00/evil.example", def},
		{"/\u3000/evil.example", def},
		{"/%e3%80%80x", "/%e3%80%80x"}, // a decoded non-ASCII path stays on this site
		{"/%", def},
	} {
		if got := localPath(c.back, def); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.back, got, c.want)
		}
	}
}

// TestWriteSendsNothingOfAPageThatFailsToRender: a template error midway
// must not leave half a page under a 200 already sent (issue 8: pages are
// rendered to a buffer first).
func TestWriteSendsNothingOfAPageThatFailsToRender(t *testing.T) {
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/images", nil), rec)
	failing := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, _ = io.WriteString(w, "<html><body><table><tr><td>first row</td></tr>")
		return errors.New("template failed on the second row")
	})
	err := write(c, http.StatusOK, failing)
	if err == nil {
		t.Fatal("the render error was lost")
	}
	if c.Response().Committed || rec.Body.Len() > 0 {
		t.Errorf("a failed render sent status %d and %q; want nothing sent, so that the error page can be", rec.Code, rec.Body.String())
	}
	ok := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, "<p>whole</p>")
		return err
	})
	rec = httptest.NewRecorder()
	c = e.NewContext(httptest.NewRequest(http.MethodGet, "/images", nil), rec)
	if err := write(c, http.StatusCreated, ok); err != nil || rec.Code != http.StatusCreated || rec.Body.String() != "<p>whole</p>" {
		t.Errorf("a good render: %v, %d %q", err, rec.Code, rec.Body.String())
	}
}

// A page whose client went away, before it rendered (templ stops at the
// ended context) or while it was sent, ends the request as cancelled (499,
// not logged), not as a server error (500, logged: seen under load when
// wrk closed its connections).
func TestWriteForAClientThatWentAway(t *testing.T) {
	e := echo.New()
	page := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := ctx.Err(); err != nil { // what templ's generated components do first
			return err
		}
		_, err := io.WriteString(w, "<p>whole</p>")
		return err
	})
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/images", nil).WithContext(ended), httptest.NewRecorder())
	if err := write(c, http.StatusOK, page); domain.KindOf(err) != domain.KindCancelled {
		t.Errorf("rendering for an ended request: %v, want it cancelled", err)
	}
	c = e.NewContext(httptest.NewRequest(http.MethodGet, "/images", nil), testnet.NewGoneClient())
	if err := write(c, http.StatusOK, page); domain.KindOf(err) != domain.KindCancelled {
		t.Errorf("sending to a closed connection: %v, want it cancelled", err)
	}
}

// An error after the answer started sends nothing more; it is logged
// unless the client went away.
func TestErrorAfterTheAnswerStarted(t *testing.T) {
	var log bytes.Buffer
	h := &console{opts: Options{Logger: slog.New(slog.NewTextHandler(&log, nil))}}
	e := echo.New()
	for _, c := range []struct {
		err    error
		logged bool
	}{
		{fmt.Errorf("stream: %w", testnet.ClosedWrite()), false},
		{fmt.Errorf("stream: %w", os.NewSyscallError("write", syscall.ECONNRESET)), false},
		{domain.ErrClientGone(), false},
		{errors.New("reading the image's data: input/output error"), true},
	} {
		log.Reset()
		rec := httptest.NewRecorder()
		ctx := e.NewContext(httptest.NewRequest(http.MethodGet, "/images/x/download", nil), rec)
		ctx.Response().WriteHeader(http.StatusOK)
		_, _ = ctx.Response().Write([]byte("first part"))
		h.handleError(c.err, ctx)
		if got := strings.Contains(log.String(), "request failed"); got != c.logged {
			t.Errorf("%v: logged %v (%q), want %v", c.err, got, log.String(), c.logged)
		}
		if rec.Body.String() != "first part" {
			t.Errorf("%v: sent %q after the answer started", c.err, rec.Body.String())
		}
	}
}
