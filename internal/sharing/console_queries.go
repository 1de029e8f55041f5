package sharing

import (
	"context"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// This file holds the read-only questions the console asks that the rest of
// the service does not answer: which actions an image offers its viewer (so
// that the console hides or disables, with the reason, what a rule forbids)
// and which images a project may use for a purpose. The rules stay here; the
// console only shows the answers. The service still checks every action.

// ImageState is what decides which actions an image offers its viewer.
type ImageState struct {
	Image       domain.Image
	Owned       bool   // the viewer's project owns it
	ShareStatus string // for a recipient: pending, accepted or rejected
	Accepted    int    // accepted recipients (S09)
	Recipients  int    // grants, whatever their answer
}

// Actions says, for each console action on an image, why it is refused ("" when
// it is offered).
type Actions struct {
	Share                string
	StopSharing          string
	Replicate            string
	ReplicateCrossRegion string
	CreateServer         string
	CreateDisk           string
	Delete               string
	Upload               string // upload the image's data (a queued image)
	Download             string // download the image's data
}

// Actions answers which actions st offers (S01–S04, S09, S16–S18, S23),
// with the very refusals the actions themselves would give.
func (s *Service) Actions(st ImageState) Actions {
	img := st.Image
	use := useRefusal(img, st.Owned, st.ShareStatus, errNotAcceptedUse)
	var act Actions
	if st.Owned {
		act.Share = reason(s.shareRefusal(img, st.Accepted))
		act.ReplicateCrossRegion = reason(s.crossRegionRefusal(img))
		if st.Recipients == 0 {
			act.StopSharing = "The image is not shared with anyone."
		}
		act.Delete = reason(deleteRefusal(img))
		act.Upload = reason(uploadRefusal(img))
	} else {
		act.Share = domain.ErrOwnerOnly().Message + sharedOnHint
		act.StopSharing = domain.ErrOwnerOnly().Message
		act.ReplicateCrossRegion = crossRegionSharedHint
		act.Delete = errDeleteOwnerOnly().Message
		act.Upload = domain.ErrOwnerOnly().Message
	}
	act.Download = reason(downloadRefusal(st.Owned, st.ShareStatus))
	if act.Download == "" && (img.Status != domain.StatusActive || !img.HasData()) {
		act.Download = "The image has no data to download."
	}
	act.Replicate = reason(firstRefusal(useRefusal(img, st.Owned, st.ShareStatus, errNotAcceptedReplicate), s.replicateRefusal(img)))
	act.CreateServer = reason(firstRefusal(serverRefusal(img), use))
	act.CreateDisk = reason(firstRefusal(diskRefusal(img), use))
	return act
}

// reason is a refusal's message, "" for none.
func reason(e *domain.Error) string {
	if e == nil {
		return ""
	}
	return e.Message
}

func firstRefusal(es ...*domain.Error) *domain.Error {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}

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
	return domain.ErrInvalid("use", "Unknown use %q.", u)
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
		rows, err := withCounts(tx, []domain.Image{v.Image})
		if err != nil {
			return err
		}
		row = rows[0]
		return nil
	})
	return row, err
}

// Server returns one of the actor project's servers; any other is not found.
func (s *Service) Server(ctx context.Context, a Actor, id string) (srv domain.Server, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		srv, err = tx.Server(p.ID, id)
		return err
	})
	return srv, err
}

// Disk returns one of the actor project's disks; any other is not found.
func (s *Service) Disk(ctx context.Context, a Actor, id string) (d domain.Disk, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		d, err = tx.Disk(p.ID, id)
		return err
	})
	return d, err
}
