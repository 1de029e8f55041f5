package sharing

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// maxJobAttempts is how many times a member job is claimed before it is
// given up as failed (each claim after the first follows a server that
// stopped while running it).
const maxJobAttempts = 3

// maxListedItems bounds the failed items a job's result lists one by one;
// the rest are counted.
const maxListedItems = 1000

// MemberJob is the request of a batch member job, stored with the job so
// that any server can run it.
type MemberJob struct {
	UserName string   `json:"user_name"`
	Images   []string `json:"images"`
	Members  []string `json:"members,omitempty"` // recipients (add, delete)
	Status   string   `json:"status,omitempty"`  // accepted or rejected (update)
}

// JobResult is a member job's outcome: one line per failed item (at most
// maxListedItems), every item counted.
type JobResult struct {
	Results []JobItem `json:"results"`
	Counts  JobCounts `json:"counts"`
}

// JobCounts counts a job's items by status, and successes by outcome.
type JobCounts struct {
	Success  int            `json:"success"`
	Failed   int            `json:"failed"`
	Skipped  int            `json:"skipped"`
	Unlisted int            `json:"failed_unlisted,omitempty"` // failed items past the listed ones
	Outcomes map[string]int `json:"outcomes,omitempty"`
}

// JobItem is one failed image and member of a batch.
type JobItem struct {
	ImageID    string `json:"image_id"`
	ProjectID  string `json:"project_id,omitempty"`
	MemberID   string `json:"member_id"`
	MemberType string `json:"member_type,omitempty"`
	Status     string `json:"status"`
	ErrorCode  string `json:"error_code,omitempty"`
	ErrorMsg   string `json:"error_msg,omitempty"`
}

func (r *JobResult) add(it JobItem, outcome string) {
	switch it.Status {
	case "success":
		r.Counts.Success++
		if outcome != "" {
			if r.Counts.Outcomes == nil {
				r.Counts.Outcomes = map[string]int{}
			}
			r.Counts.Outcomes[outcome]++
		}
	case "skipped":
		r.Counts.Skipped++
	default:
		r.Counts.Failed++
		if len(r.Results) < maxListedItems {
			r.Results = append(r.Results, it)
		} else {
			r.Counts.Unlisted++
		}
	}
}

// SubmitMemberJob records a batch member job (INIT) for the actor's
// project; a worker runs it. The batch is bounded before anything is
// stored: at most MaxBatchImages images and MaxRecipients recipients.
func (s *Service) SubmitMemberJob(ctx context.Context, a Actor, jobType string, in MemberJob) (domain.Job, error) {
	switch jobType {
	case domain.JobAddMembers, domain.JobDeleteMembers, domain.JobUpdateMembers:
	default:
		return domain.Job{}, domain.ErrInvalid("job", "Unknown job type %s.", jobType)
	}
	if len(in.Images) > s.lim.MaxBatchImages {
		return domain.Job{}, domain.Errorf(domain.KindTooLarge, domain.CodeTooLarge,
			"At most %d images can be in one call; this one has %d. Split it.", s.lim.MaxBatchImages, len(in.Images)).About("images")
	}
	if len(in.Members) > s.lim.MaxRecipients {
		return domain.Job{}, domain.Errorf(domain.KindTooLarge, domain.CodeTooLarge,
			"At most %d recipients can be in one call; this one has %d. Split it.", s.lim.MaxRecipients, len(in.Members)).About("members")
	}
	for _, id := range append(slices.Clone(in.Images), in.Members...) {
		if err := domain.CheckText("images", id, maxRecipientLen, false); err != nil {
			return domain.Job{}, err
		}
	}
	in.UserName = a.UserName
	b, err := json.Marshal(in)
	if err != nil {
		return domain.Job{}, err
	}
	j := domain.Job{ID: randomHex(16), AccountID: a.AccountID, ProjectID: a.ProjectID, UserID: a.UserID,
		Type: jobType, Status: domain.JobInit, Input: string(b), CreatedAt: s.now()}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := s.project(tx, a); err != nil {
			return err
		}
		return tx.Create(&j)
	})
	if err == nil {
		select {
		case s.wake <- struct{}{}:
		default: // the worker is already woken
		}
	}
	return j, err
}

// ImageJob records a RUNNING job that ends when img, an image the actor just
// made (a replica, or an image made from a server, a disk or a file),
// finishes saving.
func (s *Service) ImageJob(ctx context.Context, a Actor, jobType string, img domain.Image, entities string) (domain.Job, error) {
	now := s.now()
	j := domain.Job{ID: randomHex(16), AccountID: a.AccountID, ProjectID: a.ProjectID, UserID: a.UserID,
		Type: jobType, Status: domain.JobRunning, ImageID: img.ID, Entities: entities, BeginTime: now, CreatedAt: now}
	return j, s.st.Write(ctx, func(tx *store.Tx) error { return tx.Create(&j) })
}

// Job returns a job of the actor's project; another project's is not found.
// An image job is settled from its image's status as it is read.
func (s *Service) Job(ctx context.Context, a Actor, id string) (domain.Job, error) {
	if err := domain.CheckText("job", id, 64, false); err != nil {
		return domain.Job{}, domain.ErrNotFound("job")
	}
	j, err := s.st.One(ctx).Job(a.ProjectID, id)
	if err != nil {
		return domain.Job{}, err
	}
	if j.AccountID != a.AccountID {
		return domain.Job{}, domain.ErrNotFound("job").About(id)
	}
	if j.Done() || j.ImageID == "" {
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

// SettleImageJobs finishes the jobs whose image has finished saving (or is
// gone), so that an image job ends, is counted and is pruned like a member
// job whether or not anyone reads it; it returns how many it finished.
// Reading a job settles it too (Job), so a client never waits for this.
func (s *Service) SettleImageJobs(ctx context.Context) (int, error) {
	n := 0
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		jobs, err := tx.RunningImageJobs(500)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			cols, err := s.settle(tx, j)
			if err != nil {
				return err
			}
			if cols == nil {
				continue
			}
			if err := tx.UpdateJob(j.ID, cols); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// settle returns the columns that finish an image job (a replica, a new
// image), or nil while its image is still saving.
func (s *Service) settle(tx *store.Tx, j domain.Job) (map[string]any, error) {
	now := s.now()
	fail := func(code, msg string) map[string]any {
		return map[string]any{"status": domain.JobFail, "error_code": code, "fail_reason": msg, "end_time": now}
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

// workerName names this process in the jobs it claims.
func workerName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%.32s-%d-%s", host, os.Getpid(), randomHex(4))
}

// RunPendingJobs claims and runs member jobs until none is waiting, and
// returns how many it ran. Several servers may run it at once: each job is
// claimed by one.
func (s *Service) RunPendingJobs(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		ran, err := s.runOneJob(ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
	return n, nil
}

// runOneJob claims one job and runs it to the end, renewing its lease
// meanwhile. A cancelled ctx stops no job midway: the job runs on an
// uncancellable context, so a server that shuts down finishes what it began.
func (s *Service) runOneJob(ctx context.Context) (bool, error) {
	var j domain.Job
	var ok bool
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		now := s.now()
		var err error
		j, ok, err = tx.ClaimJob(now, s.worker, now.Add(s.lim.JobLease))
		return err
	})
	if err != nil || !ok {
		return false, err
	}
	run := context.WithoutCancel(ctx)
	stop := s.keepLease(run, j.ID)
	res, cause := s.execute(run, j)
	stop()
	cols := map[string]any{"status": domain.JobSuccess, "end_time": s.now(), "lease_until": time.Time{}}
	if res.Results == nil {
		res.Results = []JobItem{}
	}
	b, _ := json.Marshal(res)
	cols["entities"] = string(b)
	if cause != nil {
		e := domain.AsError(cause)
		cols["status"], cols["error_code"], cols["fail_reason"] = domain.JobFail, e.Code, domain.Clip(e.Message+subjectSuffix(e), 1000)
	}
	return true, s.st.Write(run, func(tx *store.Tx) error {
		if _, err := tx.FinishClaimedJob(j.ID, s.worker, cols); err != nil {
			return err
		}
		// Finished jobs go after their retention, as new ones finish.
		_, err := tx.DeleteJobsBefore(s.now().Add(-s.lim.JobRetention))
		return err
	})
}

// keepLease renews a job's lease every third of its length until stop is
// called.
func (s *Service) keepLease(ctx context.Context, id string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(max(s.lim.JobLease/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				err := s.st.Write(ctx, func(tx *store.Tx) error {
					_, err := tx.RenewJobLease(id, s.worker, s.now().Add(s.lim.JobLease))
					return err
				})
				if err != nil {
					s.log.Warn("renewing a job's lease", "job", id, "err", err)
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// execute runs a claimed member job as its user would, and returns its
// result and, when it failed, why.
func (s *Service) execute(ctx context.Context, j domain.Job) (res JobResult, cause error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("job panicked", "job", j.ID, "panic", p)
			cause = fmt.Errorf("job %s panicked: %v", j.ID, p)
		}
	}()
	var in MemberJob
	if err := json.Unmarshal([]byte(j.Input), &in); err != nil {
		return res, fmt.Errorf("job %s: stored input: %w", j.ID, err)
	}
	if j.Attempts > maxJobAttempts {
		err := domain.Errorf(domain.KindInternal, domain.CodeInternal,
			"The job was interrupted %d times by servers stopping; check the images and submit it again.", j.Attempts-1)
		s.eachItem(j, in, func(it JobItem) {
			it.Status, it.ErrorCode, it.ErrorMsg = "failed", err.Code, err.Message
			res.add(it, "")
		})
		return res, err
	}
	a := Actor{AccountID: j.AccountID, UserID: j.UserID, UserName: in.UserName, ProjectID: j.ProjectID}
	switch j.Type {
	case domain.JobAddMembers:
		shared, err := s.Share(ctx, a, in.Images, in.Members)
		if err != nil {
			return s.failedBatch(ctx, j, in, err), err
		}
		for _, it := range shared {
			res.add(JobItem{ImageID: it.ImageID, MemberID: it.MemberID, MemberType: it.Kind, Status: "success"}, string(it.Outcome))
		}
		return res, nil
	case domain.JobUpdateMembers:
		decide := s.Accept
		if in.Status == domain.MemberRejected {
			decide = s.Reject
		}
		if err := decide(ctx, a, in.Images); err != nil {
			return s.failedBatch(ctx, j, in, err), err
		}
		s.eachItem(j, in, func(it JobItem) { it.Status = "success"; res.add(it, in.Status) })
		return res, nil
	case domain.JobDeleteMembers:
		var first error
		for _, im := range in.Images {
			err := s.StopSharing(ctx, a, im, in.Members)
			if err != nil && j.Attempts > 1 && domain.KindOf(err) == domain.KindNotFound && slices.Contains(in.Members, domain.AsError(err).Subject) {
				// A server that stopped while running this job may have
				// removed this image's recipients already.
				err = nil
			}
			if err != nil && first == nil {
				first = err
			}
			e := domain.AsError(err)
			for _, m := range in.Members {
				it := JobItem{ImageID: im, MemberID: m, Status: "success"}
				if err != nil {
					it.Status, it.ErrorCode, it.ErrorMsg = "failed", e.Code, e.Message
				}
				res.add(it, "removed")
			}
		}
		return res, first
	}
	return res, fmt.Errorf("job %s: unknown type %s", j.ID, j.Type)
}

// eachItem calls fn for every image and member of a job, without building
// the cross product.
func (s *Service) eachItem(j domain.Job, in MemberJob, fn func(JobItem)) {
	members := in.Members
	if j.Type == domain.JobUpdateMembers {
		members = []string{j.ProjectID}
	}
	for _, im := range in.Images {
		for _, m := range members {
			it := JobItem{ImageID: im, MemberID: m}
			if j.Type == domain.JobUpdateMembers {
				it.ProjectID, it.MemberType = m, domain.GrantProject
			}
			fn(it)
		}
	}
}

// failedBatch is the result of a batch that failed as a whole (all or
// nothing, S05): the items the error names failed, the others were
// skipped; when it names none, all failed.
func (s *Service) failedBatch(ctx context.Context, j domain.Job, in MemberJob, cause error) JobResult {
	e := domain.AsError(cause)
	names := map[string]string{}
	if e.Subject != "" && !slices.Contains(in.Images, e.Subject) && !slices.Contains(in.Members, e.Subject) && e.Subject != j.ProjectID {
		// A refusal names an image by the name the console shows.
		names, _ = s.st.One(ctx).ImageNames(in.Images)
	}
	named := false
	s.eachItem(j, in, func(it JobItem) {
		named = named || e.Subject != "" && (e.Subject == it.ImageID || e.Subject == it.MemberID || e.Subject == names[it.ImageID])
	})
	var res JobResult
	s.eachItem(j, in, func(it JobItem) {
		hit := e.Subject != "" && (e.Subject == it.ImageID || e.Subject == it.MemberID || e.Subject == names[it.ImageID])
		switch {
		case hit || !named:
			it.Status, it.ErrorCode, it.ErrorMsg = "failed", e.Code, e.Message
		default:
			it.Status = "skipped"
		}
		res.add(it, "")
	})
	return res
}

// PruneJobs removes finished jobs older than the retention period.
func (s *Service) PruneJobs(ctx context.Context) (int, error) {
	var n int
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.DeleteJobsBefore(s.now().Add(-s.lim.JobRetention))
		return err
	})
	return n, err
}

// Counts are what metrics report of the sharing state: jobs and images by
// status.
type Counts struct {
	Jobs   map[string]int
	Images map[string]int
}

// Counts returns the jobs and images by status.
func (s *Service) Counts(ctx context.Context) (Counts, error) {
	tx := s.st.One(ctx)
	jobs, err := tx.JobCounts()
	if err != nil {
		return Counts{}, err
	}
	images, err := tx.ImageStatusCounts()
	return Counts{Jobs: jobs, Images: images}, err
}
