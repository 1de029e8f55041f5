package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// selection is which halves of the image list a query asks for, and of
// the own images, which visibility ("" for any).
type selection struct {
	own, shared bool
	visibility  string
}

func (x selection) and(y selection) selection {
	vis := x.visibility
	if vis == "" {
		vis = y.visibility
	} else if y.visibility != "" && y.visibility != vis {
		return nothing
	}
	return selection{own: x.own && y.own, shared: x.shared && y.shared, visibility: vis}
}

var (
	everything = selection{own: true, shared: true}
	nothing    = selection{}
	// byVisibility reads Glance's visibility filter: shared is the
	// project's own images that are shared (sharing.VisibilityOf) and the
	// images shared with it; private its own other images. There are no
	// public or community images.
	byVisibility = map[string]selection{"": everything, "all": everything,
		"private": {own: true, visibility: domain.VisibilityPrivate}, "shared": {own: true, shared: true, visibility: domain.VisibilityShared},
		"public": nothing, "community": nothing}
	// byImagetype reads IMS's __imagetype filter; there are no public
	// (gold) or marketplace images.
	byImagetype = map[string]selection{"": everything, "private": {own: true}, "shared": {shared: true}, "gold": nothing, "market": nothing}
)

func pick(table map[string]selection, param, value string) (selection, error) {
	sel, ok := table[value]
	if !ok {
		var keys []string
		for k := range table {
			if k != "" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		return sel, domain.ErrInvalid(param, "%s must be one of %s.", param, strings.Join(keys, ", "))
	}
	return sel, nil
}

// imageQuery reads the filters both image lists share. member_status
// applies to shared images and is "accepted" unless given ("all" for any).
func imageQuery(c echo.Context, sel selection) (sharing.ImageQuery, error) {
	status := c.QueryParam("member_status")
	switch status {
	case "":
		status = domain.MemberAccepted
	case "all":
		status = ""
	}
	limit, err := parseLimit(c.QueryParam("limit"), 25)
	if strings.EqualFold(c.QueryParam("os_hidden"), "true") {
		sel = nothing // no image is hidden
	}
	return sharing.ImageQuery{Own: sel.own, Shared: sel.shared, Visibility: sel.visibility, MemberStatus: status, Owner: c.QueryParam("owner"),
		Name: c.QueryParam("name"), Marker: c.QueryParam("marker"), Limit: limit}, err
}

// parseLimit reads a page size: a positive integer, at most 1000.
func parseLimit(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, domain.ErrInvalid("limit", "limit must be a positive integer.")
	}
	return min(n, 1000), nil
}

// imagePage writes a page of images with Glance's "first" and "next" links:
// the request's own query with the marker set to the page's last image.
func (a *API) imagePage(c echo.Context, s session, q sharing.ImageQuery, d imageDialect) error {
	rows, hasMore, err := a.sh.ListImages(c.Request().Context(), s.actor, q)
	if err != nil {
		return err
	}
	return writeImagePage(c, rows, hasMore, d)
}

// writeImagePage writes a page of images with its first and next links.
func writeImagePage(c echo.Context, rows []sharing.ImageView, hasMore bool, d imageDialect) error {
	params := url.Values{}
	for k, v := range c.QueryParams() {
		params[k] = v
	}
	params.Del("marker")
	first := link(c.Path(), params)
	next := ""
	if hasMore {
		params.Set("marker", rows[len(rows)-1].ID)
		next = link(c.Path(), params)
	}
	return jsonOK(c, func(w *jsonw) {
		w.object(func() {
			w.key("images")
			w.array(func() {
				for _, v := range rows {
					writeImage(w, v, d)
				}
			})
			w.str("schema", "/v2/schemas/images")
			w.str("first", first)
			if next != "" {
				w.str("next", next)
			}
		})
	})
}

func link(path string, params url.Values) string {
	if len(params) == 0 {
		return path
	}
	return path + "?" + params.Encode()
}
