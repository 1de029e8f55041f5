package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/url"
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
}

func newConsole(e *echo.Echo, sh *sharing.Service, id *identity.Service, opts Options) *console {
	h := &console{e: e, sh: sh, id: id, opts: opts, now: opts.Now}
	h.store = newDBStore(id, opts.SecureCookies, opts.IdleTimeout, opts.SessionLifetime, opts.Now)
	m := hmac.New(sha256.New, opts.SessionKey)
	m.Write([]byte("imageshare csrf"))
	h.csrfKey = m.Sum(nil)
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
