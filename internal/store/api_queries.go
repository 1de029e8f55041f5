package store

import (
	"cmp"
	"slices"
	"time"

	"gorm.io/gorm"

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
	Limit       int
}

// ListImages returns at most q.Limit images, newest first. Own images have
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
		sel := listFilter(tx.db.Model(&domain.Image{}).Where("images.project_id = ?", q.ProjectID), q)
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
		if err := listFilter(sel, q).Limit(limit).Scan(&shared).Error; err != nil {
			return nil, wrap(err)
		}
		rows = append(rows, shared...)
	}
	slices.SortFunc(rows, func(a, b SharedImage) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return rows[:min(len(rows), limit)], nil
}

// listFilter adds the name filter, the cursor and the order both halves of
// ListImages share.
func listFilter(sel *gorm.DB, q ImageListQuery) *gorm.DB {
	if q.Name != "" {
		sel = sel.Where("images.name = ?", q.Name)
	}
	if q.After != nil {
		sel = sel.Where("(images.created_at < ? OR (images.created_at = ? AND images.id < ?))", q.After.CreatedAt, q.After.CreatedAt, q.After.ID)
	}
	return sel.Order("images.created_at DESC, images.id DESC")
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
