package web

import (
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"imageshare/internal/i18n"
	"imageshare/internal/sharing"
	"imageshare/views"
)

// The console's lists: keyset pages of a size the user picks, sorted by a
// column the user picks, with their total when the list is not filtered
// (from counters: never a count over the rows).

// pageSizes are the page sizes a user can pick; the first is the default.
var pageSizes = []int{25, 10, 50, 100}

// ListQuery is the paging and sorting part of a list's URL (exported: Echo
// binds the fields of an embedded struct only when it is). Lists are paged
// by keyset: "after" starts the page after a row (Next), "before" ends it
// before one (Previous); both are cursors the previous page gave out.
type ListQuery struct {
	After  string `query:"after"`
	Before string `query:"before"`
	Size   int    `query:"size"`
	Sort   string `query:"sort"`  // "name", or "" for the list's time
	Order  string `query:"order"` // "asc" or "desc", or "" for the column's own
}

// size is the page size asked for, if it is one of pageSizes.
func (q ListQuery) size() int {
	if slices.Contains(pageSizes, q.Size) {
		return q.Size
	}
	return pageSizes[0]
}

// page is the service page the query asks for.
func (q ListQuery) page() (sharing.Page, error) {
	p := sharing.Page{Limit: q.size()}
	var err error
	switch {
	case q.Before != "":
		p.After, err = sharing.ParseCursor("before", q.Before)
		p.Backward = true
	case q.After != "":
		p.After, err = sharing.ParseCursor("after", q.After)
	}
	return p, err
}

// sort is the order the query asks for: names A to Z, times newest first,
// unless order says the other way.
func (q ListQuery) sort() sharing.ListSort {
	s := sharing.ListSort{ByName: q.Sort == "name"}
	s.Reverse = s.ByName && q.Order == "desc" || !s.ByName && q.Order == "asc"
	return s
}

// params are the query's sort and size as URL parameters (defaults left
// out), to keep in every link of the list.
func (q ListQuery) params() []string {
	size := ""
	if q.size() != pageSizes[0] {
		size = strconv.Itoa(q.size())
	}
	s := q.sort()
	sort, order := "", ""
	if s.ByName {
		sort = "name"
	}
	if s.Reverse {
		order = map[bool]string{true: "desc", false: "asc"}[s.ByName]
	}
	return []string{"sort", sort, "order", order, "size", size}
}

// sortColumn is a column a list sorts by: "name", or "" for its time.
type sortColumn struct{ key, label string }

// controls are a list's sortable column headers and page size choices;
// link builds the list's URL with the filters and the given parameters.
func (q ListQuery) controls(c echo.Context, cols []sortColumn, link func(kv ...string) string) views.ListControls {
	cur := q.sort()
	lc := views.ListControls{Size: q.size()}
	for _, col := range cols {
		byName := col.key == "name"
		sl := views.SortLink{Key: col.key, Label: col.label, Active: byName == cur.ByName}
		next := ListQuery{Sort: col.key, Size: q.Size}
		if sl.Active {
			sl.Desc = cur.ByName == cur.Reverse
			next.Order = map[bool]string{true: "asc", false: "desc"}[sl.Desc]
		}
		sl.Href = link(next.params()...)
		lc.Sorts = append(lc.Sorts, sl)
	}
	for _, n := range pageSizes {
		lc.Sizes = append(lc.Sizes, views.Option{Value: strconv.Itoa(n), Label: t(c, "pager.size", n), Selected: n == q.size()})
	}
	lc.Sort, lc.Order = q.params()[1], q.params()[3]
	return lc
}

// pager links a list's first page and the neighbours of the page shown;
// link builds the list's URL with one more parameter (none for "").
func pager(next, prev *sharing.Cursor, link func(param, token string) string) views.Pager {
	var p views.Pager
	if prev != nil {
		p.First, p.Prev = link("", ""), link("before", prev.Token())
	}
	if next != nil {
		p.Next = link("after", next.Token())
	}
	return p
}

// summary says how many rows a list has: its total, or for a filtered list
// what the page found (a search reads a bounded part of the list per page).
func summary(c echo.Context, filtered bool, total, shown int, more bool, noun string) string {
	switch {
	case !filtered:
		return tn(c, noun, total)
	case more:
		return t(c, "pager.filtered.more", i18n.Number(shown))
	}
	return t(c, "pager.filtered", i18n.Number(shown))
}

// listLinks builds a list's links: base with its filters (key/value
// pairs), then more pairs.
type listLinks struct {
	base    string
	filters []string
}

// to is the list's URL with the filters and kv.
func (l listLinks) to(kv ...string) string {
	return views.Query(l.base, append(append([]string{}, l.filters...), kv...)...)
}

// pager links the list's pages, keeping its filters, sort and size.
func (l listLinks) pager(q ListQuery, next, prev *sharing.Cursor) views.Pager {
	return pager(next, prev, func(param, token string) string { return l.to(append(q.params(), param, token)...) })
}
