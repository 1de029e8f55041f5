package domain

import "time"

// ImageType is what an image was made from and what it can make.
type ImageType string

// Image types.
const (
	TypeSystem  ImageType = "system"   // system disk image: creates servers
	TypeData    ImageType = "data"     // data disk image: creates data disks
	TypeFullECS ImageType = "full_ecs" // full-ECS image: creates servers with their data disks
)

// ImageTypes lists every type, in display order.
var ImageTypes = []ImageType{TypeSystem, TypeData, TypeFullECS}

// Valid reports whether t is a known type.
func (t ImageType) Valid() bool {
	return t == TypeSystem || t == TypeData || t == TypeFullECS
}

// Label is the console's name for the type.
func (t ImageType) Label() string {
	switch t {
	case TypeSystem:
		return "System disk image"
	case TypeData:
		return "Data disk image"
	case TypeFullECS:
		return "Full-ECS image"
	}
	return string(t)
}

// MakesServers reports whether servers can be created from the type (S17).
func (t ImageType) MakesServers() bool { return t == TypeSystem || t == TypeFullECS }

// Image statuses.
const (
	StatusQueued = "queued"
	StatusSaving = "saving"
	StatusActive = "active"
	StatusError  = "error"
)

// Image origins.
const (
	OriginServer     = "server"     // created from a server (OriginRef: server ID)
	OriginDisk       = "disk"       // created from a data disk (OriginRef: disk ID)
	OriginImport     = "import"     // imported from an image file description
	OriginReplicated = "replicated" // replicated from another image (OriginRef: image ID)
)

// Image is a private image owned by one project.
type Image struct {
	ID          string    `gorm:"primaryKey;size:36"`
	ProjectID   string    `gorm:"size:32;index:idx_image_project,priority:1;not null"`
	AccountID   string    `gorm:"size:32;index:idx_image_quota,priority:1;not null"`
	RegionID    string    `gorm:"size:64;index:idx_image_quota,priority:2;not null"`
	Name        string    `gorm:"size:128;not null"`
	Description string    `gorm:"size:1024"`
	Type        ImageType `gorm:"size:16;not null"`
	OS          string    `gorm:"size:128"`
	SizeGB      int       `gorm:"not null"`
	MinDiskGB   int       `gorm:"not null"`
	Status      string    `gorm:"size:16;index;not null"`
	Encrypted   bool      `gorm:"not null"`
	OriginKind  string    `gorm:"size:16;not null"`
	OriginRef   string    `gorm:"size:64"`
	// Properties holds extra string properties given at import, as JSON.
	Properties    string `gorm:"type:text"`
	SaveStartedAt time.Time
	ReadyAt       time.Time
	CreatedAt     time.Time `gorm:"index:idx_image_project,priority:2"`
	UpdatedAt     time.Time
}

// Progress is the percentage of the save done at now: 100 once active.
func (im Image) Progress(now time.Time) int {
	switch im.Status {
	case StatusActive:
		return 100
	case StatusSaving:
		total := im.ReadyAt.Sub(im.SaveStartedAt)
		if total <= 0 {
			return 99
		}
		p := int(100 * now.Sub(im.SaveStartedAt) / total)
		return max(0, min(p, 99))
	}
	return 0
}

// Recipient (grant) kinds.
const (
	GrantProject      = "project"
	GrantDomain       = "domain"
	GrantOrganization = "organization"
)

// Decision statuses.
const (
	MemberPending  = "pending"
	MemberAccepted = "accepted"
	MemberRejected = "rejected"
)

// Grant gives one recipient access to an image (a "member" of it).
// TargetID is a project ID, an account ID or an organization node ID.
type Grant struct {
	ID        string `gorm:"primaryKey;size:36"`
	ImageID   string `gorm:"size:36;uniqueIndex:idx_grant_target,priority:1;not null"`
	Kind      string `gorm:"size:16;uniqueIndex:idx_grant_target,priority:2;not null"`
	TargetID  string `gorm:"size:64;uniqueIndex:idx_grant_target,priority:3;index;not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Decision is a recipient's answer to a grant. RecipientID is the project for
// project grants and the account for account and organization grants.
// A grant with no decision for a recipient is pending for it.
type Decision struct {
	GrantID     string `gorm:"primaryKey;size:36"`
	RecipientID string `gorm:"primaryKey;size:32"`
	ImageID     string `gorm:"size:36;index:idx_decision_image,priority:1;not null"`
	Status      string `gorm:"size:16;index:idx_decision_image,priority:2;not null"`
	AccountID   string `gorm:"size:32;not null"`
	UserID      string `gorm:"size:32"`
	UpdatedAt   time.Time
}

// ProjectShare is the derived status of one image for one recipient project
// (SPEC §2): accepted if any covering grant is accepted, else pending if any is
// pending, else rejected. It is kept up to date with every grant and decision
// change so that lists and the pending badge are index lookups.
type ProjectShare struct {
	ProjectID      string    `gorm:"primaryKey;size:32;index:idx_share_list,priority:1;index:idx_share_recent,priority:1"`
	ImageID        string    `gorm:"primaryKey;size:36;index"`
	Status         string    `gorm:"size:16;not null;index:idx_share_list,priority:2"`
	OwnerAccountID string    `gorm:"size:32;not null"`
	SharedAt       time.Time `gorm:"index:idx_share_list,priority:3;index:idx_share_recent,priority:2"`
	UpdatedAt      time.Time
}

// PendingCounter is the number of images pending for a project: the badge,
// kept with every ProjectShare change so that reading it costs one row
// however many images are shared with the project.
type PendingCounter struct {
	ProjectID string `gorm:"primaryKey;size:32"`
	Pending   int    `gorm:"not null"`
}

// Server is a cloud server created from an image.
type Server struct {
	ID        string    `gorm:"primaryKey;size:36"`
	ProjectID string    `gorm:"size:32;index;not null"`
	AccountID string    `gorm:"size:32;not null"`
	RegionID  string    `gorm:"size:64;not null"`
	AZ        string    `gorm:"size:64;not null"`
	Name      string    `gorm:"size:128;not null"`
	ImageID   string    `gorm:"size:36;index"`
	ImageName string    `gorm:"size:128"`
	ImageType ImageType `gorm:"size:16"`
	OS        string    `gorm:"size:128"`
	DiskGB    int       `gorm:"not null"`
	// EIP is the elastic IP; servers created from full-ECS images get none (S18).
	EIP       string `gorm:"size:64"`
	Status    string `gorm:"size:16;not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Disk is a data disk.
type Disk struct {
	ID        string `gorm:"primaryKey;size:36"`
	ProjectID string `gorm:"size:32;index;not null"`
	AccountID string `gorm:"size:32;not null"`
	RegionID  string `gorm:"size:64;not null"`
	AZ        string `gorm:"size:64;not null"`
	Name      string `gorm:"size:128;not null"`
	SizeGB    int    `gorm:"not null"`
	ImageID   string `gorm:"size:36;index"`
	ImageName string `gorm:"size:128"`
	Status    string `gorm:"size:16;not null"`
	CreatedAt time.Time
}

// AuditEvent is one line of an account's trail (S25).
type AuditEvent struct {
	ID         int64     `gorm:"primaryKey;autoIncrement"`
	Time       time.Time `gorm:"not null"`
	AccountID  string    `gorm:"size:32;index:idx_audit_account,priority:1"`
	UserID     string    `gorm:"size:32"`
	UserName   string    `gorm:"size:64"`
	ProjectID  string    `gorm:"size:32"`
	Action     string    `gorm:"size:32;not null"`
	TargetType string    `gorm:"size:32"`
	TargetID   string    `gorm:"size:64"`
	Result     string    `gorm:"size:16;not null"`
	Detail     string    `gorm:"size:512"`
}

// Audit results.
const (
	ResultSuccess = "success"
	ResultFailure = "failure"
)

// Audit actions (S25).
const (
	ActShare        = "share"
	ActStopSharing  = "stop_sharing"
	ActAccept       = "accept"
	ActReject       = "reject"
	ActReplicate    = "replicate"
	ActCreateImage  = "create_image"
	ActDeleteImage  = "delete_image"
	ActCreateServer = "create_server"
	ActCreateDisk   = "create_disk"
	ActRestoreDisk  = "restore_disk"
	ActChangeOS     = "change_os"
	ActReinstall    = "reinstall"
	ActLogin        = "login"
	ActLoginFailed  = "login_failed"
	ActLogout       = "logout"

	ActUpdateImage      = "update_image"
	ActCreateAccessKey  = "create_access_key"
	ActEnableAccessKey  = "enable_access_key"
	ActDisableAccessKey = "disable_access_key"
	ActDeleteAccessKey  = "delete_access_key"
)

// AuditActions lists the actions in the order the console offers them as filters.
var AuditActions = []string{
	ActShare, ActStopSharing, ActAccept, ActReject, ActReplicate, ActCreateImage, ActDeleteImage,
	ActCreateServer, ActCreateDisk, ActRestoreDisk, ActChangeOS, ActReinstall, ActLogin, ActLoginFailed, ActLogout,
	ActUpdateImage, ActCreateAccessKey, ActEnableAccessKey, ActDisableAccessKey, ActDeleteAccessKey,
}
