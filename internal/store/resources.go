package store

import (
	"imageshare/internal/domain"
)

// Server returns a project's server by ID: another project's is not found.
func (tx *Tx) Server(projectID, id string) (domain.Server, error) {
	var s domain.Server
	return s, take(tx.db.Where("project_id = ? AND id = ?", projectID, id), &s, domain.ErrNotFound("server").About(id))
}

// Servers returns a project's servers, newest first.
func (tx *Tx) Servers(projectID string, p Page) ([]domain.Server, error) {
	var ss []domain.Server
	return ss, wrap(p.apply(tx.db.Where("project_id = ?", projectID).Order("created_at DESC, id")).Find(&ss).Error)
}

// UpdateServer sets the given columns of a project's server.
func (tx *Tx) UpdateServer(projectID, id string, cols map[string]any) error {
	res := tx.db.Model(&domain.Server{}).Where("project_id = ? AND id = ?", projectID, id).Updates(cols)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrNotFound("server").About(id)
	}
	return wrap(res.Error)
}

// Disk returns a project's disk by ID: another project's is not found.
func (tx *Tx) Disk(projectID, id string) (domain.Disk, error) {
	var d domain.Disk
	return d, take(tx.db.Where("project_id = ? AND id = ?", projectID, id), &d, domain.ErrNotFound("disk").About(id))
}

// Disks returns a project's disks, newest first.
func (tx *Tx) Disks(projectID string, p Page) ([]domain.Disk, error) {
	var ds []domain.Disk
	return ds, wrap(p.apply(tx.db.Where("project_id = ?", projectID).Order("created_at DESC, id")).Find(&ds).Error)
}

// TrailFilter narrows an account's trail.
type TrailFilter struct {
	Action string // exact action, or ""
	Result string // success, failure, or ""
	Text   string // substring of the target, user or detail
}

// Trail returns an account's audit events, newest first.
func (tx *Tx) Trail(accountID string, f TrailFilter, p Page) ([]domain.AuditEvent, error) {
	q := tx.db.Where("account_id = ?", accountID)
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Result != "" {
		q = q.Where("result = ?", f.Result)
	}
	if f.Text != "" {
		like := "%" + likeEscape(f.Text) + "%"
		q = q.Where("(LOWER(target_id) LIKE ? ESCAPE '\\' OR LOWER(user_name) LIKE ? ESCAPE '\\' OR LOWER(detail) LIKE ? ESCAPE '\\')", like, like, like)
	}
	var es []domain.AuditEvent
	return es, wrap(p.apply(q.Order("id DESC")).Find(&es).Error)
}
