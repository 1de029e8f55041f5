package sharing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// ImageSpec describes a private image to create. Which fields count depends
// on the way it is created: from a server (Name, Description, Type),
// from a disk (Name, Description) or by import (all).
type ImageSpec struct {
	Name        string
	Description string
	Type        domain.ImageType
	OS          string
	SizeGB      int
	MinDiskGB   int
	Encrypted   bool
	Properties  map[string]string
	// Glance's attributes (register.go).
	ContainerFormat string
	DiskFormat      string
	MinRAMMB        int
	Tags            []string
	Protected       bool
	Visibility      string // private or shared
}

const maxImportGB = 1024

// Text limits, in characters.
const (
	maxNameLen        = 128
	maxDescriptionLen = 1024
	maxPropertyLen    = 255
	maxFilterLen      = 128 // a name filter: no name is longer
	maxSearchLen      = 200 // the trail's search text
)

func validateName(field, name string) (string, error) {
	if err := domain.CheckText(field, name, maxNameLen+64, false); err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", domain.ErrInvalid(field, "err.enter_name")
	case utf8.RuneCountInString(name) > maxNameLen:
		return "", domain.ErrInvalid(field, "err.name_too_long", maxNameLen)
	}
	return name, nil
}

// validText returns the spec's name and description, trimmed and checked,
// and checks its OS and properties as text.
func (spec ImageSpec) validText() (name, desc string, err error) {
	if name, err = validateName("name", spec.Name); err != nil {
		return "", "", err
	}
	if err := domain.CheckText("description", spec.Description, maxDescriptionLen, true); err != nil {
		return "", "", err
	}
	if err := domain.CheckText("os", spec.OS, maxNameLen, false); err != nil {
		return "", "", err
	}
	return name, strings.TrimSpace(spec.Description), nil
}

// ImportImage registers a private image from an image file description.
func (s *Service) ImportImage(ctx context.Context, a Actor, spec ImageSpec) (domain.Image, error) {
	var img domain.Image
	err := s.change(ctx, a, domain.ActCreateImage, target{"image", spec.Name}, func(tx *store.Tx, p domain.Project) (string, error) {
		name, desc, err := spec.validText()
		if err != nil {
			return "", err
		}
		if !spec.Type.Valid() {
			return "", domain.ErrInvalid("type", "err.choose_type")
		}
		if spec.Type.MakesServers() && strings.TrimSpace(spec.OS) == "" {
			return "", domain.ErrInvalid("os", "err.enter_os")
		}
		if spec.SizeGB < 1 || spec.SizeGB > maxImportGB {
			return "", domain.ErrInvalid("size_gb", "err.import_size", maxImportGB)
		}
		if spec.MinDiskGB == 0 {
			spec.MinDiskGB = spec.SizeGB
		}
		if spec.MinDiskGB < spec.SizeGB || spec.MinDiskGB > maxImportGB {
			return "", domain.ErrInvalid("min_disk_gb", "err.min_disk", spec.SizeGB, maxImportGB)
		}
		img = domain.Image{
			Name: name, Description: desc, Type: spec.Type, OS: strings.TrimSpace(spec.OS),
			SizeGB: spec.SizeGB, MinDiskGB: spec.MinDiskGB, Encrypted: spec.Encrypted,
			OriginKind: domain.OriginImport,
		}
		if spec.Type == domain.TypeData {
			img.OS = ""
		}
		if err := glanceAttrs(spec, &img); err != nil {
			return "", err
		}
		return "imported " + name, s.createImage(tx, p, &img)
	})
	return img, err
}

// CreateImageFromServer makes a system disk or full-ECS image of one of the
// project's servers (S20: also servers made from images shared with it).
func (s *Service) CreateImageFromServer(ctx context.Context, a Actor, serverID string, spec ImageSpec) (domain.Image, error) {
	var img domain.Image
	err := s.change(ctx, a, domain.ActCreateImage, target{"server", serverID}, func(tx *store.Tx, p domain.Project) (string, error) {
		srv, err := tx.Server(p.ID, serverID)
		if err != nil {
			return "", err
		}
		name, desc, err := spec.validText()
		if err != nil {
			return "", err
		}
		if spec.Type == "" {
			spec.Type = domain.TypeSystem
		}
		if !spec.Type.MakesServers() {
			return "", domain.ErrInvalid("type", "err.server_image_type")
		}
		img = domain.Image{
			Name: name, Description: desc, Type: spec.Type, OS: srv.OS, SizeGB: srv.DiskGB, MinDiskGB: srv.DiskGB,
			OriginKind: domain.OriginServer, OriginRef: srv.ID,
		}
		return fmt.Sprintf("%s from server %s", name, srv.Name), s.createImage(tx, p, &img)
	})
	return img, err
}

// CreateImageFromDisk makes a data disk image of one of the project's disks.
func (s *Service) CreateImageFromDisk(ctx context.Context, a Actor, diskID string, spec ImageSpec) (domain.Image, error) {
	var img domain.Image
	err := s.change(ctx, a, domain.ActCreateImage, target{"disk", diskID}, func(tx *store.Tx, p domain.Project) (string, error) {
		disk, err := tx.Disk(p.ID, diskID)
		if err != nil {
			return "", err
		}
		name, desc, err := spec.validText()
		if err != nil {
			return "", err
		}
		img = domain.Image{
			Name: name, Description: desc, Type: domain.TypeData, SizeGB: disk.SizeGB, MinDiskGB: disk.SizeGB,
			OriginKind: domain.OriginDisk, OriginRef: disk.ID,
		}
		return fmt.Sprintf("%s from disk %s", name, disk.Name), s.createImage(tx, p, &img)
	})
	return img, err
}

// createImage stores a new private image of project p in status saving
// (queued when it is registered without data), within the account's quota
// for the region (S11; race-free, S12: the store takes the place in the
// quota's counter in the insert's transaction). An ID set beforehand is
// kept (a replica whose data was copied under it).
func (s *Service) createImage(tx *store.Tx, p domain.Project, img *domain.Image) error {
	now := s.now()
	if img.ID == "" {
		img.ID = newUUID()
	}
	img.ProjectID, img.AccountID, img.RegionID = p.ID, p.AccountID, p.RegionID
	if img.Status != domain.StatusQueued {
		img.Status = domain.StatusSaving
		img.SaveStartedAt, img.ReadyAt = now, now.Add(s.lim.BuildTime)
	}
	img.CreatedAt, img.UpdatedAt = now, now
	ok, err := tx.CreateImage(img, s.lim.MaxImagesPerRegion)
	if err != nil || ok {
		return err
	}
	n, err := tx.CountImages(p.AccountID, p.RegionID)
	if err != nil {
		return err
	}
	return domain.Errorf(domain.KindQuota, domain.CodeQuota,
		"err.quota", n, p.RegionID).About(p.RegionID)
}

// DeleteImage deletes one of the project's images (S01, S21): its grants go
// with it; servers and disks made from it keep running.
func (s *Service) DeleteImage(ctx context.Context, a Actor, imageID string) error {
	var key string
	err := s.change(ctx, a, domain.ActDeleteImage, target{"image", imageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		img, err := s.ownImageForChange(tx, p, imageID, ownerOnly)
		if err != nil {
			if domain.CodeOf(err) == domain.CodeOwnerOnly {
				return "", errDeleteOwnerOnly()
			}
			return "", err
		}
		if e := deleteRefusal(img); e != nil {
			return "", e.About(img.Name)
		}
		key = img.DataKey
		return "deleted " + img.Name, tx.DeleteImage(img)
	})
	if err == nil {
		// The data goes once the row is gone: a crash in between leaves
		// a file no row names, which SweepData removes.
		s.dropData(ctx, key)
	}
	return err
}

// deleteRefusal says why the owner cannot delete img (Glance's protected
// images); nil when it can.
func deleteRefusal(img domain.Image) *domain.Error {
	if img.Protected {
		return domain.Errorf(domain.KindForbidden, domain.CodeInvalid, "err.delete_protected")
	}
	return nil
}

// Replicate copies an image into the actor's project in the same region, as
// a new private image (S16): the owner's own image, or an accepted shared one.
func (s *Service) Replicate(ctx context.Context, a Actor, imageID, name string) (domain.Image, error) {
	var cp domain.Image
	key, drop, err := s.copyDataFor(ctx, a, imageID)
	if err != nil {
		return cp, err
	}
	err = s.change(ctx, a, domain.ActReplicate, target{"image", imageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		src, err := s.usableImage(tx, p, imageID, errNotAcceptedReplicate)
		if err != nil {
			return "", err
		}
		if e := s.replicateRefusal(src); e != nil {
			return "", e.About(src.Name)
		}
		if cp, err = s.replica(tx, p, src, name, key); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s replicated as %s", src.Name, cp.Name), nil
	})
	if err != nil {
		drop()
	}
	return cp, err
}

func errDeleteOwnerOnly() *domain.Error {
	return domain.Errorf(domain.KindForbidden, domain.CodeDeleteOwnerOnly, "err.delete_owner_only")
}

// ReplicateCrossRegion copies the owner's private image into one of its
// account's projects in another region (S23).
func (s *Service) ReplicateCrossRegion(ctx context.Context, a Actor, imageID, destProjectID, name string) (domain.Image, error) {
	var cp domain.Image
	key, drop, err := s.copyDataFor(ctx, a, imageID)
	if err != nil {
		return cp, err
	}
	err = s.change(ctx, a, domain.ActReplicate, target{"image", imageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		src, err := s.ownImageForChange(tx, p, imageID, ownerOnlyCrossRegion)
		if err != nil {
			return "", err
		}
		if e := s.crossRegionRefusal(src); e != nil {
			return "", e.About(src.Name)
		}
		dest, err := tx.ProjectOf(p.AccountID, destProjectID)
		if domain.KindOf(err) == domain.KindNotFound {
			return "", domain.ErrInvalid("project", "err.choose_dest_project").About(destProjectID)
		} else if err != nil {
			return "", err
		}
		if dest.RegionID == src.RegionID {
			return "", domain.ErrInvalid("project", "err.dest_same_region", src.RegionID)
		}
		if cp, err = s.replica(tx, dest, src, name, key); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s replicated to %s as %s", src.Name, dest.RegionID, cp.Name), nil
	})
	if err != nil {
		drop()
	}
	return cp, err
}

// replicateRefusal says why an image usable by the project cannot be
// replicated in its region (S16); nil when it can.
func (s *Service) replicateRefusal(img domain.Image) *domain.Error {
	switch {
	case img.Type == domain.TypeFullECS:
		return domain.Errorf(domain.KindForbidden, domain.CodeNotReplicable, "err.full_ecs_no_replicate")
	case img.SizeGB > s.lim.MaxReplicateGB:
		return domain.Errorf(domain.KindForbidden, domain.CodeNotReplicable, "err.too_large_replicate", s.lim.MaxReplicateGB)
	}
	return nil
}

// crossRegionRefusal says why the owner cannot replicate its image to
// another region (S23); nil when it can.
func (s *Service) crossRegionRefusal(img domain.Image) *domain.Error {
	switch {
	case img.Status != domain.StatusActive:
		return errUnavailable(img)
	case img.Encrypted:
		return domain.Errorf(domain.KindForbidden, domain.CodeNotReplicable, "err.encrypted_cross_region")
	case img.SizeGB > s.lim.MaxReplicateGB:
		return domain.Errorf(domain.KindForbidden, domain.CodeNotReplicable, "err.too_large_replicate", s.lim.MaxReplicateGB)
	}
	return nil
}

// replica creates the copy of src in project dest, with the copy of its
// data stored under dataKey ("" when src has none).
func (s *Service) replica(tx *store.Tx, dest domain.Project, src domain.Image, name, dataKey string) (domain.Image, error) {
	if strings.TrimSpace(name) == "" {
		name = "copy_" + src.Name
		if utf8.RuneCountInString(name) > 128 {
			name = string([]rune(name)[:128])
		}
	}
	name, err := validateName("name", name)
	if err != nil {
		return domain.Image{}, err
	}
	cp := domain.Image{
		Name: name, Description: src.Description, Type: src.Type, OS: src.OS, SizeGB: src.SizeGB, MinDiskGB: src.MinDiskGB,
		Encrypted: src.Encrypted, OriginKind: domain.OriginReplicated, OriginRef: src.ID,
		ContainerFormat: src.ContainerFormat, DiskFormat: src.DiskFormat, MinRAMMB: src.MinRAMMB, Tags: src.Tags, Properties: src.Properties,
	}
	if dataKey != "" && src.HasData() {
		cp.DataKey, cp.SizeBytes, cp.Checksum, cp.HashValue = dataKey, src.SizeBytes, src.Checksum, src.HashValue
	}
	return cp, s.createImage(tx, dest, &cp)
}

// FinishDue completes every image whose save is due: active, or error when
// the image it was being replicated from is gone; an upload whose lease ran
// out goes back to queued, without data (an abandoned upload's file is
// SweepData's). Run at start it also settles images a crash left in
// saving, so none stays stuck.
func (s *Service) FinishDue(ctx context.Context) (int, error) {
	done := 0
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		due, err := tx.SavingImages(s.now(), 500)
		if err != nil {
			return err
		}
		for _, img := range due {
			if img.Uploading() {
				// The upload's lease ran out: its server died or its
				// client stalled. The image waits for its data again.
				if _, err := tx.AbandonUpload(img.ID, img.UploadID, s.now()); err != nil {
					return err
				}
				done++
				continue
			}
			status := domain.StatusActive
			if img.OriginKind == domain.OriginReplicated {
				if ok, err := tx.ImageExists(img.OriginRef); err != nil {
					return err
				} else if !ok {
					status = domain.StatusError
				}
			}
			if err := tx.UpdateImage(img.ID, map[string]any{"status": status, "updated_at": s.now()}); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	return done, err
}

// Run is the background worker of a server, until ctx ends: every
// interval it finishes due images, settles the jobs that wait for them and
// runs waiting member jobs. Every server runs one; they share the work
// through the database. When ctx ends it returns after the job it is
// running, if any, has finished.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var swept time.Time
	for {
		if time.Since(swept) > dataGrace {
			// At start, then hourly: data a crash left behind.
			swept = time.Now()
			if _, err := s.SweepData(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("sweeping image data", "err", err)
			}
		}
		if _, err := s.FinishDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("finishing images", "err", err)
		}
		if _, err := s.SettleImageJobs(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("settling image jobs", "err", err)
		}
		if _, err := s.RunPendingJobs(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("running jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}
