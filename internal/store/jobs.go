package store

import (
	"imageshare/internal/domain"
)

// Job returns a project's job by ID: another project's is not found.
func (tx *Tx) Job(projectID, id string) (domain.Job, error) {
	var j domain.Job
	return j, take(tx.db.Where("project_id = ? AND id = ?", projectID, id), &j, domain.ErrNotFound("job").About(id))
}

// UpdateJob sets the given columns of a job.
func (tx *Tx) UpdateJob(id string, cols map[string]any) error {
	res := tx.db.Model(&domain.Job{}).Where("id = ?", id).Updates(cols)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrNotFound("job").About(id)
	}
	return wrap(res.Error)
}
