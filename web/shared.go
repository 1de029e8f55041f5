package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/internal/sharing"
	"imageshare/views"
)

type sharedQuery struct {
	View  string `query:"view"`
	Name  string `query:"name"`
	Owner string `query:"owner"`
	Type  string `query:"type"`
	ListQuery
}

// shared is Images Shared with Me: accepted images, or the pending or
// rejected ones (S14).
func (h *console) shared(c echo.Context) error {
	var q sharedQuery
	if err := c.Bind(&q); err != nil {
		return err
	}
	return h.renderShared(c, http.StatusOK, q, nil)
}

func (h *console) renderShared(c echo.Context, status int, q sharedQuery, pr *views.Problem) error {
	switch q.View {
	case domain.MemberPending, domain.MemberRejected:
	default:
		q.View = domain.MemberAccepted
	}
	pg, err := q.page()
	if err != nil {
		return err
	}
	f := sharing.SharedFilter{Name: q.Name, Owner: q.Owner, Type: domain.ImageType(q.Type), Sort: q.sort()}
	res, err := h.sh.SharedList(c.Request().Context(), actor(c), q.View, f, pg)
	if err != nil {
		return err
	}
	links := listLinks{h.url("shared"), []string{"view", viewParamOf(q.View), "name", q.Name, "owner", q.Owner, "type", q.Type}}
	v := views.SharedView{View: q.View, Pending: res.Counts.Pending, Problem: pr,
		Banner: bannerOf(c, q.View, res.Counts.Pending, res.Waiting),
		Name:   q.Name, Owner: q.Owner, Type: q.Type, Filtered: f.Name != "" || f.Owner != "" || f.Type != "",
		Controls: q.controls(c, []sortColumn{{"name", t(c, "col.name")}, {"", t(c, "col.shared")}}, links.to)}
	for _, typ := range domain.ImageTypes {
		v.TypeOptions = append(v.TypeOptions, views.Option{Value: string(typ), Label: typeLabel(c, typ), Selected: string(typ) == q.Type})
	}
	v.Rows = make([]views.SharedRow, len(res.Rows))
	rows := h.rows(c, h.url("shared"))
	for i, r := range res.Rows {
		v.Rows[i] = rows.shared(r)
	}
	v.Pager = links.pager(q.ListQuery, res.Next, res.Prev)
	v.Pager.Summary = summary(c, v.Filtered, res.Counts.Of(q.View), len(res.Rows), res.Next != nil, "count.images")
	p := h.page(c, t(c, "nav.shared"), "shared")
	// The badge shows the count the page read with its rows; when the page
	// has the banner, the poll brings the banner too.
	banner := ""
	if v.Banner.Shown {
		banner = q.View
	}
	h.badge(c, p.User, res.Counts.Pending, banner)
	return h.render(c, status, p, views.SharedPage(p, v))
}

// viewParamOf is the view query parameter: none for the default view.
func viewParamOf(view string) string {
	if view == domain.MemberAccepted {
		return ""
	}
	return view
}

// bannerOf is the pending banner of a view of Images Shared with Me.
func bannerOf(c echo.Context, view string, pending int, waiting []sharing.SharedImage) views.Banner {
	b := views.Banner{Shown: view != domain.MemberRejected, View: view, Pending: pending,
		Text: tn(c, "shared.banner", pending), Waiting: sharedRefs(waiting)}
	if n := pending - len(waiting); n > 0 {
		b.More = t(c, "list.more", i18n.Number(n))
	}
	return b
}

// sharedBack is where a decision returns: the view it was made from.
func (h *console) sharedBack(back string) string {
	return localPath(back, h.url("shared"))
}

type decideForm struct {
	Op     string   `form:"op"`
	Images []string `query:"image" form:"image"`
	All    bool     `query:"all" form:"all"`
	Back   string   `query:"back" form:"back"`
}

// decide handles the list's selection: Reject rejects at once (S13, S15);
// Accept first shows the accept dialog with its trust warning (S22).
func (h *console) decide(c echo.Context) error {
	var f decideForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	if f.Op == "accept" {
		return h.renderAccept(c, http.StatusOK, f, nil)
	}
	return h.renderReject(c, http.StatusOK, f, nil)
}

// renderReject asks to confirm rejecting the selected images.
func (h *console) renderReject(c echo.Context, status int, f decideForm, pr *views.Problem) error {
	v := views.RejectView{Dialog: dialog("reject-dialog", t(c, "reject.title"), h.sharedBack(f.Back)), Problem: pr}
	ims, err := h.sh.SharedWith(c.Request().Context(), actor(c), f.Images)
	if err != nil {
		return err
	}
	v.Images = sharedRefs(ims)
	if len(f.Images) == 0 && v.Problem == nil {
		v.Problem = problemOf(c, domain.ErrInvalid("images", "err.select_image"))
	}
	p := h.page(c, v.Dialog.Title, "shared")
	return h.render(c, status, p, views.RejectDialog(p, v))
}

// sharedRefs names images shared with the viewer with who shares them.
func sharedRefs(ims []sharing.SharedImage) []views.SharedRef {
	out := make([]views.SharedRef, 0, len(ims))
	for _, im := range ims {
		out = append(out, views.SharedRef{ID: im.ID, Name: im.Name, Owner: im.OwnerAccountName})
	}
	return out
}

// reject rejects the selected images (S13, S15), once confirmed.
func (h *console) reject(c echo.Context) error {
	var f decideForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	if err := h.sh.Reject(c.Request().Context(), actor(c), f.Images); err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderReject(c, status, f, pr)
		})
	}
	return h.done(c, h.sharedBack(f.Back), t(c, "reject.done", tn(c, "count.images", len(f.Images))))
}

// acceptAllShown is how many pending images Accept All names.
const acceptAllShown = 50

// acceptDialog asks to confirm accepting the selected images, or all
// pending ones, with the S22 warning.
func (h *console) acceptDialog(c echo.Context) error {
	var f decideForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	return h.renderAccept(c, http.StatusOK, f, nil)
}

func (h *console) renderAccept(c echo.Context, status int, f decideForm, pr *views.Problem) error {
	ctx, a := c.Request().Context(), actor(c)
	v := views.AcceptView{Dialog: dialog("accept-dialog", t(c, "accept.title"), h.sharedBack(f.Back)), All: f.All, Problem: pr}
	if f.All {
		// Accept All names what it accepts and who shares it (S22: accept
		// only from accounts you trust).
		res, err := h.sh.SharedImages(ctx, a, domain.MemberPending, sharing.Page{Limit: acceptAllShown})
		if err != nil {
			return err
		}
		n := res.Counts.Pending
		v.Count, v.CountText, v.Images = n, tn(c, "accept.all", n), sharedRefs(res.Rows)
		if more := n - len(res.Rows); more > 0 {
			v.More = t(c, "list.more", i18n.Number(more))
		}
	} else {
		ims, err := h.sh.SharedWith(ctx, a, f.Images)
		if err != nil {
			return err
		}
		v.Images = sharedRefs(ims)
	}
	if !f.All && len(f.Images) == 0 && v.Problem == nil {
		v.Problem = problemOf(c, domain.ErrInvalid("images", "err.select_images_to_accept"))
	}
	p := h.page(c, t(c, "accept.title"), "shared")
	return h.render(c, status, p, views.AcceptDialog(p, v))
}

// accept accepts the selected images (S13, S09's limit).
func (h *console) accept(c echo.Context) error {
	var f decideForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	if err := h.sh.Accept(c.Request().Context(), actor(c), f.Images); err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderAccept(c, status, f, pr)
		})
	}
	return h.done(c, h.url("shared"), t(c, "accept.done", tn(c, "count.images", len(f.Images))))
}

// acceptAll accepts every pending image (S14's Accept All).
func (h *console) acceptAll(c echo.Context) error {
	n, err := h.sh.AcceptAll(c.Request().Context(), actor(c))
	if err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderAccept(c, status, decideForm{All: true}, pr)
		})
	}
	return h.done(c, h.url("shared"), t(c, "accept.done", tn(c, "count.images", n)))
}
