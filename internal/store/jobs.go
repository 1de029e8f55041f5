package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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

// ClaimJob takes the oldest member job that waits for a worker (INIT) or
// whose worker stopped renewing its lease (RUNNING, lease run out), for
// worker until leaseUntil; ok is false when there is none. On PostgreSQL
// the row is locked FOR UPDATE SKIP LOCKED, so that servers claiming at
// once take different jobs; on SQLite the write transaction serializes
// them.
func (tx *Tx) ClaimJob(now time.Time, worker string, leaseUntil time.Time) (j domain.Job, ok bool, err error) {
	locked := func() *gorm.DB {
		return tx.db.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).Limit(1)
	}
	// A job whose worker stopped first (it waited longest), by lease
	// (idx_job_lease); else the oldest waiting one (idx_job_queue).
	err = locked().Where("status = ? AND image_id = '' AND lease_until < ?", domain.JobRunning, now).Order("lease_until").Find(&j).Error
	if err == nil && j.ID == "" {
		err = locked().Where("status = ? AND image_id = ''", domain.JobInit).Order("created_at, id").Find(&j).Error
	}
	if err != nil || j.ID == "" {
		return j, false, wrap(err)
	}
	cols := map[string]any{"status": domain.JobRunning, "worker": worker, "lease_until": leaseUntil, "attempts": j.Attempts + 1}
	if j.BeginTime.IsZero() {
		cols["begin_time"] = now
	}
	if err := tx.UpdateJob(j.ID, cols); err != nil {
		return j, false, err
	}
	j.Status, j.Worker, j.LeaseUntil, j.Attempts = domain.JobRunning, worker, leaseUntil, j.Attempts+1
	return j, true, nil
}

// RenewJobLease extends a running job's lease while worker still holds it;
// ok is false when the job was taken over or finished meanwhile.
func (tx *Tx) RenewJobLease(id, worker string, leaseUntil time.Time) (ok bool, err error) {
	res := tx.db.Model(&domain.Job{}).Where("id = ? AND worker = ? AND status = ?", id, worker, domain.JobRunning).
		Update("lease_until", leaseUntil)
	return res.RowsAffected > 0, wrap(res.Error)
}

// FinishClaimedJob records a job's outcome if worker still holds it; ok is
// false when another worker took it over (its outcome wins).
func (tx *Tx) FinishClaimedJob(id, worker string, cols map[string]any) (ok bool, err error) {
	res := tx.db.Model(&domain.Job{}).Where("id = ? AND worker = ? AND status = ?", id, worker, domain.JobRunning).Updates(cols)
	return res.RowsAffected > 0, wrap(res.Error)
}

// DeleteJobsBefore removes finished jobs that ended before cutoff, and
// returns how many went.
func (tx *Tx) DeleteJobsBefore(cutoff time.Time) (int, error) {
	res := tx.db.Where("status IN ? AND end_time < ?", []string{domain.JobSuccess, domain.JobFail}, cutoff).Delete(&domain.Job{})
	return int(res.RowsAffected), wrap(res.Error)
}

// RunningImageJobs returns up to limit jobs that wait for an image to
// finish saving (replication, image creation), oldest first.
func (tx *Tx) RunningImageJobs(limit int) ([]domain.Job, error) {
	var js []domain.Job
	err := tx.db.Where("status = ? AND image_id <> ''", domain.JobRunning).Order("created_at, id").Limit(limit).Find(&js).Error
	return js, wrap(err)
}

// JobCounts maps job statuses to their number of jobs (metrics).
func (tx *Tx) JobCounts() (map[string]int, error) { return tx.statusCounts(&domain.Job{}) }

// ImageNames maps image IDs to their names (for naming a job's items).
func (tx *Tx) ImageNames(ids []string) (map[string]string, error) {
	names := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	var ims []domain.Image
	if err := tx.db.Select("id", "name").Where("id IN ?", ids).Find(&ims).Error; err != nil {
		return nil, wrap(err)
	}
	for _, im := range ims {
		names[im.ID] = im.Name
	}
	return names, nil
}
