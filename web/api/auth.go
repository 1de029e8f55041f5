package api

import (
	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// session is who calls: the token's user, acting in the token's project.
type session struct {
	token     domain.Token
	principal identity.Principal
	project   domain.Project
	actor     sharing.Actor
}

// open wraps a handler so that the error it returns is rendered as JSON in
// the endpoint's style, here and not by the console's error handler.
func (a *API) open(st style, h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := h(c); err != nil {
			return a.writeError(c, st, err)
		}
		return nil
	}
}

// authed wraps a handler that needs a valid X-Auth-Token or access key
// signature.
func (a *API) authed(st style, h func(echo.Context, session) error) echo.HandlerFunc {
	return a.open(st, func(c echo.Context) error {
		s, err := a.authenticate(c)
		if err != nil {
			return err
		}
		return h(c, s)
	})
}

// session resolves a token; whatever is wrong with it is one 401.
func (a *API) session(c echo.Context, secret string) (session, error) {
	ts, err := a.id.Token(c.Request().Context(), secret)
	if err != nil {
		return session{}, err
	}
	p := ts.Principal
	return session{token: ts.Token, principal: p, project: ts.Project,
		actor: sharing.Actor{AccountID: p.AccountID, UserID: p.UserID, UserName: p.UserName, ProjectID: ts.Project.ID, Project: ts.Project}}, nil
}

// baseURL is where clients reach the server, for catalogs and links.
func (a *API) baseURL(c echo.Context) string {
	if a.opts.PublicURL != "" {
		return a.opts.PublicURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

// clientAddr is the caller's address for login throttling: the peer's, or
// behind the trusted proxies the server is configured with, the address
// they forwarded (the Echo instance's IPExtractor decides).
func clientAddr(c echo.Context) string {
	return c.RealIP()
}
