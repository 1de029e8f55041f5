package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/testworld"
	"imageshare/web"
)

const demoPassword = testworld.Password

// fixture is the demo world on a SQLite file in a temporary directory,
// served by the real console over HTTP.
type fixture struct {
	t   *testing.T
	srv *httptest.Server
	sh  *sharing.Service
	id  *identity.Service
	w   *testworld.World
	now time.Time // the console's clock; tests move it
}

type fixtureOpts struct {
	secure         bool
	idle           time.Duration
	lifetime       time.Duration
	trustedProxies []*net.IPNet
}

func newFixture(t *testing.T, opts ...fixtureOpts) *fixture {
	t.Helper()
	var o fixtureOpts
	if len(opts) > 0 {
		o = opts[0]
	}
	f := &fixture{t: t, now: time.Now()}
	w := testworld.New(t, testworld.Options{Web: web.Options{
		SecureCookies: o.secure, IdleTimeout: o.idle, SessionLifetime: o.lifetime,
		Now: func() time.Time { return f.now }, TrustedProxies: o.trustedProxies,
	}})
	f.sh, f.id, f.w = w.Sharing, w.Identity, w
	f.srv = httptest.NewServer(w.Handler)
	t.Cleanup(f.srv.Close)
	return f
}

// actor is a demo account's user in one of its projects, for checking the
// service's state around a request.
func (f *fixture) actor(account, project string) sharing.Actor {
	return testworld.Actor(account, project)
}

// imageID finds an image of the demo world by name in its owner project.
func (f *fixture) imageID(account, project, name string) string {
	f.t.Helper()
	return f.w.ImageID(f.t, account, project, name)
}

func (f *fixture) serverID(account, project string) string {
	f.t.Helper()
	res, err := f.sh.Servers(context.Background(), f.actor(account, project), sharing.Page{})
	rows := res.Rows
	if err != nil || len(rows) == 0 {
		f.t.Fatalf("servers of %s: %v (%d found)", account, err, len(rows))
	}
	return rows[0].ID
}

func (f *fixture) diskID(account, project string) string {
	f.t.Helper()
	res, err := f.sh.Disks(context.Background(), f.actor(account, project), sharing.Page{})
	rows := res.Rows
	if err != nil || len(rows) == 0 {
		f.t.Fatalf("disks of %s: %v (%d found)", account, err, len(rows))
	}
	return rows[0].ID
}

// share grants recipients access to an image through the service.
func (f *fixture) share(owner sharing.Actor, imageID string, recipients ...string) {
	f.t.Helper()
	if _, err := f.sh.Share(context.Background(), owner, []string{imageID}, recipients); err != nil {
		f.t.Fatalf("share: %v", err)
	}
}

// client is one browser without JavaScript: a cookie jar, no automatic
// redirects, and the CSRF token of the last form it saw.
type client struct {
	f    *fixture
	t    *testing.T
	http *http.Client
	csrf string
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, t: f.t, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// login logs in as a demo user and fetches a page, ready to post forms.
func (f *fixture) login(account, user string) *client {
	f.t.Helper()
	c := f.client()
	r := c.submit("/login", url.Values{"account": {account}, "user": {user}, "password": {demoPassword}})
	if r.status != http.StatusSeeOther {
		f.t.Fatalf("login %s/%s: status %d, want 303; body: %s", account, user, r.status, r.text())
	}
	c.get("/images").want(http.StatusOK)
	return c
}

// response is what came back, with the HTML parsed.
type response struct {
	t      *testing.T
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := &response{t: c.t, status: res.StatusCode, header: res.Header, body: string(b)}
	r.doc, _ = goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if tok, ok := r.doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok && tok != "" {
		c.csrf = tok
	}
	return r
}

func (c *client) get(path string, headers ...string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.f.srv.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// post sends a form exactly as given (no token added).
func (c *client) post(path string, form url.Values, headers ...string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// submit posts a form with the CSRF token, fetching one first if needed.
func (c *client) submit(path string, form url.Values, headers ...string) *response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf)
	return c.post(path, form, headers...)
}

// follow fetches where a redirect points.
func (c *client) follow(r *response) *response {
	c.t.Helper()
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("status %d, want 303; body: %s", r.status, r.text())
	}
	return c.get(r.header.Get("Location"))
}

func (r *response) want(status int) *response {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status: got %d, want %d; page text: %s", r.status, status, r.text())
	}
	return r
}

// text is the visible text of the page, squeezed, for messages.
func (r *response) text() string {
	if r.doc == nil {
		return r.body
	}
	s := strings.Join(strings.Fields(r.doc.Find("body").Text()), " ")
	if s == "" {
		s = r.body
	}
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

// find returns the text of the first element matching sel, squeezed.
func (r *response) find(sel string) string {
	return strings.Join(strings.Fields(r.doc.Find(sel).First().Text()), " ")
}

func (r *response) has(sel string) bool { return r.doc.Find(sel).Length() > 0 }

// wantHas fails unless an element matches sel.
func (r *response) wantHas(sel string) *response {
	r.t.Helper()
	if !r.has(sel) {
		r.t.Fatalf("no element %q on the page; text: %s", sel, r.text())
	}
	return r
}

// wantText fails unless the element sel contains want.
func (r *response) wantText(sel, want string) *response {
	r.t.Helper()
	if got := r.find(sel); !strings.Contains(got, want) {
		r.t.Fatalf("%s: got %q, want it to contain %q", sel, got, want)
	}
	return r
}

// flash is the page's first flash message.
func (r *response) flash() string { return r.find("#flashes .flash") }

type goquerySelection = goquery.Selection
