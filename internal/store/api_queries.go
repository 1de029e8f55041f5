package store

import (
	"cmp"
	"slices"
	"time"

	"imageshare/internal/domain"
)

// ImageCursor is a position in the API image lists, which run newest first
// (created_at, then id, both descending): rows strictly after it follow.
type ImageCursor struct {
	CreatedAt time.Time
	ID        string
}

// ImageListQuery selects a project's own images, the images shared with it,
// or both, for the API lists.
type ImageListQuery struct {
	ProjectID   string
	Own         bool   // the project's own images
	Shared      bool   // images shared with the project
	ShareStatus string // shared images in this status only ("" for any)
	Owner       string // owner project ID ("" for any)
	Name        string // exact name ("" for any)
	After       *ImageCursor
	Limit       int // 1 to MaxPage
}

// ListImages returns a page of q's images, newest first, and whether more
// follow. Own images have an empty ShareStatus. Each half is a keyset query
// on an index of its own (own: idx_image_owned or, by name, idx_image_name;
// shared: idx_share_created or idx_share_created_all, or by name
// idx_image_name), merged here.
func (tx *Tx) ListImages(q ImageListQuery) ([]SharedImage, bool, error) {
	limit := Page{Limit: q.Limit}.size()
	var rows []SharedImage
	var after []any
	cursor := ""
	if q.After != nil {
		after = []any{q.After.CreatedAt, q.After.ID}
		cursor = " AND (images.created_at, images.id) < (?, ?)"
	}
	const order = " ORDER BY images.created_at DESC, images.id DESC LIMIT ?"
	if q.Own && (q.Owner == "" || q.Owner == q.ProjectID) {
		query := `SELECT ` + ownRow + ` FROM images
			JOIN accounts ON accounts.id = images.account_id WHERE images.project_id = ?`
		args := []any{q.ProjectID}
		if q.Name != "" {
			query += ` AND images.name = ?`
			args = append(args, q.Name)
		}
		own, err := tx.sharedImages(query+cursor+order, append(append(args, after...), limit+1)...)
		if err != nil {
			return nil, false, err
		}
		rows = append(rows, own...)
	}
	if q.Shared {
		var query string
		args := []any{q.ProjectID}
		if q.Name != "" {
			// Few images have one name: walk them by name (idx_image_name)
			// and keep those shared with the project.
			query = `SELECT ` + sharedRow + ` FROM images
				JOIN project_shares ps ON ps.project_id = ? AND ps.image_id = images.id
				JOIN accounts ON accounts.id = images.account_id
				WHERE images.name = ?` + cursor
			args = append(append(args, q.Name), after...)
		} else {
			// Walk the project's shares newest image first; the image's
			// creation time is copied into the share for this.
			query = `SELECT ` + sharedRow + ` FROM project_shares ps
				JOIN images ON images.id = ps.image_id
				JOIN accounts ON accounts.id = images.account_id
				WHERE ps.project_id = ?`
			if q.ShareStatus != "" {
				query += ` AND ps.status = ?`
				args = append(args, q.ShareStatus)
			}
			if q.After != nil {
				query += ` AND (ps.image_created_at, ps.image_id) < (?, ?)`
				args = append(args, after...)
			}
		}
		if q.Name != "" && q.ShareStatus != "" {
			query += ` AND ps.status = ?`
			args = append(args, q.ShareStatus)
		}
		if q.Owner != "" {
			query += ` AND images.project_id = ?`
			args = append(args, q.Owner)
		}
		if q.Name != "" {
			query += order
		} else {
			query += " ORDER BY ps.image_created_at DESC, ps.image_id DESC LIMIT ?"
		}
		shared, err := tx.sharedImages(query, append(args, limit+1)...)
		if err != nil {
			return nil, false, err
		}
		rows = append(rows, shared...)
	}
	slices.SortFunc(rows, func(a, b SharedImage) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if len(rows) > limit {
		return rows[:limit], true, nil
	}
	return rows, false, nil
}

// MostAccepted returns the largest number of accepted recipients any image
// of the project has (what IMS reports as the image_member quota in use).
func (tx *Tx) MostAccepted(projectID string) (int, error) {
	return tx.scalar(`SELECT COUNT(*) FROM decisions JOIN images ON images.id = decisions.image_id
		WHERE images.project_id = ? AND decisions.status = ? GROUP BY decisions.image_id ORDER BY COUNT(*) DESC LIMIT 1`,
		projectID, domain.MemberAccepted)
}
