package sharing

import (
	"context"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// jobStale is how long a job may stay INIT or RUNNING in a process before it
// is taken for interrupted (the server stopped while it ran).
const jobStale = 10 * time.Minute

// NewJob records a new job of the actor's project in status INIT.
func (s *Service) NewJob(ctx context.Context, a Actor, jobType string) (domain.Job, error) {
	j := domain.Job{ID: randomHex(16), AccountID: a.AccountID, ProjectID: a.ProjectID, UserID: a.UserID,
		Type: jobType, Status: domain.JobInit, CreatedAt: s.now()}
	return j, s.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := s.project(tx, a); err != nil {
			return err
		}
		return tx.Create(&j)
	})
}

// StartJob moves a job to RUNNING.
func (s *Service) StartJob(ctx context.Context, id string) error {
	return s.st.Write(ctx, func(tx *store.Tx) error {
		return tx.UpdateJob(id, map[string]any{"status": domain.JobRunning, "begin_time": s.now()})
	})
}

// FinishJob records a job's outcome: SUCCESS, or FAIL with the IMS code and
// message of cause. entities is the job's result as JSON.
func (s *Service) FinishJob(ctx context.Context, id, entities string, cause error) error {
	cols := map[string]any{"status": domain.JobSuccess, "entities": entities, "end_time": s.now()}
	if cause != nil {
		e := domain.AsError(cause)
		cols["status"], cols["error_code"], cols["fail_reason"] = domain.JobFail, e.Code, clip(e.Message+subjectSuffix(e), 1000)
	}
	return s.st.Write(ctx, func(tx *store.Tx) error { return tx.UpdateJob(id, cols) })
}

// ImageJob records a RUNNING job that ends when img, an image the actor just
// made (a replica), finishes saving.
func (s *Service) ImageJob(ctx context.Context, a Actor, jobType string, img domain.Image, entities string) (domain.Job, error) {
	now := s.now()
	j := domain.Job{ID: randomHex(16), AccountID: a.AccountID, ProjectID: a.ProjectID, UserID: a.UserID,
		Type: jobType, Status: domain.JobRunning, ImageID: img.ID, Entities: entities, BeginTime: now, CreatedAt: now}
	return j, s.st.Write(ctx, func(tx *store.Tx) error { return tx.Create(&j) })
}

// Job returns a job of the actor's project; another project's is not found.
// A replication job is settled from its image's status as it is read; a job
// left unfinished by a stopped server is reported failed.
func (s *Service) Job(ctx context.Context, a Actor, id string) (domain.Job, error) {
	j, err := s.st.One(ctx).Job(a.ProjectID, id)
	if err != nil {
		return domain.Job{}, err
	}
	if j.AccountID != a.AccountID {
		return domain.Job{}, domain.ErrNotFound("job").About(id)
	}
	if j.Done() {
		return j, nil
	}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		cols, err := s.settle(tx, j)
		if err != nil || cols == nil {
			return err
		}
		if err := tx.UpdateJob(j.ID, cols); err != nil {
			return err
		}
		j, err = tx.Job(a.ProjectID, id)
		return err
	})
	return j, err
}

// settle returns the columns that finish an unfinished job, or nil while it
// is still going.
func (s *Service) settle(tx *store.Tx, j domain.Job) (map[string]any, error) {
	now := s.now()
	fail := func(code, msg string) map[string]any {
		return map[string]any{"status": domain.JobFail, "error_code": code, "fail_reason": msg, "end_time": now}
	}
	if j.ImageID == "" {
		if now.Sub(j.CreatedAt) > jobStale {
			return fail(domain.CodeInternal, "The job was interrupted by a server restart; check the images and submit it again."), nil
		}
		return nil, nil
	}
	img, err := tx.Image(j.ImageID)
	switch {
	case domain.KindOf(err) == domain.KindNotFound:
		return fail(domain.CodeImageNotFound, "The new image was deleted before it finished saving."), nil
	case err != nil:
		return nil, err
	case img.Status == domain.StatusActive:
		return map[string]any{"status": domain.JobSuccess, "end_time": now}, nil
	case img.Status == domain.StatusError:
		return fail(domain.CodeNotReplicable, "The replica could not be completed: its source image was deleted while it was being replicated."), nil
	}
	return nil, nil
}
