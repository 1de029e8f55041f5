package api

import (
	"bytes"
	"io"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// authenticate resolves who calls: a request signed with an access key (the
// cloud's SDKs) or one carrying an X-Auth-Token (Keystone clients).
func (a *API) authenticate(c echo.Context) (session, error) {
	if identity.IsSigned(c.Request().Header.Get(echo.HeaderAuthorization)) {
		return a.signedSession(c)
	}
	return a.session(c, c.Request().Header.Get("X-Auth-Token"))
}

// signedSession verifies an SDK-HMAC-SHA256 signature and acts in the
// project named by X-Project-Id (it must be one of the key's account's), or
// in the account's default project of the API's region.
func (a *API) signedSession(c echo.Context) (session, error) {
	r := c.Request()
	// The signature covers the body: it is read whole first, within the
	// same bound as every JSON body (decode).
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return session{}, err
	}
	if len(body) > maxBody {
		return session{}, errBodyTooLarge()
	}
	// The handler reads the body again.
	r.Body = io.NopCloser(bytes.NewReader(body))
	ctx := r.Context()
	p, _, err := a.id.AuthenticateSigned(ctx, identity.SignedRequest{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header, Host: r.Host, Body: body,
	}, clientAddr(c))
	if err != nil {
		return session{}, err
	}
	var proj domain.Project
	if pid := r.Header.Get("X-Project-Id"); pid != "" {
		if proj, err = a.id.Project(ctx, p.AccountID, pid); identity.IsNotFound(err) {
			return session{}, domain.Errorf(domain.KindForbidden, codeForbidden, "X-Project-Id %s is not a project of your account.", pid).About(pid)
		}
	} else if proj, err = a.id.DefaultProject(ctx, p.AccountID, a.opts.Region); identity.IsNotFound(err) {
		return session{}, domain.Errorf(domain.KindForbidden, codeForbidden, "Your account has no project in %s: name the project in X-Project-Id.", a.opts.Region)
	}
	if err != nil {
		return session{}, err
	}
	return session{principal: p, project: proj,
		actor: sharing.Actor{AccountID: p.AccountID, UserID: p.UserID, UserName: p.UserName, ProjectID: proj.ID}}, nil
}
