package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/views"
)

type imagesQuery struct {
	Name string `query:"name"`
	Type string `query:"type"`
	ListQuery
}

// images is the Private Images tab.
func (h *console) images(c echo.Context) error {
	var q imagesQuery
	if err := c.Bind(&q); err != nil {
		return err
	}
	return h.renderImages(c, http.StatusOK, q, nil)
}

func (h *console) renderImages(c echo.Context, status int, q imagesQuery, pr *views.Problem) error {
	pg, err := q.page()
	if err != nil {
		return err
	}
	res, err := h.sh.OwnImages(c.Request().Context(), actor(c), sharing.ImageFilter{Name: q.Name, Type: domain.ImageType(q.Type), Sort: q.sort()}, pg)
	if err != nil {
		return err
	}
	vw := viewerOf(c)
	links := listLinks{h.url("images"), []string{"name", q.Name, "type", q.Type}}
	v := views.ImagesView{Name: q.Name, Type: q.Type, QuotaUsed: res.Quota.Used, QuotaLimit: res.Quota.Limit, Problem: pr,
		QuotaAccount: vw.AccountName, QuotaRegion: vw.Region.Name,
		Controls: q.controls(c, []sortColumn{{"name", t(c, "col.name")}, {"", t(c, "col.created")}}, links.to)}
	for _, typ := range domain.ImageTypes {
		v.TypeOptions = append(v.TypeOptions, views.Option{Value: string(typ), Label: typeLabel(c, typ), Selected: string(typ) == q.Type})
	}
	v.Rows = make([]views.ImageRow, len(res.Rows))
	rows := h.rows(c, h.url("images"))
	for i, r := range res.Rows {
		v.Rows[i] = rows.own(r)
	}
	v.Pager = links.pager(q.ListQuery, res.Next, res.Prev)
	v.Pager.Summary = summary(c, q.Name != "" || q.Type != "", res.Total, len(res.Rows), res.Next != nil, "count.images")
	p := h.page(c, t(c, "nav.images"), "images")
	h.badge(c, p.User, res.Pending, "") // read with the rows
	return h.render(c, status, p, views.ImagesPage(p, v))
}

// imageRow is one row of Private Images, which polls it while saving.
func (h *console) imageRow(c echo.Context) error {
	r, err := h.sh.OwnImage(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return write(c, http.StatusOK, views.ImageTableRow(h.page(c, "", ""), h.rows(c, h.url("images")).own(r)))
}

// imageDetail shows an image's attributes and, to its owner, its recipients.
func (h *console) imageDetail(c echo.Context) error {
	return h.renderImageDetail(c, http.StatusOK, nil)
}

func (h *console) renderImageDetail(c echo.Context, status int, pr *views.Problem) error {
	ctx, a := c.Request().Context(), actor(c)
	iv, err := h.sh.ImageWithCounts(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	back := h.url("image", iv.ID)
	v := views.ImageDetail{Owned: iv.Owned, OwnerAccount: iv.OwnerAccountName, ShareStatus: statusLabel(c, iv.ShareStatus),
		Origin: originText(c, iv.Image), Updated: fmtTime(iv.UpdatedAt), Problem: pr, Formats: formats(iv.Image),
		Row: h.rows(c, back).image(iv.Image, iv.Accepted, iv.AcceptedLimit, iv.Recipients, iv.Offers)}
	if iv.HasData() {
		v.DataSize, v.Checksum, v.SHA512 = tn(c, "count.bytes", int(iv.SizeBytes)), iv.Checksum, iv.HashValue
	}
	if iv.Owned {
		// The recipients, oldest first, a page at a time.
		var q ListQuery
		if err := c.Bind(&q); err != nil {
			return err
		}
		pg, err := q.page()
		if err != nil {
			return err
		}
		rs, err := h.sh.Recipients(ctx, a, iv.ID, pg)
		if err != nil {
			return err
		}
		v.Recipients = recipientRows(c, rs.Rows)
		v.RecipientsPager = listLinks{base: back}.pager(q, rs.Next, rs.Prev)
		v.RecipientsPager.Summary = tn(c, "count.recipients", iv.Recipients)
		share, _ := iv.Offers.Of(sharing.ActionShare)
		v.AddTenant = actionView(c, "recipients", share, views.Query(h.url("image.share", iv.ID), "back", back))
		v.AddTenant.Label, v.AddTenant.Class = t(c, "recipients.add"), "btn add-tenant"
	}
	tab := "images"
	if !iv.Owned {
		tab = "shared"
	}
	p := h.page(c, iv.Name, tab)
	return h.render(c, status, p, views.ImageDetailPage(p, v))
}

// formats is an image's disk and container formats, as shown ("" when it
// has none).
func formats(im domain.Image) string {
	switch {
	case im.DiskFormat != "" && im.ContainerFormat != "":
		return im.DiskFormat + " (" + im.ContainerFormat + ")"
	}
	return im.DiskFormat
}
