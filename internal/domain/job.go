package domain

import "time"

// Job statuses, as IMS reports them (GET /v1/cloudimages/job/{job_id}).
const (
	JobInit    = "INIT"
	JobRunning = "RUNNING"
	JobSuccess = "SUCCESS"
	JobFail    = "FAIL"
)

// Job types, with IMS's names.
const (
	JobAddMembers      = "imsAddImageMembersJob"
	JobDeleteMembers   = "imsDelImageMembersJob"
	JobUpdateMembers   = "imsUpdateImageMembersJob"
	JobCopyInRegion    = "imsCopyImageInRegionJob"
	JobCopyCrossRegion = "imsCrossRegionCopyImageJob"
)

// Job is an asynchronous API request of one project and its outcome.
// Entities is the job's result as JSON (failed items, counts, the image
// made). ImageID names the image a replication job waits for: the job ends
// when that image finishes saving.
//
// A member job is durable: Input holds its request, and any server's
// worker claims it (status RUNNING, Worker, a lease it keeps extending), so
// a job whose server died is taken over once its lease runs out.
type Job struct {
	ID         string    `gorm:"primaryKey;size:32;index:idx_job_queue,priority:3"`
	AccountID  string    `gorm:"size:32;not null"`
	ProjectID  string    `gorm:"size:32;index;not null"`
	UserID     string    `gorm:"size:32"`
	Type       string    `gorm:"size:64;not null"`
	Status     string    `gorm:"size:16;index:idx_job_queue,priority:1;index:idx_job_lease,priority:1;not null"`
	ImageID    string    `gorm:"size:36;index:idx_job_lease,priority:2"`
	Input      string    `gorm:"type:text"`
	Entities   string    `gorm:"type:text"`
	ErrorCode  string    `gorm:"size:16"`
	FailReason string    `gorm:"size:1024"`
	Attempts   int       `gorm:"not null;default:0"`
	Worker     string    `gorm:"size:64"`
	LeaseUntil time.Time `gorm:"index:idx_job_lease,priority:3"`
	BeginTime  time.Time
	EndTime    time.Time
	CreatedAt  time.Time `gorm:"index;index:idx_job_queue,priority:2"`
}

// Done reports whether the job has finished.
func (j Job) Done() bool { return j.Status == JobSuccess || j.Status == JobFail }
