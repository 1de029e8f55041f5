package store

import (
	"database/sql"
	"slices"
	"strings"

	"imageshare/internal/domain"
)

// The console's lists sort by their time or by name, each order walking an
// index that ends in the row's ID (keyset paging). A filter no index serves
// (a text search, a type among a recipient's images) reads the list in its
// order and keeps what matches, reading at most scanBudget rows per page:
// a page that found too few matches within the budget ends there, and its
// Next resumes the search where it stopped.

// scanBudget is the most rows a filtered page reads (a variable for tests).
var scanBudget = 2000

// ListSort orders a console list.
type ListSort struct {
	ByName  bool // by name, A to Z; else by its time, newest first
	Reverse bool // the other way round
}

// desc reports whether the list runs in descending order.
func (s ListSort) desc() bool { return s.ByName == s.Reverse }

// keysetSort is keyset for a list sorted by s: timeCol or nameCol, then idCol.
func keysetSort(p Page, s ListSort, timeCol, nameCol, idCol string) (cond, order string, args []any) {
	if s.ByName {
		return keysetOn(p, nameCol, idCol, s.desc(), func(c *Cursor) any { return c.Name })
	}
	return keyset(p, timeCol, idCol, s.desc())
}

// sortKey is a row's cursor in a list sorted by s.
func sortKey(s ListSort, c Cursor) Cursor {
	if s.ByName {
		return Cursor{Name: c.Name, ID: c.ID}
	}
	return Cursor{Time: c.Time, ID: c.ID}
}

// budget replaces the LIMIT of keyset's ORDER BY with scanBudget.
func budget(order string) string {
	return order[:strings.LastIndex(order, " LIMIT ")] + limitClause(scanBudget)
}

// contains reports whether s contains sub, ignoring case ("" matches all).
func contains(s, sub string) bool {
	return sub == "" || strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// filteredWindow pages the rows a filtered query read (at most scanBudget,
// in the order it read them: the list's, or reversed when Backward)
// through match. When the budget ran out before the page filled, the
// cursor past the page (Next, or Prev when Backward) resumes the search
// after the last row read.
func filteredWindow[T any](read []T, p Page, key func(T) Cursor, match func(T) bool) Window[T] {
	n := p.size()
	var kept []T
	for _, r := range read {
		if match(r) {
			kept = append(kept, r)
		}
	}
	more := len(kept) > n
	if more {
		kept = kept[:n]
	}
	var onward *Cursor // where reading on in this direction starts
	switch {
	case more:
		c := key(kept[len(kept)-1])
		onward = &c
	case len(read) >= scanBudget:
		c := key(read[len(read)-1])
		onward = &c
	}
	var back *Cursor // where reading the other way starts
	if p.After != nil {
		back = p.After
		if len(kept) > 0 {
			c := key(kept[0])
			back = &c
		}
	}
	w := Window[T]{Rows: kept, Next: onward, Prev: back}
	if p.Backward {
		slices.Reverse(w.Rows)
		w.Next, w.Prev = back, onward
	}
	return w
}

// SharedFilter narrows and orders Images Shared with Me.
type SharedFilter struct {
	Name  string // substring of the image's name
	Owner string // substring of the owner account's name
	Type  domain.ImageType
	Sort  ListSort // by shared time (default) or by name
}

func (f SharedFilter) filtered() bool { return f.Name != "" || f.Owner != "" || f.Type != "" }

// SharedList returns a page of the images shared with a project in a
// status, most recently shared first (idx_share_shared) or by name
// (idx_share_name), filtered as f says.
func (tx *Tx) SharedList(projectID, status string, f SharedFilter, p Page) (Window[SharedImage], error) {
	return tx.sharedList(projectID, status, f, p, nil)
}

// sharedFrom is where Images Shared with Me come from: a project's shares
// in a status (its arguments), their images and owners.
const sharedFrom = ` FROM project_shares ps
		JOIN images ON images.id = ps.image_id
		JOIN accounts ON accounts.id = images.account_id
		WHERE ps.project_id = ? AND ps.status = ?`

// sharedList is SharedList; unfiltered and with counters, each row carries
// the project's counters too (sharedPageRow), read into counters.
func (tx *Tx) sharedList(projectID, status string, f SharedFilter, p Page, counters *ShareCounts) (Window[SharedImage], error) {
	cond, order, args := keysetSort(p, f.Sort, "ps.shared_at", "ps.image_name", "ps.image_id")
	key := func(s SharedImage) Cursor { return sortKey(f.Sort, Cursor{Time: s.SharedAt, Name: s.Name, ID: s.ID}) }
	from := sharedFrom + cond
	if !f.filtered() {
		if counters != nil { // the select list's arguments come first
			args = append([]any{projectID, projectID, projectID, projectID, status}, args...)
			rows, err := tx.sharedImagesCounted(p.size()+1, counters, `SELECT `+tx.sel(sharedPageRow)+from+order, args...)
			return window(rows, p, key), err
		}
		args = append([]any{projectID, status}, args...)
		rows, err := tx.sharedImages(p.size()+1, `SELECT `+tx.sel(sharedRow)+from+order, args...)
		return window(rows, p, key), err
	}
	q := `SELECT ` + tx.sel(sharedRow) + from
	args = append([]any{projectID, status}, args...)
	rows, err := tx.sharedImages(p.size()+1, q+budget(order), args...)
	return filteredWindow(rows, p, key, func(s SharedImage) bool {
		return contains(s.Name, f.Name) && contains(s.OwnerAccountName, f.Owner) && (f.Type == "" || s.Type == f.Type)
	}), err
}

// ResourceFilter narrows and orders servers and disks.
type ResourceFilter struct {
	Name string   // substring of the name
	Sort ListSort // newest first (default) or by name
}

// Servers returns a page of a project's servers, newest first
// (idx_server_project) or by name (idx_server_name).
func (tx *Tx) Servers(projectID string, f ResourceFilter, p Page) (Window[domain.Server], error) {
	cond, order, args := keysetSort(p, f.Sort, "created_at", "name", "id")
	key := func(s domain.Server) Cursor {
		return sortKey(f.Sort, Cursor{Time: s.CreatedAt, Name: s.Name, ID: s.ID})
	}
	var ss []domain.Server
	if f.Name == "" {
		err := tx.db.Raw(`SELECT * FROM servers WHERE project_id = ?`+cond+order, append([]any{projectID}, args...)...).Scan(&ss).Error
		return window(ss, p, key), wrap(err)
	}
	err := tx.db.Raw(`SELECT * FROM servers WHERE project_id = ?`+cond+budget(order), append([]any{projectID}, args...)...).Scan(&ss).Error
	return filteredWindow(ss, p, key, func(s domain.Server) bool { return contains(s.Name, f.Name) }), wrap(err)
}

// Disks returns a page of a project's disks, newest first
// (idx_disk_project) or by name (idx_disk_name).
func (tx *Tx) Disks(projectID string, f ResourceFilter, p Page) (Window[domain.Disk], error) {
	cond, order, args := keysetSort(p, f.Sort, "created_at", "name", "id")
	key := func(d domain.Disk) Cursor { return sortKey(f.Sort, Cursor{Time: d.CreatedAt, Name: d.Name, ID: d.ID}) }
	var ds []domain.Disk
	if f.Name == "" {
		err := tx.db.Raw(`SELECT * FROM disks WHERE project_id = ?`+cond+order, append([]any{projectID}, args...)...).Scan(&ds).Error
		return window(ds, p, key), wrap(err)
	}
	err := tx.db.Raw(`SELECT * FROM disks WHERE project_id = ?`+cond+budget(order), append([]any{projectID}, args...)...).Scan(&ds).Error
	return filteredWindow(ds, p, key, func(d domain.Disk) bool { return contains(d.Name, f.Name) }), wrap(err)
}

// CountProjectRows counts a project's images, servers and disks: what
// ProjectCounts must always equal (checks, repairs).
func (tx *Tx) CountProjectRows(projectID string) (domain.ProjectCount, error) {
	c := domain.ProjectCount{ProjectID: projectID}
	_, err := tx.row(func(r *sql.Rows) error { return r.Scan(&c.Images, &c.Servers, &c.Disks) },
		`SELECT (SELECT COUNT(*) FROM images WHERE project_id = ?), (SELECT COUNT(*) FROM servers WHERE project_id = ?),
			(SELECT COUNT(*) FROM disks WHERE project_id = ?)`, projectID, projectID, projectID)
	return c, err
}
