package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"imageshare/internal/domain"
)

// Grants returns an image's grants, oldest first.
func (tx *Tx) Grants(imageID string) ([]domain.Grant, error) {
	var gs []domain.Grant
	return gs, wrap(tx.db.Where("image_id = ?", imageID).Order("created_at, id").Find(&gs).Error)
}

// GrantsPage returns a window of an image's grants, oldest first.
func (tx *Tx) GrantsPage(imageID string, p Page) ([]domain.Grant, error) {
	var gs []domain.Grant
	return gs, wrap(p.apply(tx.db.Where("image_id = ?", imageID).Order("created_at, id")).Find(&gs).Error)
}

// GrantFor returns the grant of an image to a target; ok is false if none.
func (tx *Tx) GrantFor(imageID, kind, targetID string) (g domain.Grant, ok bool, err error) {
	err = tx.db.Where("image_id = ? AND kind = ? AND target_id = ?", imageID, kind, targetID).Limit(1).Find(&g).Error
	return g, g.ID != "", wrap(err)
}

// CoveringGrants returns the grants of an image that cover any of the
// given projects, the account, or the organization nodes.
func (tx *Tx) CoveringGrants(imageID string, projectIDs []string, accountID string, nodeIDs []string) ([]domain.Grant, error) {
	q := tx.db.Where("kind = ? AND target_id = ?", domain.GrantDomain, accountID)
	if len(projectIDs) > 0 {
		q = q.Or("kind = ? AND target_id IN ?", domain.GrantProject, projectIDs)
	}
	if len(nodeIDs) > 0 {
		q = q.Or("kind = ? AND target_id IN ?", domain.GrantOrganization, nodeIDs)
	}
	var gs []domain.Grant
	return gs, wrap(tx.db.Where("image_id = ?", imageID).Where(q).Find(&gs).Error)
}

// ImagesGrantedTo returns the IDs of images with a grant to any of the
// projects, the account or the nodes, or already shared with the projects.
func (tx *Tx) ImagesGrantedTo(projectIDs []string, accountID string, nodeIDs []string) ([]string, error) {
	targets := append(append([]string{accountID}, projectIDs...), nodeIDs...)
	var ids []string
	if err := tx.db.Model(&domain.Grant{}).Distinct("image_id").Where("target_id IN ?", targets).Pluck("image_id", &ids).Error; err != nil {
		return nil, wrap(err)
	}
	if len(projectIDs) > 0 {
		var shared []string
		if err := tx.db.Model(&domain.ProjectShare{}).Distinct("image_id").Where("project_id IN ?", projectIDs).Pluck("image_id", &shared).Error; err != nil {
			return nil, wrap(err)
		}
		ids = append(ids, shared...)
	}
	return ids, nil
}

// TouchGrant marks a grant as offered again now.
func (tx *Tx) TouchGrant(id string, now time.Time) error {
	return wrap(tx.db.Model(&domain.Grant{}).Where("id = ?", id).Update("updated_at", now).Error)
}

// DeleteGrants removes grants of an image with their decisions.
func (tx *Tx) DeleteGrants(imageID string, grantIDs []string) error {
	if len(grantIDs) == 0 {
		return nil
	}
	if err := tx.db.Where("image_id = ? AND grant_id IN ?", imageID, grantIDs).Delete(&domain.Decision{}).Error; err != nil {
		return wrap(err)
	}
	return wrap(tx.db.Where("image_id = ? AND id IN ?", imageID, grantIDs).Delete(&domain.Grant{}).Error)
}

// Decisions returns the decisions on the given grants.
func (tx *Tx) Decisions(grantIDs []string) ([]domain.Decision, error) {
	var ds []domain.Decision
	if len(grantIDs) == 0 {
		return ds, nil
	}
	return ds, wrap(tx.db.Where("grant_id IN ?", grantIDs).Find(&ds).Error)
}

// PutDecision records (or overwrites) a recipient's decision on a grant.
func (tx *Tx) PutDecision(d domain.Decision) error {
	return wrap(tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "grant_id"}, {Name: "recipient_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "user_id", "updated_at"}),
	}).Create(&d).Error)
}

// ResetRejected deletes the rejected decisions on a grant (making it pending
// again for those recipients, S08) and returns their accounts.
func (tx *Tx) ResetRejected(grantID string) ([]string, error) {
	var accounts []string
	q := tx.db.Model(&domain.Decision{}).Where("grant_id = ? AND status = ?", grantID, domain.MemberRejected)
	if err := q.Pluck("account_id", &accounts).Error; err != nil {
		return nil, wrap(err)
	}
	if len(accounts) == 0 {
		return nil, nil
	}
	return accounts, wrap(tx.db.Where("grant_id = ? AND status = ?", grantID, domain.MemberRejected).Delete(&domain.Decision{}).Error)
}

// SetShare writes the derived status of an image for a project, keeping the
// project's pending counter in step.
func (tx *Tx) SetShare(s domain.ProjectShare) error {
	old, had, err := tx.Share(s.ProjectID, s.ImageID)
	if err != nil {
		return err
	}
	err = tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "project_id"}, {Name: "image_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "shared_at", "updated_at"}),
	}).Create(&s).Error
	if err != nil {
		return wrap(err)
	}
	delta := 0
	if had && old.Status == domain.MemberPending {
		delta--
	}
	if s.Status == domain.MemberPending {
		delta++
	}
	return tx.addPending(s.ProjectID, delta)
}

// addPending moves a project's pending counter by delta.
func (tx *Tx) addPending(projectID string, delta int) error {
	if delta == 0 {
		return nil
	}
	return wrap(tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "project_id"}},
		DoUpdates: clause.Assignments(map[string]any{"pending": gorm.Expr("pending_counters.pending + ?", delta)}),
	}).Create(&domain.PendingCounter{ProjectID: projectID, Pending: delta}).Error)
}

// DeleteShares removes the derived rows of an image for the projects,
// keeping pending counters in step.
func (tx *Tx) DeleteShares(imageID string, projectIDs []string) error {
	if len(projectIDs) == 0 {
		return nil
	}
	return tx.deleteShares(func() *gorm.DB {
		return tx.db.Where("image_id = ? AND project_id IN ?", imageID, projectIDs)
	})
}

// deleteAllShares removes every derived row of an image (it is deleted).
func (tx *Tx) deleteAllShares(imageID string) error {
	return tx.deleteShares(func() *gorm.DB { return tx.db.Where("image_id = ?", imageID) })
}

func (tx *Tx) deleteShares(scope func() *gorm.DB) error {
	var pending []string
	if err := scope().Model(&domain.ProjectShare{}).Where("status = ?", domain.MemberPending).Pluck("project_id", &pending).Error; err != nil {
		return wrap(err)
	}
	if len(pending) > 0 {
		// Every pending row was counted when it became pending, so each of
		// these projects has a counter row to decrement: one statement.
		err := tx.db.Model(&domain.PendingCounter{}).Where("project_id IN ?", pending).
			Update("pending", gorm.Expr("pending - 1")).Error
		if err != nil {
			return wrap(err)
		}
	}
	return wrap(scope().Delete(&domain.ProjectShare{}).Error)
}

// Share returns the derived status of an image for a project; ok is false
// when the image is not shared with it.
func (tx *Tx) Share(projectID, imageID string) (s domain.ProjectShare, ok bool, err error) {
	err = tx.db.Where("project_id = ? AND image_id = ?", projectID, imageID).Limit(1).Find(&s).Error
	return s, s.ProjectID != "", wrap(err)
}

// SharedImage is one row of "Images Shared with Me".
type SharedImage struct {
	domain.Image
	ShareStatus    string
	SharedAt       time.Time
	OwnerAccountID string
}

// SharedImages returns the images shared with a project in a status,
// most recently shared first. Status "" means every status.
func (tx *Tx) SharedImages(projectID, status string, p Page) ([]SharedImage, error) {
	q := tx.db.Table("project_shares").
		Select("images.*, project_shares.status AS share_status, project_shares.shared_at AS shared_at, project_shares.owner_account_id AS owner_account_id").
		Joins("JOIN images ON images.id = project_shares.image_id").
		Where("project_shares.project_id = ?", projectID)
	if status != "" {
		q = q.Where("project_shares.status = ?", status)
	}
	var rows []SharedImage
	err := p.apply(q.Order("project_shares.shared_at DESC, project_shares.image_id")).Scan(&rows).Error
	return rows, wrap(err)
}

// PendingCount is a project's pending counter (the badge).
func (tx *Tx) PendingCount(projectID string) (int, error) {
	var c domain.PendingCounter
	err := tx.db.Where("project_id = ?", projectID).Limit(1).Find(&c).Error
	return c.Pending, wrap(err)
}

// CountShared counts the images shared with a project in a status.
func (tx *Tx) CountShared(projectID, status string) (int, error) {
	var n int64
	err := tx.db.Model(&domain.ProjectShare{}).Where("project_id = ? AND status = ?", projectID, status).Count(&n).Error
	return int(n), wrap(err)
}

// SharedImageIDs returns the IDs of images shared with a project in a status.
func (tx *Tx) SharedImageIDs(projectID, status string) ([]string, error) {
	var ids []string
	err := tx.db.Model(&domain.ProjectShare{}).Where("project_id = ? AND status = ?", projectID, status).Order("image_id").Pluck("image_id", &ids).Error
	return ids, wrap(err)
}
