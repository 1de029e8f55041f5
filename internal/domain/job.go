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
// Entities is the job's result as JSON (per-item results, the image made).
// ImageID names the image a replication job waits for: the job ends when
// that image finishes saving.
type Job struct {
	ID         string `gorm:"primaryKey;size:32"`
	AccountID  string `gorm:"size:32;not null"`
	ProjectID  string `gorm:"size:32;index;not null"`
	UserID     string `gorm:"size:32"`
	Type       string `gorm:"size:64;not null"`
	Status     string `gorm:"size:16;not null"`
	ImageID    string `gorm:"size:36"`
	Entities   string `gorm:"type:text"`
	ErrorCode  string `gorm:"size:16"`
	FailReason string `gorm:"size:1024"`
	BeginTime  time.Time
	EndTime    time.Time
	CreatedAt  time.Time
}

// Done reports whether the job has finished.
func (j Job) Done() bool { return j.Status == JobSuccess || j.Status == JobFail }
