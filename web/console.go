package web

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// console is the web console: its handlers are methods, its dependencies
// these fields, all set once at start (nothing per request lives here).
type console struct {
	e     *echo.Echo
	sh    *sharing.Service
	id    *identity.Service
	opts  Options
	store *sessions.CookieStore
	csrf  echo.MiddlewareFunc
	now   func() time.Time
}

func newConsole(e *echo.Echo, sh *sharing.Service, id *identity.Service, opts Options) *console {
	h := &console{e: e, sh: sh, id: id, opts: opts, now: opts.Now}
	h.store = newCookieStore(opts.SessionKey, opts.SecureCookies, opts.SessionLifetime)
	h.csrf = middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   opts.SecureCookies,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   int(opts.SessionLifetime.Seconds()),
	})
	return h
}

// url builds the path of a named route; path parameters are escaped.
func (h *console) url(name string, params ...any) string {
	esc := make([]any, len(params))
	for i, p := range params {
		esc[i] = url.PathEscape(fmt.Sprint(p))
	}
	return h.e.Reverse(name, esc...)
}
