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
	OriginRegistered = "registered" // registered through the Glance API; its data is uploaded (queued until then)
)

// Visibilities an owner registers an image with (Glance's words). An image
// is shown shared when it has members too, whatever it was registered as.
const (
	VisibilityPrivate = "private"
	VisibilityShared  = "shared"
)

// Image is a private image owned by one project.
//
// Its indexes serve the lists: the owner's images newest first or by name,
// all or of one type (idx_image_owned, idx_image_owned_type,
// idx_image_owned_name, idx_image_owned_type_name, which end in id so
// that keyset paging walks them without sorting: SQLite's secondary indexes
// carry the rowid, not the text primary key), images by exact name
// (the API's name filter), and the worker's saving images by due time.
type Image struct {
	ID          string    `gorm:"primaryKey;size:36;index:idx_image_owned,priority:3;index:idx_image_owned_type,priority:4;index:idx_image_name,priority:3;index:idx_image_owned_name,priority:3;index:idx_image_owned_type_name,priority:4"`
	ProjectID   string    `gorm:"size:32;index:idx_image_owned,priority:1;index:idx_image_owned_type,priority:1;index:idx_image_owned_name,priority:1;index:idx_image_owned_type_name,priority:1;not null"`
	AccountID   string    `gorm:"size:32;index:idx_image_quota,priority:1;not null"`
	RegionID    string    `gorm:"size:64;index:idx_image_quota,priority:2;not null"`
	Name        string    `gorm:"size:128;index:idx_image_name,priority:1;index:idx_image_owned_name,priority:2;index:idx_image_owned_type_name,priority:3;not null"`
	Description string    `gorm:"size:1024"`
	Type        ImageType `gorm:"size:16;index:idx_image_owned_type,priority:2;index:idx_image_owned_type_name,priority:2;not null"`
	OS          string    `gorm:"size:128"`
	SizeGB      int       `gorm:"not null"`
	MinDiskGB   int       `gorm:"not null"`
	Status      string    `gorm:"size:16;index:idx_image_due,priority:1;not null"`
	Encrypted   bool      `gorm:"not null"`
	OriginKind  string    `gorm:"size:16;not null"`
	OriginRef   string    `gorm:"size:64"`
	// Properties holds extra string properties given at import, as JSON.
	Properties string `gorm:"type:text"`
	// Glance's attributes: formats ("" = not set), minimum RAM (MB), tags
	// (a JSON array of strings), protection against deletion, and the
	// visibility the owner registered ("" or private, or shared).
	ContainerFormat string `gorm:"size:16"`
	DiskFormat      string `gorm:"size:16"`
	MinRAMMB        int    `gorm:"not null;default:0"`
	Tags            string `gorm:"type:text"`
	Protected       bool   `gorm:"not null;default:false"`
	Visibility      string `gorm:"size:16"`
	// The image's data, when it has some (uploaded, or copied with a
	// replica): its storage key, size in bytes, MD5 checksum and SHA-512
	// hash (Glance's os_hash_value; os_hash_algo is always sha512).
	// DataKey is empty for an image without data (queued, or made from a
	// description, a server or a disk, whose data is not kept).
	DataKey   string `gorm:"size:64"`
	SizeBytes int64  `gorm:"not null;default:0"`
	Checksum  string `gorm:"size:32"`
	HashValue string `gorm:"size:128"`
	// UploadID is the storage key an upload in progress writes (status
	// saving); ReadyAt is then its lease, renewed while data flows: an
	// upload whose lease ran out (its server died) goes back to queued.
	UploadID      string `gorm:"size:64"`
	SaveStartedAt time.Time
	ReadyAt       time.Time `gorm:"index:idx_image_due,priority:2"`
	CreatedAt     time.Time `gorm:"index:idx_image_owned,priority:2;index:idx_image_owned_type,priority:3;index:idx_image_name,priority:2"`
	UpdatedAt     time.Time
}

// ImageCount is the number of private images an account owns in a region
// (S11), kept with every image created or deleted so that the quota is one
// row to read and one to bump, however many images there are.
type ImageCount struct {
	AccountID string `gorm:"primaryKey;size:32"`
	RegionID  string `gorm:"primaryKey;size:64"`
	Images    int    `gorm:"not null"`
}

// HasData reports whether the image's data is stored (it can be downloaded).
func (im Image) HasData() bool { return im.DataKey != "" }

// Uploading reports whether data is being uploaded into the image.
func (im Image) Uploading() bool { return im.Status == StatusSaving && im.UploadID != "" }

// ProjectCount is how many images, servers and disks a project has: the
// totals of the console's lists, kept with every create and delete so that
// reading them costs one row however many there are.
type ProjectCount struct {
	ProjectID string `gorm:"primaryKey;size:32"`
	Images    int    `gorm:"not null;default:0"`
	Servers   int    `gorm:"not null;default:0"`
	Disks     int    `gorm:"not null;default:0"`
}

// Progress is the percentage of the save done at now: 100 once active. An
// upload's progress is the uploader's to show (its size may be unknown).
func (im Image) Progress(now time.Time) int {
	switch im.Status {
	case StatusActive:
		return 100
	case StatusSaving:
		if im.UploadID != "" {
			return 0
		}
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
	ID       string `gorm:"primaryKey;size:36;index:idx_grant_image,priority:3"`
	ImageID  string `gorm:"size:36;uniqueIndex:idx_grant_target,priority:1;index:idx_grant_image,priority:1;not null"`
	Kind     string `gorm:"size:16;uniqueIndex:idx_grant_target,priority:2;not null"`
	TargetID string `gorm:"size:64;uniqueIndex:idx_grant_target,priority:3;index;not null"`
	// CreatedAt orders an image's members, oldest first (idx_grant_image).
	CreatedAt time.Time `gorm:"index:idx_grant_image,priority:2"`
	UpdatedAt time.Time
	// The answers to the grant, kept with every decision on it (the store
	// does) so that a page of members reads no decision: the answer of a
	// project or account grant's one recipient ("" while it has none), how
	// many of an organization grant's accounts accepted, and when the
	// latest answer came.
	Answer     string `gorm:"size:16;not null;default:''"`
	Accepted   int    `gorm:"not null;default:0"`
	AnsweredAt time.Time
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
//
// ImageCreatedAt copies the image's creation time (which never changes) so
// that the API lists, newest image first, walk one index of this table:
// idx_share_created for one status, idx_share_created_all for every status;
// the console's lists, most recently shared first, walk idx_share_shared,
// by name idx_share_name (ImageName copies the image's name, kept with
// every rename).
type ProjectShare struct {
	ProjectID      string    `gorm:"primaryKey;size:32;index:idx_share_created,priority:1;index:idx_share_created_all,priority:1;index:idx_share_shared,priority:1;index:idx_share_name,priority:1"`
	ImageID        string    `gorm:"primaryKey;size:36;index;index:idx_share_created,priority:4;index:idx_share_created_all,priority:3;index:idx_share_shared,priority:4;index:idx_share_name,priority:4"`
	Status         string    `gorm:"size:16;not null;index:idx_share_created,priority:2;index:idx_share_shared,priority:2;index:idx_share_name,priority:2"`
	ImageName      string    `gorm:"size:128;not null;default:'';index:idx_share_name,priority:3"`
	OwnerAccountID string    `gorm:"size:32;not null"`
	ImageCreatedAt time.Time `gorm:"index:idx_share_created,priority:3;index:idx_share_created_all,priority:2"`
	SharedAt       time.Time `gorm:"index:idx_share_shared,priority:3"`
	UpdatedAt      time.Time
}

// ShareCount is how many images are shared with a project in each status:
// the pending badge and the totals of the lists, kept with every
// ProjectShare change so that reading them costs one row however many
// images are shared with the project.
type ShareCount struct {
	ProjectID string `gorm:"primaryKey;size:32"`
	Pending   int    `gorm:"not null;default:0"`
	Accepted  int    `gorm:"not null;default:0"`
	Rejected  int    `gorm:"not null;default:0"`
}

// Server is a cloud server created from an image. idx_server_project lists
// a project's servers newest first, idx_server_name by name.
type Server struct {
	ID        string    `gorm:"primaryKey;size:36;index:idx_server_project,priority:3;index:idx_server_name,priority:3"`
	ProjectID string    `gorm:"size:32;index:idx_server_project,priority:1;index:idx_server_name,priority:1;not null"`
	AccountID string    `gorm:"size:32;not null"`
	RegionID  string    `gorm:"size:64;not null"`
	AZ        string    `gorm:"size:64;not null"`
	Name      string    `gorm:"size:128;index:idx_server_name,priority:2;not null"`
	ImageID   string    `gorm:"size:36;index"`
	ImageName string    `gorm:"size:128"`
	ImageType ImageType `gorm:"size:16"`
	OS        string    `gorm:"size:128"`
	DiskGB    int       `gorm:"not null"`
	// EIP is the elastic IP; servers created from full-ECS images get none (S18).
	EIP       string    `gorm:"size:64"`
	Status    string    `gorm:"size:16;not null"`
	CreatedAt time.Time `gorm:"index:idx_server_project,priority:2"`
	UpdatedAt time.Time
}

// Disk is a data disk. idx_disk_project lists a project's disks newest
// first, idx_disk_name by name.
type Disk struct {
	ID        string    `gorm:"primaryKey;size:36;index:idx_disk_project,priority:3;index:idx_disk_name,priority:3"`
	ProjectID string    `gorm:"size:32;index:idx_disk_project,priority:1;index:idx_disk_name,priority:1;not null"`
	AccountID string    `gorm:"size:32;not null"`
	RegionID  string    `gorm:"size:64;not null"`
	AZ        string    `gorm:"size:64;not null"`
	Name      string    `gorm:"size:128;index:idx_disk_name,priority:2;not null"`
	SizeGB    int       `gorm:"not null"`
	ImageID   string    `gorm:"size:36;index"`
	ImageName string    `gorm:"size:128"`
	Status    string    `gorm:"size:16;not null"`
	CreatedAt time.Time `gorm:"index:idx_disk_project,priority:2"`
}

// AuditEvent is one line of an account's trail (S25).
type AuditEvent struct {
	ID         int64     `gorm:"primaryKey;autoIncrement;index:idx_audit_time,priority:3"`
	Time       time.Time `gorm:"not null;index:idx_audit_time,priority:2"`
	AccountID  string    `gorm:"size:32;index:idx_audit_time,priority:1"` // (account_id, time, id): the trail, newest first, from a time on
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
	ActUploadImage      = "upload_image" // image data uploaded (or the upload failed)
	ActSetPending       = "set_pending"  // a recipient took its answer back (Glance's member status pending)
	ActCreateAccessKey  = "create_access_key"
	ActEnableAccessKey  = "enable_access_key"
	ActDisableAccessKey = "disable_access_key"
	ActDeleteAccessKey  = "delete_access_key"
)

// AuditActions lists the actions in the order the console offers them as filters.
var AuditActions = []string{
	ActShare, ActStopSharing, ActAccept, ActReject, ActReplicate, ActCreateImage, ActDeleteImage,
	ActCreateServer, ActCreateDisk, ActRestoreDisk, ActChangeOS, ActReinstall, ActLogin, ActLoginFailed, ActLogout,
	ActUpdateImage, ActUploadImage, ActSetPending, ActCreateAccessKey, ActEnableAccessKey, ActDisableAccessKey, ActDeleteAccessKey,
}
