package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/views"
)

// The red-dot badge and the pending banner follow new shares without a
// reload (S14): the badge polls every 10 seconds. A poll must stay cheap,
// whatever else the console does per request: it reads the session and one
// counter row, checked against the user in the same statement, and answers
// 204 (nothing to swap) while the count is the one the page shows. Only a
// changed count renders the badge again (and the banner, on the page that
// has one, which names the latest images). A poll never keeps a session
// alive: it does not count as use for the idle timeout.

// statusStopPolling tells htmx to stop polling (a session that ended).
const statusStopPolling = 286

type liveQuery struct {
	Known  string `query:"known"`
	Banner string `query:"banner"` // the view whose banner the page shows; "" for none
}

// liveURL is where a page's badge polls: known is the count it shows.
func (h *console) liveURL(known int, banner string) string {
	return views.Query(h.url("pending"), "known", strconv.Itoa(known), "banner", banner)
}

// pendingLive answers the badge's poll.
func (h *console) pendingLive(c echo.Context) error {
	var q liveQuery
	if err := c.Bind(&q); err != nil {
		return err
	}
	s := session(c)
	uid, _ := s.Values[keyUser].(string)
	project, _ := s.Values[keyProject].(string)
	now := h.now()
	if uid == "" || now.Sub(unixValue(s, keyStarted)) > h.opts.SessionLifetime || now.Sub(unixValue(s, keySeen)) > h.opts.IdleTimeout {
		return c.NoContent(statusStopPolling)
	}
	ctx := c.Request().Context()
	n, ok, err := h.sh.PendingForUser(ctx, uid, project)
	switch {
	case err != nil:
		return err
	case !ok:
		return c.NoContent(statusStopPolling)
	case q.Known == strconv.Itoa(n):
		return c.NoContent(http.StatusNoContent)
	}
	p := h.page(c, "", "")
	u := views.User{Pending: n, PendingText: tn(c, "nav.pending", n), LiveURL: h.liveURL(n, q.Banner)}
	v := views.LiveView{User: u}
	if q.Banner == domain.MemberAccepted || q.Banner == domain.MemberPending {
		b, err := h.liveBanner(c, uid, project, q.Banner)
		if err != nil {
			return err
		}
		v.Banner = &b
	}
	return write(c, http.StatusOK, views.LiveFragment(p, v))
}

// liveBanner is the banner of a changed count, with the latest images.
func (h *console) liveBanner(c echo.Context, uid, project, view string) (views.Banner, error) {
	ctx := c.Request().Context()
	pr, err := h.id.Principal(ctx, uid)
	if err != nil {
		return views.Banner{}, err
	}
	a := sharing.Actor{AccountID: pr.AccountID, UserID: pr.UserID, UserName: pr.UserName, ProjectID: project}
	res, err := h.sh.SharedImages(ctx, a, domain.MemberPending, sharing.Page{Limit: sharing.WaitingShown})
	if err != nil {
		return views.Banner{}, err
	}
	return bannerOf(c, view, res.Counts.Pending, res.Waiting), nil
}
