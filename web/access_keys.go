package web

import (
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/views"
)

// My Credentials → Access Keys: the user's own AK/SK pairs. Every change is
// the identity service's (which audits it); the SK is shown once, in the
// answer to Create, and downloadable only by sending it back.

const consoleChannel = "console"

// accessKeysView is the Access Keys section of My Credentials.
func (h *console) accessKeysView(c echo.Context, pr *views.Problem) (views.AccessKeysView, error) {
	ks, err := h.id.AccessKeys(c.Request().Context(), viewerOf(c).Principal)
	v := views.AccessKeysView{Max: domain.MaxAccessKeysPerUser, CanAdd: len(ks) < domain.MaxAccessKeysPerUser, Problem: pr}
	for _, k := range ks {
		used := t(c, "ak.never")
		if !k.LastUsedAt.IsZero() {
			used = fmtTime(k.LastUsedAt)
		}
		v.Rows = append(v.Rows, views.AccessKeyRow{ID: k.ID, Enabled: k.Enabled, Created: fmtTime(k.CreatedAt), LastUsed: used})
	}
	return v, err
}

// createAccessKey creates a key and shows its SK, this once: the answer is
// the page itself, never a redirect, so the SK is kept nowhere (no session,
// no flash, no URL).
func (h *console) createAccessKey(c echo.Context) error {
	v := viewerOf(c)
	k, sk, err := h.id.CreateAccessKey(c.Request().Context(), v.Principal, consoleChannel)
	if err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderCredentials(c, status, pr)
		})
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	p := h.page(c, t(c, "ak.created"), "credentials")
	return h.render(c, http.StatusOK, p, views.AccessKeyCreatedPage(p, views.AccessKeyCreatedView{UserName: v.UserName, AK: k.ID, SK: sk}))
}

type accessKeyDownload struct {
	AK string `form:"ak"`
	SK string `form:"sk"`
}

// downloadAccessKey answers the one-time SK the user sends back as
// credentials.csv, once the service confirms it is the SK of one of the
// user's keys.
func (h *console) downloadAccessKey(c echo.Context) error {
	var f accessKeyDownload
	if err := c.Bind(&f); err != nil {
		return err
	}
	v := viewerOf(c)
	if err := h.id.CheckSecret(c.Request().Context(), v.Principal, f.AK, f.SK); err != nil {
		return err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"User Name", "Access Key Id", "Secret Access Key"})
	_ = w.Write([]string{v.UserName, f.AK, f.SK})
	w.Flush()
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, `attachment; filename="credentials.csv"`)
	hd.Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
}

type accessKeyEnabledForm struct {
	Enabled bool `form:"enabled"`
}

// setAccessKeyEnabled enables or disables one of the user's keys.
func (h *console) setAccessKeyEnabled(c echo.Context) error {
	var f accessKeyEnabledForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ak := c.Param("ak")
	if err := h.id.SetAccessKeyEnabled(c.Request().Context(), viewerOf(c).Principal, ak, f.Enabled, consoleChannel); err != nil {
		return err
	}
	msg := t(c, "ak.disabled.done", ak)
	if f.Enabled {
		msg = t(c, "ak.enabled.done", ak)
	}
	return h.done(c, h.url("credentials"), msg)
}

// accessKeyDeleteDialog asks to confirm deleting one of the user's keys;
// another user's key is not found.
func (h *console) accessKeyDeleteDialog(c echo.Context) error {
	ak := c.Param("ak")
	ks, err := h.id.AccessKeys(c.Request().Context(), viewerOf(c).Principal)
	if err != nil {
		return err
	}
	for _, k := range ks {
		if k.ID == ak {
			p := h.page(c, t(c, "ak.delete"), "credentials")
			return h.render(c, http.StatusOK, p, views.AccessKeyDeleteDialog(p, views.AccessKeyDeleteView{
				Dialog: dialog("access-key-delete-dialog", p.Title, h.url("credentials")), AK: ak}))
		}
	}
	return domain.ErrNotFound("access key").About(ak)
}

// deleteAccessKey deletes one of the user's keys.
func (h *console) deleteAccessKey(c echo.Context) error {
	ak := c.Param("ak")
	if err := h.id.DeleteAccessKey(c.Request().Context(), viewerOf(c).Principal, ak, consoleChannel); err != nil {
		return err
	}
	return h.done(c, h.url("credentials"), t(c, "ak.deleted.done", ak))
}
