package store

import (
	"cmp"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"imageshare/internal/domain"
)

// ImageCursor is a position in the API image lists: the sort column's
// value and the ID of the last row of a page; rows strictly after it follow.
type ImageCursor struct {
	CreatedAt time.Time
	ID        string
	Name      string
	Status    string
	SizeGB    int
}

// Image sort keys of the API lists (IMS's sort_key); every order ends with
// the image ID, in the same direction, so that it is total.
const (
	SortCreated = "created_at"
	SortName    = "name"
	SortStatus  = "status"
	SortSize    = "size"
	SortID      = "id"
)

// sortColumns maps sort keys to columns.
var sortColumns = map[string]string{
	SortCreated: "images.created_at", SortName: "images.name", SortStatus: "images.status",
	SortSize: "images.size_gb", SortID: "images.id",
}

// value is the cursor's value of the sort key's column.
func (c ImageCursor) value(key string) any {
	switch key {
	case SortName:
		return c.Name
	case SortStatus:
		return c.Status
	case SortSize:
		return c.SizeGB
	case SortID:
		return c.ID
	}
	return c.CreatedAt
}

// compareImages orders two images as the list's SQL does.
func compareImages(a, b domain.Image, key string, asc bool) int {
	var c int
	switch key {
	case SortName:
		c = cmp.Compare(a.Name, b.Name)
	case SortStatus:
		c = cmp.Compare(a.Status, b.Status)
	case SortSize:
		c = cmp.Compare(a.SizeGB, b.SizeGB)
	case SortID:
	default:
		c = a.CreatedAt.Compare(b.CreatedAt)
	}
	if c == 0 {
		c = cmp.Compare(a.ID, b.ID)
	}
	if !asc {
		c = -c
	}
	return c
}

// ImageListQuery selects a project's own images, the images shared with it,
// or both, for the API lists.
type ImageListQuery struct {
	ProjectID string
	Own       bool // the project's own images
	// OwnVisibility keeps only own images of that visibility ("" for any):
	// shared when registered so or when it has members, private otherwise.
	OwnVisibility string
	Shared        bool   // images shared with the project
	ShareStatus   string // shared images in this status only ("" for any)
	Owner         string // owner project ID ("" for any)
	Name          string // exact name ("" for any)
	Status        string // image status ("" for any)
	SortKey       string // one of the Sort* keys; default created_at
	Asc           bool   // ascending; default descending (newest first)
	After         *ImageCursor
	Limit         int // 1 to MaxPage
}

// ListImages returns a page of q's images in the query's order (newest
// first unless it says otherwise) and whether more follow. Own images have
// an empty ShareStatus. Each half is a keyset query of its own, merged here.
// Newest first, each half walks one index: own images idx_image_owned, by
// name idx_image_name; shared images idx_share_created (one status) or
// idx_share_created_all, by name idx_image_name. Other orders sort the
// half's rows.
func (tx *Tx) ListImages(q ImageListQuery) ([]SharedImage, bool, error) {
	limit := Page{Limit: q.Limit}.size()
	if _, ok := sortColumns[q.SortKey]; !ok {
		q.SortKey = SortCreated
	}
	col := sortColumns[q.SortKey]
	if q.SortKey == SortName && tx.s.dialect == "postgres" {
		// POSTGRES-SPECIFIC: compare names byte by byte, as SQLite and the
		// merge of the two halves (compareImages) do, whatever the locale.
		col += ` COLLATE "C"`
	}
	dir, op := "DESC", "<"
	if q.Asc {
		dir, op = "ASC", ">"
	}
	// The statement is written into one buffer: its select lists are
	// kilobytes long, and adding to a string copies all of it each time
	// (a tenth of a list request's CPU went to that).
	var b strings.Builder
	var args []any
	b.Grow(2*len(tx.sel(sharedRow)) + 1024)
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	// imageKeyset is the cursor and order on the images table's columns.
	imageKeyset := func() {
		if q.After != nil {
			w(" AND (", col, ", images.id) ", op, " (?, ?)")
			args = append(args, q.After.value(q.SortKey), q.After.ID)
		}
		w(" ORDER BY ", col, " ", dir, ", images.id ", dir, limitClause(limit+1))
	}
	filters := func() {
		if q.Status != "" {
			w(` AND images.status = ?`)
			args = append(args, q.Status)
		}
	}
	// Each half is one statement; both at once are one UNION ALL of the
	// two (one round trip), and the rows are merged here.
	own := q.Own && (q.Owner == "" || q.Owner == q.ProjectID)
	both := own && q.Shared
	halves := 0
	half := func(write func()) {
		if halves > 0 {
			w(" UNION ALL ")
		}
		if both {
			w("SELECT * FROM (")
		}
		write()
		if both {
			w(") AS half", strconv.Itoa(halves))
		}
		halves++
	}
	if own {
		half(func() {
			w(`SELECT `, tx.sel(ownRow), ` FROM images JOIN accounts ON accounts.id = images.account_id WHERE images.project_id = ?`)
			args = append(args, q.ProjectID)
			if q.Name != "" {
				w(` AND images.name = ?`)
				args = append(args, q.Name)
			}
			// The owner's images are few (S11's quota): probing each one's
			// grants (idx_grant_image) is cheap.
			switch q.OwnVisibility {
			case domain.VisibilityShared:
				w(` AND (images.visibility = ? OR `, hasGrants, `)`)
				args = append(args, domain.VisibilityShared)
			case domain.VisibilityPrivate:
				w(` AND COALESCE(images.visibility, '') <> ? AND NOT `, hasGrants)
				args = append(args, domain.VisibilityShared)
			}
			filters()
			imageKeyset()
		})
	}
	if q.Shared {
		half(func() {
			args = append(args, q.ProjectID)
			newestFirst := q.SortKey == SortCreated && !q.Asc && q.Name == ""
			if newestFirst {
				// Walk the project's shares newest image first; the image's
				// creation time is copied into the share for this.
				w(`SELECT `, tx.sel(sharedRow), ` FROM project_shares ps
				JOIN images ON images.id = ps.image_id
				JOIN accounts ON accounts.id = images.account_id
				WHERE ps.project_id = ?`)
			} else {
				// By name, walk the few images of that name (idx_image_name) and
				// keep those shared with the project.
				w(`SELECT `, tx.sel(sharedRow), ` FROM images
				JOIN project_shares ps ON ps.project_id = ? AND ps.image_id = images.id
				JOIN accounts ON accounts.id = images.account_id
				WHERE 1 = 1`)
				if q.Name != "" {
					w(` AND images.name = ?`)
					args = append(args, q.Name)
				}
			}
			if q.ShareStatus != "" {
				w(` AND ps.status = ?`)
				args = append(args, q.ShareStatus)
			}
			if q.Owner != "" {
				w(` AND images.project_id = ?`)
				args = append(args, q.Owner)
			}
			filters()
			if !newestFirst {
				imageKeyset()
				return
			}
			if q.After != nil {
				w(` AND (ps.image_created_at, ps.image_id) < (?, ?)`)
				args = append(args, q.After.CreatedAt, q.After.ID)
			}
			w(` ORDER BY ps.image_created_at DESC, ps.image_id DESC`, limitClause(limit+1))
		})
	}
	var rows []SharedImage
	if halves > 0 {
		var err error
		if rows, err = tx.sharedImages(halves*(limit+1), b.String(), args...); err != nil {
			return nil, false, err
		}
	}
	slices.SortFunc(rows, func(a, b SharedImage) int { return compareImages(a.Image, b.Image, q.SortKey, q.Asc) })
	if len(rows) > limit {
		return rows[:limit], true, nil
	}
	return rows, false, nil
}

// ImageAccepted is an image's number of accepted recipients.
type ImageAccepted struct {
	ImageID  string
	Type     domain.ImageType
	Accepted int
}

// acceptedRow is an image's ID, type and number of accepted recipients.
var acceptedRow = pack(key("decisions.image_id"), key("images.type"), val("COUNT(*)"))

// AcceptedByImage returns, for each image of the project with accepted
// recipients, its type and their number (what IMS reports as the
// image_member quota in use).
func (tx *Tx) AcceptedByImage(projectID string) ([]ImageAccepted, error) {
	var rows []ImageAccepted
	err := tx.rows(func(r *sql.Rows) error {
		u, err := tx.unpack(r, acceptedRow)
		if err != nil {
			return err
		}
		rows = append(rows, ImageAccepted{ImageID: u.str(), Type: domain.ImageType(u.str()), Accepted: u.int()})
		return u.err
	}, `SELECT `+tx.sel(acceptedRow)+` FROM decisions
		JOIN images ON images.id = decisions.image_id
		WHERE images.project_id = ? AND decisions.status = ?
		GROUP BY decisions.image_id, images.type`, projectID, domain.MemberAccepted)
	return rows, err
}
