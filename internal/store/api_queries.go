package store

import (
	"cmp"
	"slices"
	"time"

	"gorm.io/gorm"

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
	ProjectID   string
	Own         bool   // the project's own images
	Shared      bool   // images shared with the project
	ShareStatus string // shared images in this status only ("" for any)
	Owner       string // owner project ID ("" for any)
	Name        string // exact name ("" for any)
	Status      string // image status ("" for any)
	SortKey     string // one of the Sort* keys; default created_at
	Asc         bool   // ascending; default descending (newest first)
	After       *ImageCursor
	Limit       int
}

// ListImages returns at most q.Limit images in the query's order (newest
// first unless it says otherwise). Own images have
// an empty ShareStatus. Each half is a keyset query of its own, merged
// here: portable SQL, and each half stays on its index.
func (tx *Tx) ListImages(q ImageListQuery) ([]SharedImage, error) {
	limit := q.Limit
	if limit <= 0 || limit > 1001 {
		limit = 26
	}
	var rows []SharedImage
	if q.Own && (q.Owner == "" || q.Owner == q.ProjectID) {
		var own []domain.Image
		sel := tx.listFilter(tx.db.Model(&domain.Image{}).Where("images.project_id = ?", q.ProjectID), q)
		if err := sel.Limit(limit).Find(&own).Error; err != nil {
			return nil, wrap(err)
		}
		for _, im := range own {
			rows = append(rows, SharedImage{Image: im})
		}
	}
	if q.Shared {
		var shared []SharedImage
		sel := tx.db.Table("images").
			Select("images.*, ps.status AS share_status, ps.shared_at AS shared_at, ps.owner_account_id AS owner_account_id").
			Joins("JOIN project_shares ps ON ps.image_id = images.id AND ps.project_id = ?", q.ProjectID)
		if q.ShareStatus != "" {
			sel = sel.Where("ps.status = ?", q.ShareStatus)
		}
		if q.Owner != "" {
			sel = sel.Where("images.project_id = ?", q.Owner)
		}
		if err := tx.listFilter(sel, q).Limit(limit).Scan(&shared).Error; err != nil {
			return nil, wrap(err)
		}
		rows = append(rows, shared...)
	}
	slices.SortFunc(rows, func(a, b SharedImage) int { return compareImages(a.Image, b.Image, q.SortKey, q.Asc) })
	return rows[:min(len(rows), limit)], nil
}

// listFilter adds the filters, the cursor and the order both halves of
// ListImages share.
func (tx *Tx) listFilter(sel *gorm.DB, q ImageListQuery) *gorm.DB {
	if q.Name != "" {
		sel = sel.Where("images.name = ?", q.Name)
	}
	if q.Status != "" {
		sel = sel.Where("images.status = ?", q.Status)
	}
	col, ok := sortColumns[q.SortKey]
	if !ok {
		q.SortKey, col = SortCreated, sortColumns[SortCreated]
	}
	if q.SortKey == SortName && tx.db.Dialector.Name() == "postgres" {
		// POSTGRES-SPECIFIC: compare names byte by byte, as SQLite and the
		// merge of the two halves (compareImages) do, whatever the locale.
		col += ` COLLATE "C"`
	}
	dir, op := "DESC", "<"
	if q.Asc {
		dir, op = "ASC", ">"
	}
	if q.After != nil {
		v := q.After.value(q.SortKey)
		sel = sel.Where("("+col+" "+op+" ? OR ("+col+" = ? AND images.id "+op+" ?))", v, v, q.After.ID)
	}
	return sel.Order(col + " " + dir + ", images.id " + dir)
}

// AcceptedByImage returns, for each image of the project with accepted
// recipients, its type and their number (what IMS reports as the
// image_member quota in use).
func (tx *Tx) AcceptedByImage(projectID string) ([]ImageAccepted, error) {
	var rows []ImageAccepted
	err := tx.db.Model(&domain.Decision{}).
		Select("decisions.image_id AS image_id, images.type AS type, COUNT(*) AS accepted").
		Joins("JOIN images ON images.id = decisions.image_id").
		Where("images.project_id = ? AND decisions.status = ?", projectID, domain.MemberAccepted).
		Group("decisions.image_id, images.type").Scan(&rows).Error
	return rows, wrap(err)
}

// ImageAccepted is an image's number of accepted recipients.
type ImageAccepted struct {
	ImageID  string
	Type     domain.ImageType
	Accepted int
}
