package sharing

import (
	"context"
	"fmt"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// ImageChange is a change to an image's editable attributes; nil fields stay
// as they are. Both PATCH dialects (IMS's /v2/cloudimages/{id} and Glance's
// /v2/images/{id}) translate their JSON patches into one of these, so that
// the rules below are the only ones.
type ImageChange struct {
	Name        *string
	Description *string
	MinDiskGB   *int
}

// UpdateImage changes what IMS lets an owner change of its private image:
// name, description and minimum disk (S01: only the owner; a recipient is
// refused with IMG.0047, anyone else gets "not found"). The change is
// applied whole or not at all.
func (s *Service) UpdateImage(ctx context.Context, a Actor, imageID string, ch ImageChange) (domain.Image, error) {
	var img domain.Image
	err := s.change(ctx, a, domain.ActUpdateImage, target{"image", imageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		cur, err := s.ownImageForChange(tx, p, imageID, ownerOnly)
		if err != nil {
			return "", err
		}
		cols, what, err := imageColumns(cur, ch)
		if err != nil {
			return "", err
		}
		cols["updated_at"] = s.now()
		if err := tx.UpdateImage(cur.ID, cols); err != nil {
			return "", err
		}
		img, err = tx.Image(cur.ID)
		return fmt.Sprintf("%s: %s", cur.Name, strings.Join(what, ", ")), err
	})
	return img, err
}

// imageColumns checks a change against the image and returns the columns to
// write with a description of each change for the trail.
func imageColumns(cur domain.Image, ch ImageChange) (map[string]any, []string, error) {
	cols := map[string]any{}
	var what []string
	if ch.Name != nil {
		name, err := validateName("name", *ch.Name)
		if err != nil {
			return nil, nil, err
		}
		cols["name"] = name
		what = append(what, "renamed to "+name)
	}
	if ch.Description != nil {
		if err := domain.CheckText("description", *ch.Description, maxDescriptionLen, true); err != nil {
			return nil, nil, err
		}
		cols["description"] = strings.TrimSpace(*ch.Description)
		what = append(what, "description changed")
	}
	if ch.MinDiskGB != nil {
		n := *ch.MinDiskGB
		if n < cur.SizeGB || n > maxImportGB {
			return nil, nil, domain.ErrInvalid("min_disk", "err.min_disk", cur.SizeGB, maxImportGB)
		}
		cols["min_disk_gb"] = n
		what = append(what, fmt.Sprintf("minimum disk %d GB", n))
	}
	if len(cols) == 0 {
		return nil, nil, domain.ErrInvalid("body", "Nothing to change: give a new name, description or minimum disk.")
	}
	return cols, what, nil
}
