package api

import (
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// The IMS calls the cloud's SDK makes beyond the batch member calls: jobs on
// the project path, image updates and image creation as jobs.

// Job types of image creation, in IMS's style.
const (
	jobCreateImage      = "imsCreateImageJob"
	jobCreateDataImage  = "imsCreateDataImageJob"
	jobCreateWholeImage = "imsCreateWholeImageJob"
)

// imsStatuses maps IMS's image status filter to ImageShare's statuses;
// no image here is ever "deleted" (deleting removes it).
var imsStatuses = map[string]string{"queued": domain.StatusQueued, "saving": domain.StatusSaving, "active": domain.StatusActive, "killed": domain.StatusError}

// imsSort reads sort_key, sort_dir and status. Every image has the same
// container and disk format, so sorting by them leaves the ID order that
// ends every sort. The SDK's enum sends "status " with a trailing space.
// none reports a filter no image matches: status "deleted" (an image here
// is removed when deleted), which lists nothing rather than failing.
func imsSort(c echo.Context, q *sharing.ImageQuery) (none bool, err error) {
	switch key := strings.TrimSpace(c.QueryParam("sort_key")); key {
	case "container_format", "disk_format":
		q.SortKey = "id"
	default:
		q.SortKey = key
	}
	switch c.QueryParam("sort_dir") {
	case "", "desc":
	case "asc":
		q.Asc = true
	default:
		return false, domain.ErrInvalid("sort_dir", "sort_dir must be asc or desc.")
	}
	switch st := strings.TrimSpace(c.QueryParam("status")); st {
	case "":
	case "deleted":
		return true, nil
	default:
		s, ok := imsStatuses[st]
		if !ok {
			return false, domain.ErrInvalid("status", "status must be one of active, killed, queued, saving, deleted.")
		}
		q.Status = s
	}
	return false, nil
}

// showProjectJob is GET /v1/{project_id}/jobs/{job_id}: ShowJob, the same
// job as GET /v1/cloudimages/job/{job_id} on the project's path.
func (a *API) showProjectJob(c echo.Context, s session) error {
	if err := ownProject(c, s); err != nil {
		return err
	}
	return a.showJob(c, s)
}

// updateCloudImage is PATCH /v2/cloudimages/{image_id}: the owner changes
// its image (S01), all changes or none.
func (a *API) updateCloudImage(c echo.Context, s session) error { return a.patchImage(c, s, imsImage) }

// createBody is what the image creation calls send (the fields ImageShare
// uses; the rest, like tags or KMS keys, is accepted and ignored).
type createBody struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	InstanceID  string `json:"instance_id"`
	VolumeID    string `json:"volume_id"`
	BackupID    string `json:"backup_id"`
	ImageURL    string `json:"image_url"`
	OSVersion   string `json:"os_version"`
	MinDisk     int    `json:"min_disk"`
	Type        string `json:"type"`
	DataImages  []any  `json:"data_images"`
}

// createCloudImage is POST /v2/cloudimages/action (CreateImage): a system
// disk image from a server (instance_id), a data disk image from a disk
// (volume_id), or an image registered from a file (image_url), as a job
// that ends when the image is active.
func (a *API) createCloudImage(c echo.Context, s session) error {
	var b createBody
	if err := decode(c, &b); err != nil {
		return err
	}
	ctx := c.Request().Context()
	spec := sharing.ImageSpec{Name: b.Name, Description: b.Description, Type: domain.TypeSystem}
	var img domain.Image
	var err error
	switch {
	case len(b.DataImages) > 0:
		return domain.ErrInvalid("data_images", "Data disk images are not made together with a system disk image here: make each from its disk, with volume_id.")
	case b.InstanceID != "":
		img, err = a.sh.CreateImageFromServer(ctx, s.actor, b.InstanceID, spec)
	case b.VolumeID != "":
		img, err = a.sh.CreateImageFromDisk(ctx, s.actor, b.VolumeID, spec)
	case b.ImageURL != "":
		if b.Type == "DataImage" {
			spec.Type = domain.TypeData
		}
		spec.OS, spec.SizeGB = b.OSVersion, b.MinDisk
		img, err = a.sh.ImportImage(ctx, s.actor, spec)
	default:
		return domain.ErrInvalid("instance_id", "Name the server (instance_id), the data disk (volume_id) or the image file (image_url) to make the image from.")
	}
	if err != nil {
		return err
	}
	return a.imageJob(c, s, jobCreateImage, img)
}

// createDataImage is POST /v1/cloudimages/dataimages/action
// (CreateDataImage): a data disk image registered from an image file of
// min_disk GB, as a job.
func (a *API) createDataImage(c echo.Context, s session) error {
	var b createBody
	if err := decode(c, &b); err != nil {
		return err
	}
	if strings.TrimSpace(b.ImageURL) == "" {
		return domain.ErrInvalid("image_url", "Name the image file in image_url (bucket:file).")
	}
	img, err := a.sh.ImportImage(c.Request().Context(), s.actor, sharing.ImageSpec{
		Name: b.Name, Description: b.Description, Type: domain.TypeData, SizeGB: b.MinDisk})
	if err != nil {
		return err
	}
	return a.imageJob(c, s, jobCreateDataImage, img)
}

// createWholeImage is POST /v1/cloudimages/wholeimages/action
// (CreateWholeImage): a full-ECS image of a server, as a job.
func (a *API) createWholeImage(c echo.Context, s session) error {
	var b createBody
	if err := decode(c, &b); err != nil {
		return err
	}
	if b.InstanceID == "" {
		return domain.ErrInvalid("instance_id", "Name the server to make the full-ECS image of in instance_id (images from backups are not supported).")
	}
	img, err := a.sh.CreateImageFromServer(c.Request().Context(), s.actor, b.InstanceID,
		sharing.ImageSpec{Name: b.Name, Description: b.Description, Type: domain.TypeFullECS})
	if err != nil {
		return err
	}
	return a.imageJob(c, s, jobCreateWholeImage, img)
}
