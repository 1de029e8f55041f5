package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/views"
)

// The console session is kept in the database (dbStore): it names the
// user, the region and project they work in, and when it started and was
// last used; the cookie holds only its random secret.
const (
	sessionCookie = "imageshare_session"

	keyUser    = "uid"
	keyRegion  = "region"
	keyProject = "project"
	keyStarted = "started"
	keySeen    = "seen"
	keyFlash   = "flash"

	ctxSession = "web.session"
	ctxViewer  = "web.viewer"
)

// loadSession makes the request's session available to handlers (a new,
// empty one when the cookie is missing, expired, revoked or forged).
func (h *console) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, err := h.store.Get(c.Request(), sessionCookie)
		if err != nil {
			return err
		}
		c.Set(ctxSession, s)
		return next(c)
	}
}

// session is the request's session; nil on routes without one (static
// files, unknown paths).
func session(c echo.Context) *sessions.Session {
	s, _ := c.Get(ctxSession).(*sessions.Session)
	return s
}

func (h *console) saveSession(c echo.Context) error {
	if s := session(c); s != nil {
		return s.Save(c.Request(), c.Response())
	}
	return nil
}

// viewer is who is looking, and where: built from the session on every
// request and checked against the account each time.
type viewer struct {
	identity.Principal
	Region   domain.Region
	Regions  []domain.Region // offered on the account's website
	Project  domain.Project
	Projects []domain.Project // the account's projects in Region
}

// Actor is the viewer as the sharing service knows it.
func (v *viewer) Actor() sharing.Actor {
	// The project was read among the account's own in this request.
	return sharing.Actor{AccountID: v.AccountID, UserID: v.UserID, UserName: v.UserName, ProjectID: v.Project.ID, Project: v.Project}
}

func viewerOf(c echo.Context) *viewer {
	v, _ := c.Get(ctxViewer).(*viewer)
	return v
}

func actor(c echo.Context) sharing.Actor { return viewerOf(c).Actor() }

func unixValue(s *sessions.Session, key string) time.Time {
	n, _ := s.Values[key].(int64)
	return time.Unix(n, 0)
}

// requireLogin lets through requests of a live session, with the viewer
// resolved; others go to the login page.
func (h *console) requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := session(c)
		uid, _ := s.Values[keyUser].(string)
		if uid == "" {
			return h.toLogin(c, "")
		}
		now := h.now()
		if now.Sub(unixValue(s, keyStarted)) > h.opts.SessionLifetime || now.Sub(unixValue(s, keySeen)) > h.opts.IdleTimeout {
			return h.toLogin(c, t(c, "session.expired"))
		}
		region, _ := s.Values[keyRegion].(string)
		project, _ := s.Values[keyProject].(string)
		v, err := h.resolve(c.Request().Context(), uid, region, project)
		if identity.IsNotFound(err) {
			return h.toLogin(c, t(c, "session.user_gone"))
		} else if err != nil {
			return err
		}
		if v.Region.ID != region || v.Project.ID != project || now.Sub(unixValue(s, keySeen)) > time.Minute {
			s.Values[keyRegion], s.Values[keyProject], s.Values[keySeen] = v.Region.ID, v.Project.ID, now.Unix()
			if err := h.saveSession(c); err != nil {
				return err
			}
		}
		c.Set(ctxViewer, v)
		return next(c)
	}
}

// resolve reads the user and checks the region and project a session
// names against its account (identity.Viewer); a disabled or unknown user
// is not found.
func (h *console) resolve(ctx context.Context, userID, regionID, projectID string) (*viewer, error) {
	p, w, err := h.id.Viewer(ctx, userID, regionID, projectID, h.opts.DefaultRegion)
	if err != nil {
		return nil, err
	}
	return &viewer{Principal: p, Region: w.Region, Regions: w.Regions, Project: w.Project, Projects: w.Projects}, nil
}

// toLogin ends the session and sends the browser to the login page, telling
// htmx to navigate rather than swap the login page into a dialog.
func (h *console) toLogin(c echo.Context, msg string) error {
	s := session(c)
	clear(s.Values)
	if msg != "" {
		s.AddFlash("info|"+msg, keyFlash)
	}
	if err := h.saveSession(c); err != nil {
		return err
	}
	login := views.Query(h.url("login"), "next", askedFor(c))
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", login)
		return c.NoContent(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, login)
}

// askedFor is the page a request that met the login page asked for, to go
// to after the login: a page (GET) of this console, or for htmx the page
// it was made from; "" for anything else.
func askedFor(c echo.Context) string {
	r := c.Request()
	var asked string
	switch {
	case isHTMX(c):
		if u, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && u.Path != "" {
			asked = u.RequestURI()
		}
	case r.Method == http.MethodGet:
		asked = r.URL.RequestURI()
	}
	if asked == "/" {
		return ""
	}
	return localPath(asked, "")
}

// startSession renews the session at login: nothing of the session before
// it survives, and the CSRF token is replaced too.
func (h *console) startSession(c echo.Context, p identity.Principal) error {
	s := session(c)
	v, err := h.resolve(c.Request().Context(), p.UserID, "", "")
	if err != nil {
		return err
	}
	if err := h.store.renew(c.Request(), s); err != nil {
		return err
	}
	clear(s.Values)
	now := h.now().Unix()
	s.Values[keyUser], s.Values[keyRegion], s.Values[keyProject] = p.UserID, v.Region.ID, v.Project.ID
	s.Values[keyStarted], s.Values[keySeen] = now, now
	return h.saveSession(c)
}

// endSession logs out: the stored session is deleted, so its cookie is dead
// on every server, and a new anonymous one keeps the goodbye message.
func (h *console) endSession(c echo.Context) error {
	s := session(c)
	if err := h.store.renew(c.Request(), s); err != nil {
		return err
	}
	clear(s.Values)
	s.AddFlash("success|"+t(c, "session.logged_out"), keyFlash)
	return h.saveSession(c)
}

// flash queues a message for the next page the user sees.
func flash(c echo.Context, kind, text string) {
	if s := session(c); s != nil {
		s.AddFlash(kind+"|"+text, keyFlash)
	}
}

// takeFlashes pops the queued messages.
func takeFlashes(c echo.Context) []flashMsg {
	s := session(c)
	if s == nil {
		return nil
	}
	raw := s.Flashes(keyFlash)
	if len(raw) == 0 {
		return nil
	}
	var out []flashMsg
	for _, r := range raw {
		str, _ := r.(string)
		kind, text, ok := strings.Cut(str, "|")
		if ok {
			out = append(out, flashMsg{kind, text})
		}
	}
	_ = s.Save(c.Request(), c.Response())
	return out
}

type flashMsg struct{ kind, text string }
