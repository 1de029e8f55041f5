package sharing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// ImageChange is a change to an image's editable attributes; nil fields stay
// as they are. Both PATCH dialects (IMS's /v2/cloudimages/{id} and Glance's
// /v2/images/{id}), and Glance's tag calls, translate their requests into
// one of these, so that the rules below are the only ones.
type ImageChange struct {
	Name        *string
	Description *string
	MinDiskGB   *int
	MinRAMMB    *int
	Protected   *bool
	Visibility  *string // private or shared
	// The formats can change only while the image has no data (queued).
	ContainerFormat *string
	DiskFormat      *string
	Tags            *[]string // every tag, replacing the image's
	AddTags         []string  // tags to add (one already there stays)
	RemoveTags      []string  // tags to remove; each must be one of the image's
	Properties      []PropertyChange
}

// PropertyOp is what a PropertyChange does with an extra property.
type PropertyOp int

// Property operations: the JSON patch's, with Glance's answers.
const (
	PropertySet     PropertyOp = iota // add it, or overwrite it
	PropertyAdd                       // add it; it must not exist (Glance's v2.0 patch)
	PropertyReplace                   // overwrite it; it must exist
	PropertyRemove                    // remove it; it must exist
)

// PropertyChange changes one extra property; changes apply in order.
type PropertyChange struct {
	Op    PropertyOp
	Key   string
	Value string
}

// UpdateImage changes what an owner may change of its private image: IMS's
// name, description and minimum disk, and Glance's minimum RAM, formats
// (while queued), tags, protection, visibility and extra properties (S01:
// only the owner; a recipient is refused with IMG.0047, anyone else gets
// "not found"). The change is applied whole or not at all.
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
		// 0 is Glance's "no minimum"; any other minimum holds the image.
		n := *ch.MinDiskGB
		if n < 0 || n > maxImportGB || n > 0 && n < cur.SizeGB {
			return nil, nil, domain.ErrInvalid("min_disk", "err.min_disk_patch", max(cur.SizeGB, 1), maxImportGB)
		}
		cols["min_disk_gb"] = n
		what = append(what, fmt.Sprintf("minimum disk %d GB", n))
	}
	if ch.MinRAMMB != nil {
		if n := *ch.MinRAMMB; n < 0 || n > maxMinRAMMB {
			return nil, nil, domain.ErrInvalid("min_ram", "The minimum RAM must be between 0 and %d MB.", maxMinRAMMB)
		}
		cols["min_ram_mb"] = *ch.MinRAMMB
		what = append(what, fmt.Sprintf("minimum RAM %d MB", *ch.MinRAMMB))
	}
	if ch.Protected != nil {
		cols["protected"] = *ch.Protected
		what = append(what, map[bool]string{true: "protected", false: "unprotected"}[*ch.Protected])
	}
	if ch.Visibility != nil {
		v, err := checkVisibility(*ch.Visibility)
		if err != nil {
			return nil, nil, err
		}
		cols["visibility"] = v
		what = append(what, "visibility "+*ch.Visibility)
	}
	for _, f := range []struct {
		field   string
		col     string
		v       *string
		allowed []string
	}{{"container_format", "container_format", ch.ContainerFormat, ContainerFormats}, {"disk_format", "disk_format", ch.DiskFormat, DiskFormats}} {
		if f.v == nil {
			continue
		}
		if cur.Status != domain.StatusQueued {
			return nil, nil, domain.Errorf(domain.KindForbidden, domain.CodeInvalid, "The %s can be changed only while the image waits for its data (queued).", f.field).About(f.field)
		}
		if err := checkFormat(f.field, *f.v, f.allowed); err != nil {
			return nil, nil, err
		}
		cols[f.col] = *f.v
		what = append(what, f.field+" "+*f.v)
	}
	if ch.Tags != nil || len(ch.AddTags) > 0 || len(ch.RemoveTags) > 0 {
		tags, err := changedTags(cur, ch)
		if err != nil {
			return nil, nil, err
		}
		cols["tags"] = tags
		what = append(what, "tags changed")
	}
	if len(ch.Properties) > 0 {
		props, err := changedProperties(cur, ch.Properties)
		if err != nil {
			return nil, nil, err
		}
		cols["properties"] = props
		what = append(what, "properties changed")
	}
	if len(cols) == 0 {
		return nil, nil, domain.ErrInvalid("body", "Nothing to change: give a new name, description, minimum disk or another attribute.")
	}
	return cols, what, nil
}

// changedTags applies a change's tags to the image's.
func changedTags(cur domain.Image, ch ImageChange) (string, error) {
	tags := ImageTags(cur)
	if ch.Tags != nil {
		tags = slices.Clone(*ch.Tags)
	}
	tags = append(tags, ch.AddTags...)
	for _, t := range ch.RemoveTags {
		i := slices.Index(tags, t)
		if i < 0 {
			return "", domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "The image has no tag %q.", domain.Clip(t, 64)).About("tag")
		}
		tags = slices.Delete(tags, i, i+1)
	}
	return normalTags(tags)
}

// changedProperties applies property changes, in order, to the image's.
// Replacing or removing a property that does not exist, and adding one that
// does with PropertyAdd, is a conflict (Glance's 409).
func changedProperties(cur domain.Image, changes []PropertyChange) (string, error) {
	props := maps.Clone(ImageProperties(cur))
	if props == nil {
		props = map[string]string{}
	}
	for _, c := range changes {
		_, exists := props[c.Key]
		switch {
		case c.Op == PropertyAdd && exists:
			return "", domain.Errorf(domain.KindConflict, domain.CodeInvalid, "Property %s already exists.", domain.Clip(c.Key, 64)).About(c.Key)
		case (c.Op == PropertyReplace || c.Op == PropertyRemove) && !exists:
			return "", domain.Errorf(domain.KindConflict, domain.CodeInvalid, "Property %s does not exist.", domain.Clip(c.Key, 64)).About(c.Key)
		case c.Op == PropertyRemove:
			delete(props, c.Key)
		default:
			props[c.Key] = c.Value
		}
	}
	return encodeProperties(props)
}
