package sharing

import (
	"context"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// This file holds the read-only questions the console asks that the rest of
// the service does not answer: which images a project may use for a
// purpose, and single rows (an image, a server, a disk) with their offers
// (actions.go). The rules stay here; the console only shows the answers.
// The service still checks every action.

// ImageUse is what a project wants an image for.
type ImageUse string

// Image uses.
const (
	UseServer   ImageUse = "server"    // create a server (S17): system and full-ECS images
	UseDisk     ImageUse = "disk"      // create a data disk (S17): data disk images
	UseChangeOS ImageUse = "change_os" // change a server's OS (S19): system disk images
)

// refusal says why img cannot serve use, by the checks the action makes.
func (u ImageUse) refusal(img domain.Image) *domain.Error {
	switch u {
	case UseServer:
		return serverRefusal(img)
	case UseDisk:
		return diskRefusal(img)
	case UseChangeOS:
		return changeOSRefusal(img)
	}
	return domain.ErrInvalid("use", "err.unknown_use", u)
}

// UsableImages lists the images the actor's project may use for use: its own
// active images and the accepted images shared with it (S16–S21), own first,
// at most MaxPage of each (newest own, most recently shared).
func (s *Service) UsableImages(ctx context.Context, a Actor, use ImageUse) (out []domain.Image, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.project(tx, a); err != nil {
			return err
		}
		all := Page{Limit: store.MaxPage}
		own, err := tx.OwnImages(a.ProjectID, ImageFilter{}, all)
		if err != nil {
			return err
		}
		shared, err := tx.SharedImages(a.ProjectID, domain.MemberAccepted, all)
		if err != nil {
			return err
		}
		for _, r := range own.Rows {
			if firstRefusal(use.refusal(r.Image), useRefusal(r.Image, true, "", "")) == nil {
				out = append(out, r.Image)
			}
		}
		for _, r := range shared.Rows {
			if firstRefusal(use.refusal(r.Image), useRefusal(r.Image, false, r.ShareStatus, errNotAcceptedUse)) == nil {
				out = append(out, r.Image)
			}
		}
		return nil
	})
	return out, err
}

// OwnImage returns one of the actor project's own images with its recipient
// counts, as a row of Private Images; any other image is not found.
func (s *Service) OwnImage(ctx context.Context, a Actor, id string) (row OwnImage, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		v, err := s.imageView(tx, a, id, false)
		if err != nil {
			return err
		}
		if !v.Owned {
			return domain.ErrImageNotFound()
		}
		rows, err := s.withCounts(tx, []domain.Image{v.Image})
		if err != nil {
			return err
		}
		row = rows[0]
		return nil
	})
	return row, err
}

// Server returns one of the actor project's servers with its offers; any
// other is not found.
func (s *Service) Server(ctx context.Context, a Actor, id string) (row ServerRow, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		srv, err := tx.Server(p.ID, id)
		if err != nil {
			return err
		}
		rows, err := s.serverRows(tx, p, []domain.Server{srv})
		if err == nil {
			row = rows[0]
		}
		return err
	})
	return row, err
}

// Disk returns one of the actor project's disks with its offers; any other
// is not found.
func (s *Service) Disk(ctx context.Context, a Actor, id string) (row DiskRow, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		d, err := tx.Disk(p.ID, id)
		if err == nil {
			row = diskRows([]domain.Disk{d})[0]
		}
		return err
	})
	return row, err
}

// Destination is a project of the owner's account in another region, where
// it can replicate an image (S23).
type Destination struct {
	ProjectID   string
	ProjectName string
	RegionID    string
	RegionName  string
}

// Replication is what the Replicate dialog offers for an image: in-region
// replication (S16), cross-region replication (S23) into one of the
// destinations; each refused with its reason where a rule forbids it.
type Replication struct {
	Image        ImageView
	InRegion     *domain.Error
	CrossRegion  *domain.Error
	Destinations []Destination
}

// Replication answers what the actor may do to replicate an image.
func (s *Service) Replication(ctx context.Context, a Actor, id string) (r Replication, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		if r.Image, err = s.imageView(tx, a, id, true); err != nil {
			return err
		}
		v := r.Image
		r.InRegion, r.CrossRegion = s.replicationRefusals(ImageState{Image: v.Image, Owned: v.Owned, ShareStatus: v.ShareStatus})
		if r.CrossRegion != nil {
			return nil
		}
		acc, err := tx.Account(a.AccountID)
		if err != nil {
			return err
		}
		projects, err := tx.Projects(a.AccountID, "")
		if err != nil {
			return err
		}
		regions, err := tx.Regions()
		if err != nil {
			return err
		}
		offered := map[string]domain.Region{}
		for _, reg := range regions {
			if reg.OfferedOn(acc.Site) {
				offered[reg.ID] = reg
			}
		}
		for _, p := range projects {
			if reg, ok := offered[p.RegionID]; ok && p.RegionID != v.RegionID {
				r.Destinations = append(r.Destinations, Destination{ProjectID: p.ID, ProjectName: p.Name, RegionID: reg.ID, RegionName: reg.Name})
			}
		}
		if len(r.Destinations) == 0 {
			r.CrossRegion = domain.Errorf(domain.KindConflict, domain.CodeInvalid, "err.not_found_no_project_elsewhere")
		}
		return nil
	})
	return r, err
}

// Deletion is what the Delete dialog shows: how many recipients lose the
// image, or why the actor cannot delete it (S01).
type Deletion struct {
	Image      ImageView
	Recipients int
	Why        *domain.Error
}

// DeletePreview answers whether the actor may delete an image.
func (s *Service) DeletePreview(ctx context.Context, a Actor, id string) (d Deletion, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		d.Image, err = s.imageView(tx, a, id, true)
		d.Recipients, d.Why = d.Image.Recipients, d.Image.Refusal(ActionDelete)
		return err
	})
	return d, err
}
