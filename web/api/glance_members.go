package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// listMembers is GET /v2/images/{id}/members: Glance lists them all, so
// every page of them is read.
func (a *API) listMembers(c echo.Context, s session) error {
	var all []sharing.Recipient
	for p := (sharing.Page{Limit: sharing.MaxPage}); ; {
		w, err := a.sh.Members(c.Request().Context(), s.actor, c.Param("id"), p)
		if err != nil {
			return err
		}
		all = append(all, w.Rows...)
		if w.Next == nil {
			break
		}
		p.After = w.Next
	}
	return jsonOK(c, func(w *jsonw) { w.object(func() { writeMembers(w, c.Param("id"), all) }) })
}

// addMember is POST /v2/images/{id}/members {"member": ID}: 200 with the
// new member; 409 when it is one already (Glance; the console and IMS treat
// that as success, S08); 413 when the image has its most accepted
// recipients (S09).
func (a *API) addMember(c echo.Context, s session) error {
	var body struct {
		Member string `json:"member"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	member := strings.TrimSpace(body.Member)
	if member == "" || strings.ContainsAny(member, ",; \t\n") {
		return domain.ErrInvalid("member", "Give one member: a project ID, an account ID or an organization URN.")
	}
	ms, err := sharing.ParseRecipients(member, 1)
	if err != nil {
		return err
	}
	id := c.Param("id")
	r, err := a.sh.AddMember(c.Request().Context(), s.actor, id, ms[0])
	if err != nil {
		return err
	}
	return memberJSON(c, id, r)
}

// showMember is GET /v2/images/{id}/members/{member}.
func (a *API) showMember(c echo.Context, s session) error {
	r, err := a.sh.Recipient(c.Request().Context(), s.actor, c.Param("id"), c.Param("member"))
	if err != nil {
		return err
	}
	return memberJSON(c, c.Param("id"), r)
}

// updateMember is PUT /v2/images/{id}/members/{member} {"status": …}: the
// recipient accepts or rejects (S13); the owner is refused with 403.
func (a *API) updateMember(c echo.Context, s session) error {
	var body struct {
		Status string `json:"status"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	r, err := a.sh.SetMemberStatus(c.Request().Context(), s.actor, c.Param("id"), c.Param("member"), body.Status)
	if err != nil {
		return err
	}
	return memberJSON(c, c.Param("id"), r)
}

// decision is the service call for a member status.
func (a *API) decision(status string) (func(context.Context, sharing.Actor, []string) error, error) {
	switch status {
	case domain.MemberAccepted:
		return a.sh.Accept, nil
	case domain.MemberRejected:
		return a.sh.Reject, nil
	}
	return nil, domain.ErrInvalid("status", "The status must be accepted or rejected.")
}

// removeMember is DELETE /v2/images/{id}/members/{member} (S21): 204.
func (a *API) removeMember(c echo.Context, s session) error {
	if err := a.sh.StopSharing(c.Request().Context(), s.actor, c.Param("id"), []string{c.Param("member")}); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
