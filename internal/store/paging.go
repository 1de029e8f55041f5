package store

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"imageshare/internal/domain"
)

// Lists are paged by keyset, never by offset: a page starts right after the
// last row of the one before (its Cursor), so that page 4,000 costs what
// page 1 does, and rows inserted meanwhile neither repeat nor go missing.
// Every list is ordered by a time (or a number) and then by the row's ID,
// in an index that ends in both.

// MaxPage is the most rows one page holds.
const MaxPage = 1000

// Cursor is a position in a list: the sort key and ID of a row. The key
// is Time for lists by time, Name for lists by name.
type Cursor struct {
	Time time.Time
	Name string
	ID   string
}

// Page selects a window of a list: at most Limit rows (1 to MaxPage;
// default 50) following After in the list's order, or, when Backward, the
// rows just before it (for a "Previous" link), still returned in the
// list's order.
type Page struct {
	Limit    int
	After    *Cursor
	Backward bool
}

// size is the page's number of rows.
func (p Page) size() int {
	switch {
	case p.Limit <= 0:
		return 50
	case p.Limit > MaxPage:
		return MaxPage
	}
	return p.Limit
}

// Window is a page of rows with the cursors of its neighbours: Next starts
// the page after it (nil when it is the last), Prev the page before it (read
// Backward; nil when it is the first).
type Window[T any] struct {
	Rows []T
	Next *Cursor
	Prev *Cursor
}

// Counted is a page of a console list with the counters shown around it
// (a total, a quota, a badge). OneStatement is whether one statement read
// them all, which is consistent by itself, in or out of a transaction.
type Counted[T, C any] struct {
	Window[T]
	Counts       C
	OneStatement bool
}

// countedPage reads a page and its counters. Unfiltered, counted reads
// both in one statement (each row carries the counters), and a page with
// rows needs nothing else. Otherwise (a filter, an empty page) plain reads
// the page and counts the counters, two statements that only a Read makes
// agree: outside a transaction the counters of an empty page are not read
// at all, for the caller has to read the page again in a Read anyway.
func countedPage[T, C any](tx *Tx, filtered bool, counted func(*C) (Window[T], error), plain func() (Window[T], error), counts func() (C, error)) (Counted[T, C], error) {
	var page Counted[T, C]
	var err error
	if !filtered {
		page.Window, err = counted(&page.Counts)
		if err != nil || len(page.Rows) > 0 || !tx.inTransaction() {
			page.OneStatement = err == nil && len(page.Rows) > 0
			return page, err
		}
	} else if page.Window, err = plain(); err != nil {
		return page, err
	}
	page.Counts, err = counts()
	return page, err
}

// window trims the size()+1 rows a query read to the page, in list order,
// and sets the neighbours' cursors; key is a row's position in the list.
func window[T any](rows []T, p Page, key func(T) Cursor) Window[T] {
	n := p.size()
	more := len(rows) > n // rows follow in the direction read
	if more {
		rows = rows[:n]
	}
	after, before := more, p.After != nil
	if p.Backward {
		slices.Reverse(rows)
		after, before = p.After != nil, more
	}
	w := Window[T]{Rows: rows}
	if len(rows) > 0 {
		if after {
			c := key(rows[len(rows)-1])
			w.Next = &c
		}
		if before {
			c := key(rows[0])
			w.Prev = &c
		}
	}
	return w
}

// keyset returns the SQL that selects a page: the condition on the sort
// columns (timeCol, idCol) to append to the WHERE clause, and the ORDER BY
// with its LIMIT, for a list that runs newest first (desc) or oldest
// first; args go after the query's own, in that order. The page reads one
// row more than it shows, to tell whether another page follows.
func keyset(p Page, timeCol, idCol string, desc bool) (cond, order string, args []any) {
	return keysetOn(p, timeCol, idCol, desc, func(c *Cursor) any { return c.Time })
}

// keysetOn is keyset for a list ordered by col, whose value in a cursor
// value reads.
func keysetOn(p Page, col, idCol string, desc bool, value func(*Cursor) any) (cond, order string, args []any) {
	dir, cmp := "ASC", ">"
	if desc != p.Backward { // the order the query reads in
		dir, cmp = "DESC", "<"
	}
	if p.After != nil {
		cond = " AND (" + col + ", " + idCol + ") " + cmp + " (?, ?)"
		args = []any{value(p.After), p.After.ID}
	}
	// The LIMIT is written into the statement, not bound: a plan PostgreSQL
	// makes once for a prepared statement (its generic plan) then knows
	// it, where for an unknown LIMIT it may sort a project's every row to
	// return 26 (see README: plan_cache_mode).
	order = " ORDER BY " + col + " " + dir + ", " + idCol + " " + dir + limitClause(p.size()+1)
	return cond, order, args
}

// Token is the cursor as an opaque string for URLs and API markers: a
// time cursor as its nanoseconds in base 36, a name cursor as "~" and the
// name, then a NUL and the ID.
func (c Cursor) Token() string {
	if c.Name != "" {
		return base64.URLEncoding.EncodeToString([]byte("~" + c.Name + "\x00" + c.ID))
	}
	return base64.URLEncoding.EncodeToString([]byte(strconv.FormatInt(c.Time.UnixNano(), 36) + "." + c.ID))
}

// ParseCursor reads a Token; field names the input in the error.
func ParseCursor(field, token string) (*Cursor, error) {
	if token == "" {
		return nil, nil
	}
	bad := domain.ErrInvalid(field, "err.paging_token", field)
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "="))
	if err != nil {
		return nil, bad
	}
	if name, ok := strings.CutPrefix(string(b), "~"); ok {
		name, id, ok := strings.Cut(name, "\x00")
		if !ok || name == "" || id == "" || len(id) > 64 || len(name) > 512 || !utf8.ValidString(name) {
			return nil, bad
		}
		return &Cursor{Name: name, ID: id}, nil
	}
	ts, id, ok := strings.Cut(string(b), ".")
	n, perr := strconv.ParseInt(ts, 36, 64)
	if !ok || perr != nil || id == "" || len(id) > 64 {
		return nil, bad
	}
	return &Cursor{Time: time.Unix(0, n).UTC(), ID: id}, nil
}

// limitClause is a LIMIT of n rows, written as a number (keysetOn).
func limitClause(n int) string { return " LIMIT " + strconv.Itoa(n) }
