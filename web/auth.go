package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/views"
)

type loginForm struct {
	Account  string `form:"account"`
	User     string `form:"user"`
	Password string `form:"password"`
	Next     string `query:"next" form:"next"`
}

// next is where a login goes: the page the user asked for when the login
// page came in its way, if it is a path of this console.
func (h *console) next(f loginForm) string {
	return localPath(f.Next, h.url("images"))
}

func (h *console) loginPage(c echo.Context) error {
	var f loginForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	if uid, _ := session(c).Values[keyUser].(string); uid != "" {
		return c.Redirect(http.StatusSeeOther, h.next(f))
	}
	pg := h.page(c, t(c, "login.title"), "")
	return h.render(c, http.StatusOK, pg, views.LoginPage(pg, views.LoginView{Next: localPath(f.Next, "")}))
}

// login checks the credentials (throttled, and recorded either way, by the
// identity service) and starts a new session.
func (h *console) login(c echo.Context) error {
	var f loginForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	p, err := h.id.Authenticate(c.Request().Context(), f.Account, f.User, f.Password, c.RealIP(), "console")
	if err != nil {
		e := domain.AsError(err)
		if e.Kind == domain.KindInternal {
			return err
		}
		pg := h.page(c, t(c, "login.title"), "")
		// The form keeps what was typed, but never more than a valid name.
		return h.render(c, statusOf(e), pg, views.LoginPage(pg, views.LoginView{Account: domain.Clip(f.Account, 64), User: domain.Clip(f.User, 64),
			Next: localPath(f.Next, ""), Problem: problemOf(c, e)}))
	}
	if err := h.startSession(c, p); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.next(f))
}

func (h *console) logout(c echo.Context) error {
	v := viewerOf(c)
	h.id.Record(c.Request().Context(), v.Principal, domain.ActLogout, domain.ResultSuccess, "console from "+c.RealIP())
	if err := h.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.url("login"))
}

func (h *console) home(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, h.url("images"))
}

type contextForm struct {
	Region  string `form:"region"`
	Project string `form:"project"`
	Back    string `form:"back"`
}

// switchContext changes the region or project the user works in (S14: the
// badge and lists follow it). A new region starts in its default project.
func (h *console) switchContext(c echo.Context) error {
	var f contextForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	v := viewerOf(c)
	project := f.Project
	if f.Region != v.Region.ID {
		project = ""
	} else if _, err := h.id.Project(c.Request().Context(), v.AccountID, project); err != nil {
		return err
	}
	nv, err := h.resolve(c.Request().Context(), v.UserID, f.Region, project)
	if err != nil {
		return err
	}
	s := session(c)
	s.Values[keyRegion], s.Values[keyProject] = nv.Region.ID, nv.Project.ID
	if err := h.saveSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, localPath(f.Back, h.url("images")))
}

func (h *console) credentials(c echo.Context) error {
	return h.renderCredentials(c, http.StatusOK, nil)
}

// renderCredentials is My Credentials, with a refusal of an access key
// action when pr is set.
func (h *console) renderCredentials(c echo.Context, status int, pr *views.Problem) error {
	v := viewerOf(c)
	cr, err := h.id.Credentials(c.Request().Context(), v.AccountID)
	if err != nil {
		return err
	}
	cv := views.CredentialsView{AccountName: cr.AccountName, AccountID: cr.AccountID, Site: labelOf(c, "site."+cr.Site, cr.Site),
		UserName: v.UserName, Orgs: orgNodes(c, cr.Orgs, nil)}
	for _, p := range cr.Projects {
		cv.Projects = append(cv.Projects, views.ProjectCredential{RegionID: p.RegionID, RegionName: p.RegionName, Name: p.Name, ID: p.ProjectID, Current: p.ProjectID == v.Project.ID})
	}
	if cv.AccessKeys, err = h.accessKeysView(c, pr); err != nil {
		return err
	}
	pg := h.page(c, t(c, "nav.credentials"), "credentials")
	return h.render(c, status, pg, views.CredentialsPage(pg, cv))
}
