package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// members returns a page of an image's members as the caller may see them:
// all of them for the owner, only its own membership for a recipient
// (Glance's rule), "not found" for anyone else (S01).
func (a *API) members(ctx context.Context, s session, imageID string, p sharing.Page) ([]sharing.Recipient, bool, error) {
	v, err := a.sh.Image(ctx, s.actor, imageID)
	if err != nil {
		return nil, false, err
	}
	if !v.Owned {
		r, err := a.sh.Recipient(ctx, s.actor, imageID, s.project.ID)
		return []sharing.Recipient{r}, false, err
	}
	return a.sh.Recipients(ctx, s.actor, imageID, p)
}

// listMembers is GET /v2/images/{id}/members: Glance lists them all.
func (a *API) listMembers(c echo.Context, s session) error {
	var all []sharing.Recipient
	for p := (sharing.Page{Limit: 1000}); ; p.Offset += p.Limit {
		rows, more, err := a.members(c.Request().Context(), s, c.Param("id"), p)
		if err != nil {
			return err
		}
		if all = append(all, rows...); !more {
			break
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"members": membersBody(c.Param("id"), all), "schema": "/v2/schemas/members"})
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
	ctx, id := c.Request().Context(), c.Param("id")
	v, err := a.sh.Image(ctx, s.actor, id)
	if err != nil {
		return err
	}
	if v.Owned {
		if _, err := a.sh.Recipient(ctx, s.actor, id, ms[0]); err == nil {
			return errDuplicateMember(ms[0])
		} else if domain.KindOf(err) != domain.KindNotFound {
			return err
		}
	}
	items, err := a.sh.Share(ctx, s.actor, []string{id}, ms)
	if err != nil {
		return err
	}
	if items[0].Outcome != sharing.Added {
		return errDuplicateMember(ms[0])
	}
	r, err := a.sh.Recipient(ctx, s.actor, id, items[0].MemberID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, memberBody(id, r))
}

func errDuplicateMember(m string) error {
	return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "%s is already a member of this image.", m).About(m)
}

// showMember is GET /v2/images/{id}/members/{member}.
func (a *API) showMember(c echo.Context, s session) error {
	r, err := a.sh.Recipient(c.Request().Context(), s.actor, c.Param("id"), c.Param("member"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, memberBody(c.Param("id"), r))
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
	decide, err := a.decision(body.Status)
	if err != nil {
		return err
	}
	ctx, id, member := c.Request().Context(), c.Param("id"), c.Param("member")
	if _, err := a.sh.Recipient(ctx, s.actor, id, member); err != nil {
		return err
	}
	if err := decide(ctx, s.actor, []string{id}); err != nil {
		return err
	}
	r, err := a.sh.Recipient(ctx, s.actor, id, member)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, memberBody(id, r))
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
