package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/internal/sharing"
	"imageshare/views"
)

type shareForm struct {
	Images     []string `query:"image" form:"image"`
	Tab        string   `query:"tab"`
	Back       string   `query:"back" form:"back"`
	Recipients string   `form:"recipients"`
	Orgs       []string `form:"org"` // URNs picked in the organization tree
}

// recipientsText is what the owner named: the box and the picked URNs.
func (f shareForm) recipientsText() string {
	return strings.TrimSpace(f.Recipients + "\n" + strings.Join(f.Orgs, "\n"))
}

// shareDialog is the Share Image dialog for one image (/images/:id/share,
// with its Stop Sharing tab) or for the images selected in the list.
func (h *console) shareDialog(c echo.Context) error {
	var f shareForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	if id := c.Param("id"); id != "" {
		f.Images = []string{id}
	}
	if len(f.Images) == 0 {
		return h.renderImages(c, http.StatusUnprocessableEntity, imagesQuery{},
			problemOf(c, domain.ErrInvalid("images", "err.select_images_to_share")))
	}
	return h.renderShare(c, http.StatusOK, f, nil)
}

func (h *console) renderShare(c echo.Context, status int, f shareForm, pr *views.Problem) error {
	ctx, a := c.Request().Context(), actor(c)
	v := views.ShareView{
		Dialog: dialog("share-dialog", t(c, "share.title"), localPath(f.Back, h.url("images"))),
		Tab:    f.Tab, Max: h.sh.Limits().MaxRecipients, Problem: pr,
		// The box keeps what was typed, up to the most a submission takes.
		Recipients: domain.Clip(f.Recipients, sharing.RecipientsTextLimit(h.sh.Limits().MaxRecipients)),
	}
	if len(f.Images) != 1 {
		v.Tab = ""
	}
	ivs, err := h.sh.ImagesWithCounts(ctx, a, f.Images)
	if err != nil {
		return err
	}
	for _, iv := range ivs {
		v.Images = append(v.Images, views.ImageRef{ID: iv.ID, Name: iv.Name})
		v.Owned = iv.Owned
		switch {
		case v.Tab == "stop" && !iv.Owned:
			v.Refusal = problemOf(c, iv.Refusal(sharing.ActionStopSharing))
		case v.Tab == "stop":
			rs, err := h.sh.Recipients(ctx, a, iv.ID, sharing.Page{Limit: sharing.MaxPage})
			if err != nil {
				return err
			}
			v.Current = recipientRows(c, rs.Rows)
		case v.Refusal == nil:
			v.Refusal = shareProblem(c, iv.Name, iv.Offers)
		}
	}
	if v.Owned && v.Refusal == nil && v.Tab != "stop" {
		orgs, err := h.sh.OrgTargets(ctx, a)
		if err != nil {
			return err
		}
		v.Orgs = orgNodes(c, orgs, f.Orgs)
	}
	p := h.page(c, t(c, "share.title"), "images")
	return h.render(c, status, p, views.ShareDialog(p, v))
}

// share grants the typed recipients access to the selected images, all or
// nothing (S05–S09).
func (h *console) share(c echo.Context) error {
	var f shareForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	rerender := func(status int, pr *views.Problem) error { return h.renderShare(c, status, f, pr) }
	recipients, err := sharing.ParseRecipients(f.recipientsText(), h.sh.Limits().MaxRecipients)
	if err != nil {
		return h.refused(c, err, nil, rerender)
	}
	items, err := h.sh.Share(c.Request().Context(), actor(c), f.Images, recipients)
	if err != nil {
		return h.refused(c, err, recipients, rerender)
	}
	return h.done(c, localPath(f.Back, h.url("images")), shareSummary(c, items, len(f.Images)))
}

// shareSummary says what a share did (S08: repeats are not errors).
func shareSummary(c echo.Context, items []sharing.ShareItem, images int) string {
	count := map[sharing.Outcome]int{}
	for _, it := range items {
		count[it.Outcome]++
	}
	msg := t(c, "share.done", tn(c, "count.images", images), tn(c, "count.recipients", count[sharing.Added]))
	if n := count[sharing.Reoffered]; n > 0 {
		msg += t(c, "share.done.reoffered", n)
	}
	if n := count[sharing.Unchanged]; n > 0 {
		msg += t(c, "share.done.unchanged", n)
	}
	return msg + t(c, "share.done.end")
}

type stopForm struct {
	Members   []string `form:"member"`
	All       bool     `form:"all"`
	Back      string   `form:"back"`
	Confirmed bool     `form:"confirmed"`
}

// stopConfirmShown is how many recipients a confirmation lists.
const stopConfirmShown = 50

// stopSharing removes selected recipients, or all of them (S21), once the
// user has confirmed it: a submission without confirmed asks first.
func (h *console) stopSharing(c echo.Context) error {
	var f stopForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx, a, id := c.Request().Context(), actor(c), c.Param("id")
	rerender := func(status int, pr *views.Problem) error {
		return h.renderShare(c, status, shareForm{Images: []string{id}, Tab: "stop", Back: f.Back}, pr)
	}
	if !f.Confirmed {
		img, rs, err := h.sh.StopSharingPreview(ctx, a, id, f.Members, f.All)
		if err != nil {
			return h.refused(c, err, f.Members, rerender)
		}
		v := views.StopConfirmView{Dialog: dialog("stop-confirm-dialog", t(c, "action.stop_sharing"), localPath(f.Back, h.url("images"))),
			Image: views.ImageRef{ID: img.ID, Name: img.Name}, All: f.All, Members: f.Members}
		if len(rs) > stopConfirmShown {
			v.More = t(c, "list.more", i18n.Number(len(rs)-stopConfirmShown))
			rs = rs[:stopConfirmShown]
		}
		v.Recipients = recipientRows(c, rs)
		p := h.page(c, v.Dialog.Title, "images")
		return h.render(c, http.StatusOK, p, views.StopConfirmDialog(p, v))
	}
	var err error
	if f.All {
		err = h.sh.StopSharingAll(ctx, a, id)
	} else {
		err = h.sh.StopSharing(ctx, a, id, f.Members)
	}
	if err != nil {
		return h.refused(c, err, f.Members, rerender)
	}
	msg := t(c, "stop.done", tn(c, "count.recipients", len(f.Members)))
	if f.All {
		msg = t(c, "stop.done.all")
	}
	return h.done(c, localPath(f.Back, h.url("images")), msg)
}
