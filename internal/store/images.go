package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"imageshare/internal/domain"
)

// Page selects a window of a list: Offset rows skipped, at most Limit returned.
type Page struct {
	Offset int
	Limit  int
}

func (p Page) apply(q *gorm.DB) *gorm.DB {
	limit := p.Limit
	// Up to 1,001: a page of the largest size (1,000) plus the row that
	// tells whether another page follows.
	if limit <= 0 || limit > 1001 {
		limit = 50
	}
	return q.Offset(max(p.Offset, 0)).Limit(limit)
}

// Image returns an image by ID with no visibility check: callers scope it.
func (tx *Tx) Image(id string) (domain.Image, error) {
	var im domain.Image
	return im, take(tx.db.Where("id = ?", id), &im, domain.ErrImageNotFound())
}

// LockImage returns an image and holds it against concurrent changes until
// the transaction ends (FOR UPDATE on PostgreSQL; on SQLite every write
// transaction already holds the database's write lock).
func (tx *Tx) LockImage(id string) (domain.Image, error) {
	var im domain.Image
	q := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id)
	return im, take(q, &im, domain.ErrImageNotFound())
}

// LockAccount holds an account row until the transaction ends; quota checks
// (count, then insert) take it first so that they serialize per account.
func (tx *Tx) LockAccount(id string) error {
	var a domain.Account
	q := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id)
	return take(q, &a, domain.ErrNotFound("account").About(id))
}

// ImageFilter narrows the owner's image list.
type ImageFilter struct {
	Name string // substring of the name, case-insensitive
	Type domain.ImageType
}

// OwnImages returns a project's own images, newest first.
func (tx *Tx) OwnImages(projectID string, f ImageFilter, p Page) ([]domain.Image, error) {
	q := tx.db.Where("project_id = ?", projectID)
	if f.Name != "" {
		q = q.Where("LOWER(name) LIKE ? ESCAPE '\\'", "%"+likeEscape(f.Name)+"%")
	}
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	var ims []domain.Image
	return ims, wrap(p.apply(q.Order("created_at DESC, id")).Find(&ims).Error)
}

// likeEscape lowercases s and escapes LIKE's wildcards with a backslash.
func likeEscape(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}

// CountImages counts an account's private images in a region (S11).
func (tx *Tx) CountImages(accountID, regionID string) (int, error) {
	var n int64
	err := tx.db.Model(&domain.Image{}).Where("account_id = ? AND region_id = ?", accountID, regionID).Count(&n).Error
	return int(n), wrap(err)
}

// CountAccepted counts the accepted decisions of an image (S09).
func (tx *Tx) CountAccepted(imageID string) (int, error) {
	var n int64
	err := tx.db.Model(&domain.Decision{}).Where("image_id = ? AND status = ?", imageID, domain.MemberAccepted).Count(&n).Error
	return int(n), wrap(err)
}

// AcceptedCounts maps image IDs to their accepted decision counts.
func (tx *Tx) AcceptedCounts(imageIDs []string) (map[string]int, error) {
	return tx.countBy(&domain.Decision{}, "image_id", imageIDs, "status = ?", domain.MemberAccepted)
}

// GrantCounts maps image IDs to their number of grants.
func (tx *Tx) GrantCounts(imageIDs []string) (map[string]int, error) {
	return tx.countBy(&domain.Grant{}, "image_id", imageIDs, "1 = 1")
}

func (tx *Tx) countBy(model any, col string, ids []string, cond string, args ...any) (map[string]int, error) {
	counts := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return counts, nil
	}
	var rows []struct {
		K string
		N int
	}
	err := tx.db.Model(model).Select(col+" AS k, COUNT(*) AS n").
		Where(col+" IN ?", ids).Where(cond, args...).Group(col).Scan(&rows).Error
	for _, r := range rows {
		counts[r.K] = r.N
	}
	return counts, wrap(err)
}

// CountUnansweredGrants counts an image's grants that no recipient has
// answered yet (the S09 abuse guard).
func (tx *Tx) CountUnansweredGrants(imageID string) (int, error) {
	var n int64
	err := tx.db.Model(&domain.Grant{}).Where("image_id = ?", imageID).
		Where("NOT EXISTS (SELECT 1 FROM decisions WHERE decisions.grant_id = grants.id)").Count(&n).Error
	return int(n), wrap(err)
}

// UpdateImage sets the given columns of an image.
func (tx *Tx) UpdateImage(id string, cols map[string]any) error {
	res := tx.db.Model(&domain.Image{}).Where("id = ?", id).Updates(cols)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrImageNotFound()
	}
	return wrap(res.Error)
}

// DeleteImage removes an image with its grants, decisions and shares.
func (tx *Tx) DeleteImage(id string) error {
	if err := tx.deleteAllShares(id); err != nil {
		return err
	}
	for _, m := range []any{&domain.Decision{}, &domain.Grant{}} {
		if err := tx.db.Where("image_id = ?", id).Delete(m).Error; err != nil {
			return wrap(err)
		}
	}
	res := tx.db.Where("id = ?", id).Delete(&domain.Image{})
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrImageNotFound()
	}
	return wrap(res.Error)
}

// SavingImages returns images in status saving whose save is due by now,
// locked until the transaction ends. On PostgreSQL, FOR UPDATE SKIP LOCKED:
// servers finishing images at once each take different ones.
func (tx *Tx) SavingImages(dueBy time.Time, limit int) ([]domain.Image, error) {
	var ims []domain.Image
	err := tx.db.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).
		Where("status = ? AND ready_at <= ?", domain.StatusSaving, dueBy).Order("ready_at").Limit(limit).Find(&ims).Error
	return ims, wrap(err)
}

// ImageExists reports whether an image exists.
func (tx *Tx) ImageExists(id string) (bool, error) {
	var n int64
	err := tx.db.Model(&domain.Image{}).Where("id = ?", id).Count(&n).Error
	return n > 0, wrap(err)
}
