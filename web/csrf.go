package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

const ctxCSRF = "web.csrf"

// csrfTokenOf is the CSRF token of a session: an HMAC of the session's
// secret, so that a token is good for its own session only. A page from
// another origin of the same site (a sibling subdomain, another port) that
// plants a cookie of its own still cannot make a token for the victim's
// session, and a new session at login gets a new token.
func (h *console) csrfTokenOf(sessionID string) string {
	m := hmac.New(sha256.New, h.csrfKey)
	m.Write([]byte("csrf\x00" + sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrf refuses a state-changing request without its session's token (400),
// with another token (403), or sent by a page of another site (403). Every
// form carries the token in _csrf; htmx sends it as X-CSRF-Token too. Run
// after loadSession.
func (h *console) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := session(c)
		want := h.csrfTokenOf(s.ID)
		c.Set(ctxCSRF, want)
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			if s.IsNew {
				// Name the session in a cookie now, so that the token on
				// this page matches the session the form comes back with.
				if err := h.saveSession(c); err != nil {
					return err
				}
			}
			return next(c)
		}
		if err := crossSite(r); err != nil {
			return err
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("_csrf")
		}
		if err := tokenRefusal(got, want); err != nil {
			return err
		}
		return next(c)
	}
}

// crossSite refuses a state change sent by a page of another site (403).
func crossSite(r *http.Request) error {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return echo.NewHTTPError(http.StatusForbidden, "invalid csrf token: the request came from another site")
	}
	return nil
}

// tokenRefusal is why a request carrying the CSRF token got is refused
// when its session's token is want: 400 without one, 403 with another;
// nil when it is the one.
func tokenRefusal(got, want string) error {
	if got == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "missing csrf token")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return echo.NewHTTPError(http.StatusForbidden, "invalid csrf token")
	}
	return nil
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}
