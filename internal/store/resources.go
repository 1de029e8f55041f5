package store

import (
	"strconv"
	"time"

	"imageshare/internal/domain"
)

// Server returns a project's server by ID: another project's is not found.
func (tx *Tx) Server(projectID, id string) (domain.Server, error) {
	var s domain.Server
	return s, take(tx.db.Where("project_id = ? AND id = ?", projectID, id), &s, domain.ErrNotFound("server").About(id))
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

// TrailFilter narrows an account's trail.
type TrailFilter struct {
	Action string    // exact action, or ""
	Result string    // success, failure, or ""
	Text   string    // substring of the target, user or detail
	From   time.Time // events at or after it (zero: no bound)
	To     time.Time // events before it (zero: no bound)
}

// Trail returns a page of an account's audit events, newest first
// (idx_audit_time: a time range is a range of the index). Its cursor is
// the event's time and number.
func (tx *Tx) Trail(accountID string, f TrailFilter, p Page) (Window[domain.AuditEvent], error) {
	q := tx.db.Where("account_id = ?", accountID)
	if !f.From.IsZero() {
		q = q.Where("time >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("time < ?", f.To)
	}
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
	order := "time DESC, id DESC"
	if p.Backward {
		order = "time ASC, id ASC"
	}
	if p.After != nil {
		id, err := strconv.ParseInt(p.After.ID, 10, 64)
		if err != nil {
			return Window[domain.AuditEvent]{}, domain.ErrInvalid("cursor", "err.cursor")
		}
		cmp := "<"
		if p.Backward {
			cmp = ">"
		}
		q = q.Where("(time, id) "+cmp+" (?, ?)", p.After.Time, id)
	}
	var es []domain.AuditEvent
	err := q.Order(order).Limit(p.size() + 1).Find(&es).Error
	return window(es, p, func(e domain.AuditEvent) Cursor { return Cursor{Time: e.Time, ID: strconv.FormatInt(e.ID, 10)} }), wrap(err)
}

// Audit appends an event to an account's trail (S25).
func (tx *Tx) Audit(e *domain.AuditEvent) error {
	_, err := tx.exec(`INSERT INTO audit_events (time, account_id, user_id, user_name, project_id, action, target_type, target_id, result, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Time, e.AccountID, e.UserID, e.UserName, e.ProjectID, e.Action, e.TargetType, e.TargetID, e.Result, e.Detail)
	return err
}
