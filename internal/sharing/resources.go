package sharing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/internal/store"
)

// ServerSpec describes a server to create from an image.
type ServerSpec struct {
	ImageID string
	AZ      string
	Name    string
}

// DiskSpec describes a data disk: from a data disk image, or blank when
// ImageID is empty.
type DiskSpec struct {
	ImageID string
	AZ      string
	Name    string
	SizeGB  int
}

var (
	errNotAcceptedUse       = "err.accept_first_use"
	errNotAcceptedReplicate = "err.accept_first_replicate"
)

func errUnavailable(img domain.Image) *domain.Error {
	if img.Status == domain.StatusQueued {
		return domain.Errorf(domain.KindConflict, domain.CodeUnavailable, "err.image_queued")
	}
	return domain.Errorf(domain.KindConflict, domain.CodeUnavailable, "err.image_not_ready", i18n.Term("status."+img.Status))
}

// typeNoun is an image type as a noun in a message ("a full-ECS image").
func typeNoun(t domain.ImageType) i18n.Term { return i18n.Term("type." + string(t) + ".noun") }

// useRefusal says why project p cannot use img, given how it is shared with
// p (S16–S21): not accepted, or not active; nil when it can.
func useRefusal(img domain.Image, owned bool, shareStatus, notAccepted string) *domain.Error {
	switch {
	case !owned && shareStatus != domain.MemberAccepted:
		return domain.Errorf(domain.KindForbidden, domain.CodeNotAccepted, notAccepted)
	case img.Status != domain.StatusActive:
		return errUnavailable(img)
	}
	return nil
}

// serverRefusal says why img cannot create servers (S17); nil when it can.
func serverRefusal(img domain.Image) *domain.Error {
	if !img.Type.MakesServers() {
		return domain.ErrInvalid("image", "err.makes_disks_not_servers", img.Name)
	}
	return nil
}

// changeOSRefusal says why img cannot become a server's OS (S19); nil when it can.
func changeOSRefusal(img domain.Image) *domain.Error {
	if img.Type != domain.TypeSystem {
		return domain.ErrInvalid("image", "err.change_os_system_only", img.Name, typeNoun(img.Type))
	}
	return nil
}

// diskRefusal says why img cannot create data disks (S17); nil when it can.
func diskRefusal(img domain.Image) *domain.Error {
	if img.Type != domain.TypeData {
		return domain.ErrInvalid("image", "err.not_data_image", img.Name)
	}
	return nil
}

// usableImage returns an image project p may use (S16–S21): its own, or one
// shared with it and accepted; active in either case. An image that is no
// longer shared with p (S21) is "not found".
func (s *Service) usableImage(tx *store.Tx, p domain.Project, id, notAccepted string) (domain.Image, error) {
	img, err := tx.Image(id)
	if err != nil {
		return img, err
	}
	status := ""
	if img.ProjectID != p.ID {
		share, ok, err := tx.Share(p.ID, id)
		if err != nil {
			return img, err
		}
		if !ok {
			return domain.Image{}, domain.ErrImageNotFound()
		}
		status = share.Status
	}
	if e := useRefusal(img, img.ProjectID == p.ID, status, notAccepted); e != nil {
		return img, e.About(img.Name)
	}
	return img, nil
}

// checkAZ makes sure an AZ is in project p's region (S18).
func checkAZ(tx *store.Tx, p domain.Project, az string) error {
	azs, err := tx.AZs(p.RegionID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(azs, func(z domain.AZ) bool { return z.ID == az }) {
		return domain.ErrInvalid("az", "err.az_not_in_region", p.RegionID, az)
	}
	return nil
}

// CreateServer creates a server from a system disk or full-ECS image in any
// AZ of the image's region (S17, S18, S20). Full-ECS servers get no EIP.
func (s *Service) CreateServer(ctx context.Context, a Actor, spec ServerSpec) (domain.Server, error) {
	var srv domain.Server
	err := s.change(ctx, a, domain.ActCreateServer, target{"image", spec.ImageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		img, err := s.usableImage(tx, p, spec.ImageID, errNotAcceptedUse)
		if err != nil {
			return "", err
		}
		if e := serverRefusal(img); e != nil {
			return "", e
		}
		if err := checkAZ(tx, p, spec.AZ); err != nil {
			return "", err
		}
		name := strings.TrimSpace(spec.Name)
		if name == "" {
			name = "ecs-" + randomHex(2)
		}
		if name, err = validateName("name", name); err != nil {
			return "", err
		}
		now := s.now()
		srv = domain.Server{
			ID: newUUID(), ProjectID: p.ID, AccountID: p.AccountID, RegionID: p.RegionID, AZ: spec.AZ, Name: name,
			ImageID: img.ID, ImageName: img.Name, ImageType: img.Type, OS: img.OS, DiskGB: max(img.SizeGB, img.MinDiskGB),
			Status: "running", CreatedAt: now, UpdatedAt: now,
		}
		if img.Type == domain.TypeSystem {
			// A new server gets its own new EIP; a full-ECS image carries
			// none, because EIPs are never shared (S18).
			srv.EIP = newEIP()
		}
		return fmt.Sprintf("server %s from %s in %s", name, img.Name, spec.AZ), tx.CreateServer(&srv)
	})
	return srv, err
}

func newEIP() string {
	b := randomHex(2)
	return fmt.Sprintf("100.64.%d.%d", int(b[0])%200+1, int(b[2])%250+1)
}

// CreateDisk creates a new data disk, blank or from a data disk image (S17).
func (s *Service) CreateDisk(ctx context.Context, a Actor, spec DiskSpec) (domain.Disk, error) {
	var disk domain.Disk
	err := s.change(ctx, a, domain.ActCreateDisk, target{"image", spec.ImageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		if err := checkAZ(tx, p, spec.AZ); err != nil {
			return "", err
		}
		now := s.now()
		disk = domain.Disk{ID: newUUID(), ProjectID: p.ID, AccountID: p.AccountID, RegionID: p.RegionID, AZ: spec.AZ, Status: "available", CreatedAt: now}
		min := 10
		if spec.ImageID != "" {
			img, err := s.usableImage(tx, p, spec.ImageID, errNotAcceptedUse)
			if err != nil {
				return "", err
			}
			if e := diskRefusal(img); e != nil {
				return "", e
			}
			disk.ImageID, disk.ImageName, min = img.ID, img.Name, max(img.SizeGB, img.MinDiskGB)
		}
		if spec.SizeGB == 0 {
			spec.SizeGB = min
		}
		if spec.SizeGB < min || spec.SizeGB > 32768 {
			return "", domain.ErrInvalid("size_gb", "err.disk_size", min)
		}
		disk.SizeGB = spec.SizeGB
		name := strings.TrimSpace(spec.Name)
		if name == "" {
			name = "volume-" + randomHex(2)
		}
		var err error
		if disk.Name, err = validateName("name", name); err != nil {
			return "", err
		}
		return fmt.Sprintf("disk %s (%d GB) in %s", disk.Name, disk.SizeGB, spec.AZ), tx.CreateDisk(&disk)
	})
	return disk, err
}

// RestoreDisk is refused: a data disk image can only create new data disks,
// never overwrite an existing one (S17).
func (s *Service) RestoreDisk(ctx context.Context, a Actor, diskID, imageID string) error {
	return s.change(ctx, a, domain.ActRestoreDisk, target{"disk", diskID}, func(tx *store.Tx, p domain.Project) (string, error) {
		d, err := tx.Disk(p.ID, diskID)
		if err != nil {
			return "", err
		}
		return "", errNoRestore(d)
	})
}

// ChangeOS puts another system disk image on one of the project's servers (S19, S21).
func (s *Service) ChangeOS(ctx context.Context, a Actor, serverID, imageID string) error {
	return s.change(ctx, a, domain.ActChangeOS, target{"server", serverID}, func(tx *store.Tx, p domain.Project) (string, error) {
		srv, err := tx.Server(p.ID, serverID)
		if err != nil {
			return "", err
		}
		img, err := s.usableImage(tx, p, imageID, errNotAcceptedUse)
		if err != nil {
			return "", err
		}
		if e := changeOSRefusal(img); e != nil {
			return "", e
		}
		cols := map[string]any{"image_id": img.ID, "image_name": img.Name, "image_type": img.Type, "os": img.OS,
			"disk_gb": max(srv.DiskGB, img.SizeGB, img.MinDiskGB), "updated_at": s.now()}
		return fmt.Sprintf("%s now runs %s (%s)", srv.Name, img.Name, img.OS), tx.UpdateServer(p.ID, srv.ID, cols)
	})
}

// Reinstall reinstalls a server's OS from the image it was made from, which
// must still be available to the project (S21): the refusal is the one the
// Servers list shows beside a disabled Reinstall OS.
func (s *Service) Reinstall(ctx context.Context, a Actor, serverID string) error {
	return s.change(ctx, a, domain.ActReinstall, target{"server", serverID}, func(tx *store.Tx, p domain.Project) (string, error) {
		srv, err := tx.Server(p.ID, serverID)
		if err != nil {
			return "", err
		}
		var ids []string
		if srv.ImageID != "" {
			ids = []string{srv.ImageID}
		}
		usable, err := s.imagesFor(tx, p, ids)
		if err != nil {
			return "", err
		}
		if e := reinstallRefusal(srv, usable[srv.ImageID]); e != nil {
			return "", e
		}
		return "reinstalled " + srv.Name, tx.UpdateServer(p.ID, srv.ID, map[string]any{"updated_at": s.now()})
	})
}
