package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// console is the web console: its handlers are methods, its dependencies
// these fields, all set once at start (nothing per request lives here).
type console struct {
	e       *echo.Echo
	sh      *sharing.Service
	id      *identity.Service
	opts    Options
	store   *dbStore
	csrfKey []byte
	now     func() time.Time
	paths   map[string]string // named routes' paths (url)
	links   rowLinks          // the list rows' links, split (rows)
}

func newConsole(e *echo.Echo, sh *sharing.Service, id *identity.Service, opts Options) *console {
	h := &console{e: e, sh: sh, id: id, opts: opts, now: opts.Now}
	h.store = newDBStore(id, opts.SecureCookies, opts.IdleTimeout, opts.SessionLifetime, opts.Now)
	m := hmac.New(sha256.New, opts.SessionKey)
	m.Write([]byte("imageshare csrf"))
	h.csrfKey = m.Sum(nil)
	return h
}

// url builds the path of a named route; path parameters are escaped. The
// routes' paths are read once (indexRoutes): Echo's own Reverse searches
// every route for the name, and a page of images builds hundreds of links.
func (h *console) url(name string, params ...any) string {
	path, ok := h.paths[name]
	if !ok {
		return h.e.Reverse(name, params...) // a route named after the index was built
	}
	if len(params) == 0 {
		return path
	}
	var b strings.Builder
	b.Grow(len(path) + 48*len(params)) // room for IDs: one allocation
	n := 0
	for i := 0; i < len(path); i++ {
		if path[i] != ':' || n == len(params) {
			b.WriteByte(path[i])
			continue
		}
		for i+1 < len(path) && path[i+1] != '/' {
			i++ // the parameter's name
		}
		p, ok := params[n].(string)
		if !ok {
			p = fmt.Sprint(params[n])
		}
		b.WriteString(url.PathEscape(p))
		n++
	}
	return b.String()
}

// idRoute is a named route of one parameter, split around it, for the
// links a page makes many times over (url would find the route and
// assemble the path again for each).
type idRoute struct{ before, after string }

// idRoute splits the path of a named route of one parameter; it is
// called at start, where a route of another shape stops the server.
func (h *console) idRoute(name string) idRoute {
	path := h.paths[name]
	i := strings.IndexByte(path, ':')
	if i < 0 || strings.Count(path, ":") != 1 {
		panic("web: route " + name + " has not one parameter: " + path)
	}
	j := strings.IndexByte(path[i:], '/')
	if j < 0 {
		return idRoute{before: path[:i]}
	}
	return idRoute{before: path[:i], after: path[i+j:]}
}

// of is the route's path for the parameter id (escaped as url does).
func (r idRoute) of(id string) string { return r.withEscaped(url.PathEscape(id)) }

// withEscaped is the route's path for an already path-escaped parameter:
// a row escapes its image's ID once for all its links.
func (r idRoute) withEscaped(escaped string) string { return r.before + escaped + r.after }

// indexRoutes records the path of every named route for url.
func (h *console) indexRoutes() {
	h.paths = map[string]string{}
	for _, r := range h.e.Routes() {
		if r.Name != "" && !strings.Contains(r.Name, ".func") {
			h.paths[r.Name] = r.Path
		}
	}
	h.links = h.rowLinks()
}
