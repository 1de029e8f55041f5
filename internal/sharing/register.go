package sharing

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// This file holds what Glance clients register and change: an image
// registered without data (queued until its data is uploaded), and the
// attributes Glance keeps besides IMS's (formats, minimum RAM, tags,
// protection, visibility, extra properties).

// DefaultOS is the OS of a system disk image registered through Glance
// without one: what IMS calls an image of an unknown Linux.
const DefaultOS = "Other Linux (64 bit)"

// Glance's limits on an image's tags and extra properties (its
// image_tag_quota and image_property_quota), and on their length.
const (
	maxTags       = 128
	maxTagLen     = 255
	maxProperties = 128
	maxMinRAMMB   = 1 << 20 // 1 TB of RAM
)

// ContainerFormats and DiskFormats are the formats an image may declare:
// Glance's, and the cloud's zvhd and zvhd2.
var (
	ContainerFormats = []string{"bare", "ovf", "ova", "aki", "ari", "ami", "docker", "compressed"}
	DiskFormats      = []string{"raw", "qcow2", "vhd", "vhdx", "vmdk", "vdi", "iso", "ploop", "aki", "ari", "ami", "zvhd", "zvhd2"}
)

// glanceAttrs checks the Glance attributes of a spec and sets them on img.
func glanceAttrs(spec ImageSpec, img *domain.Image) error {
	if err := checkFormat("container_format", spec.ContainerFormat, ContainerFormats); err != nil {
		return err
	}
	if err := checkFormat("disk_format", spec.DiskFormat, DiskFormats); err != nil {
		return err
	}
	if spec.MinRAMMB < 0 || spec.MinRAMMB > maxMinRAMMB {
		return domain.ErrInvalid("min_ram", "The minimum RAM must be between 0 and %d MB.", maxMinRAMMB)
	}
	vis, err := checkVisibility(spec.Visibility)
	if err != nil {
		return err
	}
	tags, err := normalTags(spec.Tags)
	if err != nil {
		return err
	}
	props, err := encodeProperties(spec.Properties)
	if err != nil {
		return err
	}
	img.ContainerFormat, img.DiskFormat, img.MinRAMMB = spec.ContainerFormat, spec.DiskFormat, spec.MinRAMMB
	img.Tags, img.Protected, img.Visibility, img.Properties = tags, spec.Protected, vis, props
	return nil
}

func checkFormat(field, v string, allowed []string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return domain.ErrInvalid(field, "%s must be one of %s.", field, strings.Join(allowed, ", "))
}

// checkVisibility reads a visibility an owner registers: private (kept as
// "") or shared. There are no public or community images.
func checkVisibility(v string) (string, error) {
	switch v {
	case "", domain.VisibilityPrivate:
		return "", nil
	case domain.VisibilityShared:
		return v, nil
	}
	return "", domain.ErrInvalid("visibility", "visibility must be private or shared: there are no public or community images.")
}

// normalTags checks tags and returns them as stored: a JSON array without
// repeats, in the order given ("" for none).
func normalTags(tags []string) (string, error) {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if err := domain.CheckText("tag", t, maxTagLen, false); err != nil {
			return "", err
		}
		if strings.TrimSpace(t) == "" {
			return "", domain.ErrInvalid("tag", "A tag cannot be empty.")
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return "", domain.Errorf(domain.KindQuota, domain.CodeInvalid, "An image can have at most %d tags; this one would have %d.", maxTags, len(out)).About("tags")
	}
	if len(out) == 0 {
		return "", nil
	}
	b, _ := json.Marshal(out)
	return string(b), nil
}

// ImageTags returns an image's tags.
func ImageTags(img domain.Image) []string {
	if img.Tags == "" {
		// Before the variable: its address escapes to Unmarshal, which puts
		// it on the heap wherever it is declared, once for every listed image.
		return nil
	}
	var tags []string
	_ = json.Unmarshal([]byte(img.Tags), &tags) // written by normalTags
	return tags
}

// ImageProperties returns an image's extra properties (nil for none: most
// images have none, and lists read every image's).
func ImageProperties(img domain.Image) map[string]string {
	if img.Properties == "" {
		return nil
	}
	var props map[string]string
	_ = json.Unmarshal([]byte(img.Properties), &props) // written by encodeProperties
	return props
}

// encodeProperties checks extra properties and returns them as stored.
func encodeProperties(props map[string]string) (string, error) {
	if len(props) > maxProperties {
		return "", domain.Errorf(domain.KindQuota, domain.CodeInvalid, "An image can have at most %d extra properties; this one would have %d.", maxProperties, len(props)).About("properties")
	}
	for k, v := range props {
		if err := domain.CheckText("property name", k, maxPropertyLen, false); err != nil {
			return "", err
		}
		if strings.TrimSpace(k) == "" {
			return "", domain.ErrInvalid("property name", "A property needs a name.")
		}
		if err := domain.CheckText(k, v, maxPropertyLen, false); err != nil {
			return "", err
		}
	}
	if len(props) == 0 {
		return "", nil
	}
	b, err := json.Marshal(props)
	if err != nil {
		return "", domain.ErrInvalid("properties", "The properties cannot be stored.")
	}
	return string(b), nil
}

// osOf is the OS of a system disk image registered through Glance: the one
// given, else what Glance's common properties say (os_distro and
// os_version, or os_type windows), else DefaultOS.
func osOf(spec ImageSpec) string {
	if os := strings.TrimSpace(spec.OS); os != "" {
		return os
	}
	p := spec.Properties
	if d := strings.TrimSpace(p["os_distro"]); d != "" {
		return strings.TrimSpace(d + " " + strings.TrimSpace(p["os_version"]))
	}
	if strings.EqualFold(strings.TrimSpace(p["os_type"]), "windows") {
		return "Other Windows (64 bit)"
	}
	return DefaultOS
}

// RegisterImage registers a private image the way Glance does: without
// data, in status queued ("Waiting for upload") until its data is uploaded
// (UploadData). It counts in the quota (S11) from now on. A system disk
// image without an OS gets one from its properties (osOf).
func (s *Service) RegisterImage(ctx context.Context, a Actor, spec ImageSpec) (domain.Image, error) {
	var img domain.Image
	err := s.change(ctx, a, domain.ActCreateImage, target{"image", spec.Name}, func(tx *store.Tx, p domain.Project) (string, error) {
		name, desc, err := spec.validText()
		if err != nil {
			return "", err
		}
		if spec.Type == "" {
			spec.Type = domain.TypeSystem
		}
		if !spec.Type.Valid() {
			return "", domain.ErrInvalid("type", "Choose the image type: system, data or full_ecs.")
		}
		if spec.MinDiskGB < 0 || spec.MinDiskGB > maxImportGB {
			return "", domain.ErrInvalid("min_disk", "The minimum disk must be between 0 and %d GB.", maxImportGB)
		}
		img = domain.Image{
			Name: name, Description: desc, Type: spec.Type, MinDiskGB: spec.MinDiskGB, Encrypted: spec.Encrypted,
			OriginKind: domain.OriginRegistered, Status: domain.StatusQueued,
		}
		if spec.Type.MakesServers() {
			img.OS = osOf(spec)
		}
		if err := glanceAttrs(spec, &img); err != nil {
			return "", err
		}
		return "registered " + name + " (waiting for upload)", s.createImage(tx, p, &img)
	})
	return img, err
}

// VisibilityOf is an image's visibility as Glance shows it: shared when
// its owner registered it so or it has members (hasMembers), private
// otherwise; an image seen by a member is always shared.
func VisibilityOf(img domain.Image, owned, hasMembers bool) string {
	if !owned || hasMembers || img.Visibility == domain.VisibilityShared {
		return domain.VisibilityShared
	}
	return domain.VisibilityPrivate
}
