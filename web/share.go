package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/views"
)

type shareForm struct {
	Images     []string `query:"image" form:"image"`
	Tab        string   `query:"tab"`
	Back       string   `query:"back" form:"back"`
	Recipients string   `form:"recipients"`
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
			&views.Problem{Code: domain.CodeInvalid, Message: "Select at least one image to share.", Subject: "images"})
	}
	return h.renderShare(c, http.StatusOK, f, nil)
}

func (h *console) renderShare(c echo.Context, status int, f shareForm, pr *views.Problem) error {
	ctx, a := c.Request().Context(), actor(c)
	v := views.ShareView{
		Dialog: dialog("share-dialog", "Share Image", localPath(f.Back, h.url("images"))),
		Tab:    f.Tab, Max: h.sh.Limits().MaxRecipients, Problem: pr,
		// The box keeps what was typed, up to the most a submission takes.
		Recipients: domain.Clip(f.Recipients, sharing.RecipientsTextLimit(h.sh.Limits().MaxRecipients)),
	}
	if len(f.Images) != 1 {
		v.Tab = ""
	}
	for _, id := range f.Images {
		iv, err := h.sh.ImageWithCounts(ctx, a, id)
		if err != nil {
			return err
		}
		v.Images = append(v.Images, views.ImageRef{ID: iv.ID, Name: iv.Name})
		v.Owned = iv.Owned
		switch {
		case v.Tab == "stop" && !iv.Owned:
			v.Refusal = problemOf(iv.Refusal(sharing.ActionStopSharing))
		case v.Tab == "stop":
			rs, err := h.sh.Recipients(ctx, a, iv.ID, sharing.Page{Limit: sharing.MaxPage})
			if err != nil {
				return err
			}
			v.Current = recipientRows(rs.Rows)
		case v.Refusal == nil:
			v.Refusal = shareProblem(iv.Name, iv.Offers)
		}
	}
	p := h.page(c, "Share Image", "images")
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
	recipients, err := sharing.ParseRecipients(f.Recipients, h.sh.Limits().MaxRecipients)
	if err != nil {
		return h.refused(c, err, nil, rerender)
	}
	items, err := h.sh.Share(c.Request().Context(), actor(c), f.Images, recipients)
	if err != nil {
		return h.refused(c, err, recipients, rerender)
	}
	return h.done(c, localPath(f.Back, h.url("images")), shareSummary(items, len(f.Images)))
}

// shareSummary says what a share did (S08: repeats are not errors).
func shareSummary(items []sharing.ShareItem, images int) string {
	count := map[sharing.Outcome]int{}
	for _, it := range items {
		count[it.Outcome]++
	}
	msg := fmt.Sprintf("Shared %d image(s): %d recipient(s) added", images, count[sharing.Added])
	if n := count[sharing.Reoffered]; n > 0 {
		msg += fmt.Sprintf(", %d offered again after rejecting", n)
	}
	if n := count[sharing.Unchanged]; n > 0 {
		msg += fmt.Sprintf(", %d already had it", n)
	}
	return msg + ". Recipients see the image under Images Shared with Me once they accept it."
}

type stopForm struct {
	Members []string `form:"member"`
	All     bool     `form:"all"`
	Back    string   `form:"back"`
}

// stopSharing removes selected recipients, or all of them (S21).
func (h *console) stopSharing(c echo.Context) error {
	var f stopForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx, a, id := c.Request().Context(), actor(c), c.Param("id")
	var err error
	if f.All {
		err = h.sh.StopSharingAll(ctx, a, id)
	} else {
		err = h.sh.StopSharing(ctx, a, id, f.Members)
	}
	if err != nil {
		return h.refused(c, err, f.Members, func(status int, pr *views.Problem) error {
			return h.renderShare(c, status, shareForm{Images: []string{id}, Tab: "stop", Back: f.Back}, pr)
		})
	}
	msg := fmt.Sprintf("Stopped sharing with %d recipient(s). They can no longer use the image.", len(f.Members))
	if f.All {
		msg = "Stopped sharing with all recipients. They can no longer use the image."
	}
	return h.done(c, localPath(f.Back, h.url("images")), msg)
}
