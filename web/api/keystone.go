package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
)

// keystoneTime is Keystone's timestamp format (UTC, microseconds, "Z").
const keystoneTime = "2006-01-02T15:04:05.000000Z"

func (a *API) identityVersion(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"version": map[string]any{
		"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
		"links":       []map[string]string{{"rel": "self", "href": a.baseURL(c) + "/v3/"}},
		"media-types": []map[string]string{{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}},
	}})
}

// named is a Keystone reference by ID or by name.
type named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// tokenRequest is the body of POST /v3/auth/tokens (password method).
type tokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					named
					Password string `json:"password"`
					Domain   named  `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project *struct {
				named
				Domain named `json:"domain"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// issueToken is POST /v3/auth/tokens: a password login scoped to a project.
// Every wrong part (method, domain, user, password, project) is the same 401.
func (a *API) issueToken(c echo.Context) error {
	var req tokenRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	scope := req.Auth.Scope.Project
	if scope == nil || scope.ID == "" && scope.Name == "" {
		return domain.ErrInvalid("scope", "Scope the token to a project: auth.scope.project.id, or name and domain.")
	}
	ctx := c.Request().Context()
	user := req.Auth.Identity.Password.User
	if !slices.Contains(req.Auth.Identity.Methods, "password") {
		return identity.ErrBadCredentials()
	}
	account, userName, err := a.loginNames(c, user.Domain, user.named)
	if err != nil {
		return err
	}
	p, err := a.id.Authenticate(ctx, account, userName, user.Password, clientAddr(c), "api")
	if err != nil {
		return err
	}
	proj, err := a.scopeProject(c, p, scope.named, scope.Domain)
	if err != nil {
		return err
	}
	secret, tok, err := a.id.IssueToken(ctx, p, proj.ID, a.opts.TokenTTL)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Subject-Token", secret)
	return c.JSON(http.StatusCreated, tokenBody(a.baseURL(c), tok, p, proj))
}

// loginNames turns the user and domain of a login (each by name or ID) into
// the account and user names identity checks. An unknown ID gives names
// that fail the same way a wrong password does, and count as a failure;
// a lookup that failed for another reason (the database) fails the
// request as it is, counting against nobody.
func (a *API) loginNames(c echo.Context, dom, user named) (account, userName string, err error) {
	ctx := c.Request().Context()
	account, userName = dom.Name, user.Name
	if user.ID != "" {
		p, err := a.id.Principal(ctx, user.ID)
		switch {
		case err == nil:
			return p.AccountName, p.UserName, nil
		case !identity.IsNotFound(err):
			return "", "", err
		}
		return account, user.ID, nil
	}
	if account == "" && dom.ID != "" {
		account = dom.ID
		cr, err := a.id.Credentials(ctx, dom.ID)
		switch {
		case err == nil:
			account = cr.AccountName
		case !identity.IsNotFound(err):
			return "", "", err
		}
	}
	return account, userName, nil
}

// scopeProject finds the project a login asks for: by ID, or by name in the
// user's own account (projects of other accounts are never in scope).
func (a *API) scopeProject(c echo.Context, p identity.Principal, proj, dom named) (domain.Project, error) {
	ctx := c.Request().Context()
	var got domain.Project
	var err error
	switch {
	case proj.ID != "":
		got, err = a.id.Project(ctx, p.AccountID, proj.ID)
	case dom.ID == p.AccountID || dom.Name == p.AccountName:
		got, err = a.id.ProjectByName(ctx, p.AccountID, proj.Name)
	default:
		return got, identity.ErrTokenInvalid()
	}
	if identity.IsNotFound(err) {
		return got, identity.ErrTokenInvalid()
	}
	return got, err
}

// showToken is GET (and HEAD) /v3/auth/tokens: a token validates itself or
// another token of the same user.
func (a *API) showToken(c echo.Context, s session) error {
	sub, err := a.subject(c, s)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Subject-Token", c.Request().Header.Get("X-Subject-Token"))
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusOK)
	}
	return c.JSON(http.StatusOK, tokenBody(a.baseURL(c), sub.token, sub.principal, sub.project))
}

// revokeToken is DELETE /v3/auth/tokens.
func (a *API) revokeToken(c echo.Context, s session) error {
	if _, err := a.subject(c, s); err != nil {
		return err
	}
	if err := a.id.RevokeToken(c.Request().Context(), c.Request().Header.Get("X-Subject-Token")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// subject resolves X-Subject-Token: unknown or expired is 404 (Keystone's
// "could not find token"), another user's is 403.
func (a *API) subject(c echo.Context, s session) (session, error) {
	sub, err := a.session(c, c.Request().Header.Get("X-Subject-Token"))
	if domain.KindOf(err) == domain.KindUnauthorized {
		return sub, domain.ErrNotFound("token")
	} else if err != nil {
		return sub, err
	}
	if sub.principal.UserID != s.principal.UserID {
		return sub, domain.Errorf(domain.KindForbidden, codeForbidden, "You can only validate or revoke your own tokens.")
	}
	return sub, nil
}

// identityAdminOnly answers the rest of the identity API (projects, users,
// domains) as Keystone answers a non-admin: 403. Clients such as
// `openstack image add project` then use the project ID as given.
func (a *API) identityAdminOnly(c echo.Context, _ session) error {
	return domain.Errorf(domain.KindForbidden, codeForbidden, "You are not authorized to perform the requested action: identity administration is not offered.")
}

// tokenBody is the Keystone v3 token document, with a catalog that lists
// this server as the image and identity endpoints of the project's region.
func tokenBody(base string, tok domain.Token, p identity.Principal, proj domain.Project) map[string]any {
	dom := map[string]string{"id": p.AccountID, "name": p.AccountName}
	endpoint := func(id, url string) []map[string]string {
		return []map[string]string{{"id": id, "interface": "public", "region": proj.RegionID, "region_id": proj.RegionID, "url": url}}
	}
	return map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"audit_ids":  []string{tok.AuditID},
		"issued_at":  tok.IssuedAt.UTC().Format(keystoneTime),
		"expires_at": tok.ExpiresAt.UTC().Format(keystoneTime),
		"is_domain":  false,
		"user":       map[string]any{"id": p.UserID, "name": p.UserName, "domain": dom, "password_expires_at": nil},
		"project":    map[string]any{"id": proj.ID, "name": proj.Name, "domain": dom},
		"roles":      []map[string]string{{"id": "member", "name": "member"}},
		"catalog": []map[string]any{
			{"type": "image", "name": "glance", "id": "image", "endpoints": endpoint("image-"+proj.RegionID, base)},
			{"type": "identity", "name": "keystone", "id": "identity", "endpoints": endpoint("identity-"+proj.RegionID, base+"/v3")},
		},
	}}
}
