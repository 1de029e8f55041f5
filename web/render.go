package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/static"
	"imageshare/views"
)

const staticPrefix = "/static/"

var assets = views.Assets{
	CSS:  static.Path(staticPrefix, "app.css"),
	JS:   static.Path(staticPrefix, "app.js"),
	HTMX: static.Path(staticPrefix, "htmx.min.js"),
}

// isHTMX reports whether htmx sent the request.
func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// wantsDialog reports whether htmx asked for a dialog in place: the
// response is then the dialog alone, not a page around it.
func wantsDialog(c echo.Context) bool {
	return isHTMX(c) && c.Request().Header.Get("HX-Target") == "dialog"
}

// page builds the layout data every page shares: the one constructor.
func (h *console) page(c echo.Context, title, tab string) views.Page {
	l := langOf(c)
	p := views.Page{Title: title, Tab: tab, CSRF: csrfToken(c), Assets: assets, URL: h.url,
		T: func(key string, args ...any) string { return i18n.Text(l, key, args...) }, Lang: string(l), Langs: langOptions(l),
		Here: localPath(c.Request().URL.RequestURI(), h.url("home"))}
	v := viewerOf(c)
	if v == nil {
		return p
	}
	u := &views.User{
		AccountName: v.AccountName, UserName: v.UserName,
		RegionID: v.Region.ID, RegionName: v.Region.Name,
		ProjectID: v.Project.ID, ProjectName: v.Project.Name,
	}
	for _, r := range v.Regions {
		u.Regions = append(u.Regions, views.Option{Value: r.ID, Label: r.Name, Selected: r.ID == v.Region.ID})
	}
	for _, pr := range v.Projects {
		u.Projects = append(u.Projects, views.Option{Value: pr.ID, Label: pr.Name, Selected: pr.ID == v.Project.ID})
	}
	// The pending badge is counted by render, and only for a whole page
	// (a dialog has no header), unless the handler read the count (badge).
	p.User = u
	return p
}

// badge fills the header's pending badge: n shared images wait for an
// answer; banner is the Shared with Me view whose banner the badge's poll
// refreshes too ("" for none).
func (h *console) badge(c echo.Context, u *views.User, n int, banner string) {
	u.Pending, u.PendingText, u.LiveURL = n, tn(c, "nav.pending", n), h.liveURL(n, banner)
}

// render writes body in the layout, or body alone when htmx asked for a
// dialog in place.
func (h *console) render(c echo.Context, status int, p views.Page, body templ.Component) error {
	if wantsDialog(c) {
		return write(c, status, body)
	}
	for _, f := range takeFlashes(c) {
		p.Flashes = append(p.Flashes, views.Flash{Kind: f.kind, Text: f.text})
	}
	if p.User != nil && p.User.LiveURL == "" { // no handler filled the badge
		// The badge is a convenience: a failure to count must not fail the page.
		n, _ := h.sh.PendingCount(c.Request().Context(), viewerOf(c).Actor())
		h.badge(c, p.User, n, "")
	}
	return write(c, status, views.Layout(p, body))
}

// buffers holds page buffers between requests.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// write sends a component as an HTML response that no cache keeps. The page
// is rendered into a buffer first and sent only when it rendered whole: a
// template error becomes a clean error page, never half a page under a
// status already sent.
func write(c echo.Context, status int, comp templ.Component) error {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 { // a huge page's buffer is not kept
			buffers.Put(buf)
		}
	}()
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		// templ stops at a context that ended (the client hung up): that is
		// the request's end, not a rendering fault.
		return domain.FromContext(fmt.Errorf("web: render %s: %w", c.Path(), err))
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	hd.Set(echo.HeaderCacheControl, "no-store")
	hd.Add(echo.HeaderVary, "HX-Request")
	// The page is whole: its length is known, so it is sent as it is rather
	// than in chunks.
	hd.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	c.Response().WriteHeader(status)
	if _, err := c.Response().Write(buf.Bytes()); err != nil {
		return domain.ErrClientGone()
	}
	return nil
}

// done ends a successful change: a flash, then back to the page the change
// came from (303 without JavaScript; with htmx, an in-place navigation that
// also closes the dialog).
func (h *console) done(c echo.Context, back, msg string) error {
	flash(c, "success", msg)
	if err := h.saveSession(c); err != nil {
		return err
	}
	if isHTMX(c) {
		c.Response().Header().Set("HX-Location", back)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// localPath returns back when it is a clean path on this site, else def: a
// form's "back" field must never send the browser elsewhere. Browsers are
// lenient where a prefix check is not (they drop tabs and newlines, read "\"
// as "/", decode %09 before resolving), so back is parsed and must come out
// as an absolute path with no scheme or host that reads the same decoded,
// made only of printable ASCII.
func localPath(back, def string) string {
	if back == "" || len(back) > 2048 || back[0] != '/' {
		return def
	}
	for i := 0; i < len(back); i++ {
		if c := back[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return def
		}
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return def
	}
	// The decoded path must not turn into something else either: "/%2f%2fevil"
	// or "/%09/evil" is a host to a lenient browser.
	if strings.HasPrefix(u.Path, "//") {
		return def
	}
	for _, r := range u.Path {
		if r < ' ' || r == 0x7f || r == '\\' {
			return def
		}
	}
	return back
}

// dialog frames a dialog whose Cancel goes back to back.
func dialog(id, title, back string) views.Dialog {
	return views.Dialog{ID: id, Title: title, Back: back}
}
