package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/testworld"
	"imageshare/web"
)

// gated serves the demo world's console with a gate of one slot and, beside
// it, probe routes that go through the same middleware: /probe computes for
// a moment and counts how many probes compute at once; /held writes its
// headers and then waits for release (a slow client); /stuck waits for
// release before answering anything; /stream is /stuck on a streaming route.
type gated struct {
	srv             *httptest.Server
	in, most        atomic.Int32
	release         chan struct{} // closed by free
	freeOnce        sync.Once
	heldStarted     chan struct{}
	stuckStarted    chan struct{}
	streamedStarted chan struct{}
}

func newGated(t *testing.T, timeout time.Duration) *gated {
	t.Helper()
	g := &gated{release: make(chan struct{}), heldStarted: make(chan struct{}, 1),
		stuckStarted: make(chan struct{}, 1), streamedStarted: make(chan struct{}, 1)}
	w := testworld.New(t, testworld.Options{})
	e := web.New(w.Sharing, w.Identity, web.Options{
		SessionKey: testworld.TestSessionKey, Concurrency: 1, RequestTimeout: timeout,
		Streaming: func(c echo.Context) bool { return c.Path() == "/stream" },
		API: func(e *echo.Echo) {
			e.GET("/probe", func(c echo.Context) error {
				n := g.in.Add(1)
				for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
				}
				time.Sleep(time.Millisecond)
				g.in.Add(-1)
				return c.String(http.StatusOK, "ok")
			})
			e.GET("/held", func(c echo.Context) error {
				c.Response().WriteHeader(http.StatusOK)
				c.Response().Flush()
				g.heldStarted <- struct{}{}
				<-g.release
				return nil
			})
			wait := func(started chan struct{}) echo.HandlerFunc {
				return func(c echo.Context) error {
					started <- struct{}{}
					<-g.release
					return c.String(http.StatusOK, "done")
				}
			}
			e.GET("/stuck", wait(g.stuckStarted))
			e.GET("/stream", wait(g.streamedStarted))
		},
	})
	g.srv = httptest.NewServer(e)
	t.Cleanup(func() {
		g.free()
		g.srv.CloseClientConnections()
		g.srv.Close()
	})
	return g
}

// free lets every waiting probe route finish.
func (g *gated) free() { g.freeOnce.Do(func() { close(g.release) }) }

func (g *gated) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(g.srv.URL + path)
	if err != nil {
		t.Error(err)
		return nil, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// With a gate of one, forty requests arriving together compute one at a
// time, and every one of them is answered.
func TestAdmissionLetsOneRequestComputeAtATime(t *testing.T) {
	g := newGated(t, 0)
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res, body := g.get(t, "/probe"); res != nil && res.StatusCode == http.StatusOK && body == "ok" {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if g.most.Load() != 1 || ok.Load() != 40 {
		t.Fatalf("%d requests computed at once (want 1); %d of 40 answered", g.most.Load(), ok.Load())
	}
}

// The slot is given back when the response starts: a client slow to read
// its answer holds nobody up, and neither does a stream of image data.
func TestAdmissionDoesNotWaitOnClientsOrStreams(t *testing.T) {
	g := newGated(t, 0)
	var bg sync.WaitGroup
	defer bg.Wait()
	defer g.free()
	for _, path := range []string{"/held", "/stream"} {
		bg.Add(1)
		go func() { defer bg.Done(); g.get(t, path) }()
	}
	<-g.heldStarted
	<-g.streamedStarted
	done := make(chan int32, 1)
	go func() {
		res, _ := g.get(t, "/probe")
		if res != nil {
			done <- int32(res.StatusCode)
		}
	}()
	select {
	case code := <-done:
		if code != http.StatusOK {
			t.Fatalf("the probe answered %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a request waited for a response being sent or a stream")
	}
}

// A request that cannot get a slot within the request timeout is told the
// server is busy and when to try again, and the console page and the
// login form still work once the slot is free.
func TestAdmissionTimesOutWithRetryAfter(t *testing.T) {
	g := newGated(t, 300*time.Millisecond)
	stuck := make(chan struct{})
	go func() { defer close(stuck); g.get(t, "/stuck") }()
	<-g.stuckStarted
	res, body := g.get(t, "/login")
	if res == nil || res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("behind a held slot: %v %q, want 503 with Retry-After", res, body)
	}
	g.free()
	<-stuck
	if res, _ := g.get(t, "/login"); res == nil || res.StatusCode != http.StatusOK {
		t.Fatalf("once the slot is free: %v, want the login page", res)
	}
}
