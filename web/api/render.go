package api

import (
	"maps"
	"slices"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// glanceTime is Glance's timestamp format.
const glanceTime = "2006-01-02T15:04:05Z"

// imsTime is IMS's job timestamp format.
const imsTime = "2006-01-02T15:04:05.000Z"

// glanceStatus maps an image status to Glance's words.
func glanceStatus(s string) string {
	if s == domain.StatusError {
		return "killed"
	}
	return s
}

// imageKeys are the attributes writeImage writes itself; an extra property
// of the same name is not written (it never overrides them).
var imageKeys = map[string]bool{}

func init() {
	for _, k := range []string{"id", "name", "status", "visibility", "owner", "protected", "os_hidden", "tags",
		"container_format", "disk_format", "min_disk", "min_ram", "size", "virtual_size", "checksum",
		"os_hash_algo", "os_hash_value", "created_at", "updated_at", "self", "file", "schema", "description",
		"__description", "__imagetype", "__os_version", "__image_size", "virtual_env_type", "__whole_image",
		"__system_encrypted", "__owner_account", "member_status"} {
		imageKeys[k] = true
	}
}

// writeImage writes an image as Glance (or IMS) shows it, with the IMS
// attributes (__imagetype, __os_version, …) that the cloud's own API adds. Extra
// properties are top-level keys, as in Glance, after the image's own
// attributes, which they never override.
func writeImage(w *jsonw, v sharing.ImageView, d imageDialect) {
	props := sharing.ImageProperties(v.Image)
	w.object(func() {
		imagetype := "private"
		if !v.Owned {
			imagetype = "shared"
		}
		visibility := v.Visibility
		if visibility == "" {
			visibility = sharing.VisibilityOf(v.Image, v.Owned, false)
		}
		// An image with data is as large as its data; one made without
		// (from a description, a server, a disk) as large as its size in
		// GB; a registered one waiting for its data has no size yet.
		size, sized := int64(v.SizeGB)<<30, true
		switch {
		case v.HasData():
			size = v.SizeBytes
		case v.OriginKind == domain.OriginRegistered:
			sized = false
		}
		w.str("id", v.ID)
		w.str("name", v.Name)
		w.str("status", glanceStatus(v.Status))
		w.str("visibility", visibility)
		w.str("owner", v.ProjectID)
		w.bool("protected", v.Protected)
		w.bool("os_hidden", false)
		w.key("tags")
		w.array(func() {
			for _, t := range sharing.ImageTags(v.Image) {
				w.elem(t)
			}
		})
		writeFormat(w, "container_format", v.ContainerFormat, props, v.OriginKind, "bare")
		writeFormat(w, "disk_format", v.DiskFormat, props, v.OriginKind, "zvhd2")
		w.int("min_disk", int64(v.MinDiskGB))
		w.int("min_ram", int64(v.MinRAMMB))
		if d == imsImage || !sized {
			// The SDK reads size as an int32, which overflows past 2 GiB;
			// the byte size stays in __image_size.
			w.null("size")
		} else {
			w.int("size", size)
		}
		w.null("virtual_size")
		if v.HasData() {
			w.str("checksum", v.Checksum)
			w.str("os_hash_algo", sharing.HashAlgo)
			w.str("os_hash_value", v.HashValue)
		} else {
			w.null("checksum")
			w.null("os_hash_algo")
			w.null("os_hash_value")
		}
		w.time("created_at", v.CreatedAt, glanceTime)
		w.time("updated_at", v.UpdatedAt, glanceTime)
		w.path("self", "/v2/images/", v.ID, "")
		w.path("file", "/v2/images/", v.ID, "/file")
		w.str("schema", "/v2/schemas/image")
		w.str("description", v.Description)
		w.str("__description", v.Description)
		w.str("__imagetype", imagetype)
		w.str("__os_version", v.OS)
		if sized {
			w.intText("__image_size", size) // IMS sends it as text
		} else {
			w.null("__image_size")
		}
		envType := "FusionCompute"
		if v.Type == domain.TypeData {
			envType = "DataImage"
		}
		w.str("virtual_env_type", envType)
		w.bool("__whole_image", v.Type == domain.TypeFullECS)
		encrypted := "0"
		if v.Encrypted {
			encrypted = "1"
		}
		w.str("__system_encrypted", encrypted)
		w.str("__owner_account", v.OwnerAccountName)
		if !v.Owned {
			w.str("member_status", v.ShareStatus)
		}
		if len(props) == 0 {
			return // most images: no sorted copy of no names
		}
		for _, k := range slices.Sorted(maps.Keys(props)) {
			if !imageKeys[k] {
				w.anyStr(k, props[k])
			}
		}
	})
}

// writeFormat writes a container or disk format: the image's; for an
// image from before the formats had columns, the property it was kept in,
// or IMS's default; null for a registered image that has none yet (Glance).
func writeFormat(w *jsonw, key, v string, props map[string]string, origin, def string) {
	switch {
	case v != "":
		w.str(key, v)
	case props[key] != "":
		w.str(key, props[key])
	case origin == domain.OriginRegistered:
		w.null(key)
	default:
		w.str(key, def)
	}
}

// writeMember writes an image member as Glance shows it, with IMS's
// member_type and, for organizations, urn.
func writeMember(w *jsonw, imageID string, r sharing.Recipient) {
	w.object(func() {
		w.str("image_id", imageID)
		w.str("member_id", r.MemberID)
		w.str("status", r.Status)
		w.str("member_type", r.Kind)
		w.time("created_at", r.CreatedAt, glanceTime)
		w.time("updated_at", r.UpdatedAt, glanceTime)
		w.str("schema", "/v2/schemas/member")
		if r.Kind == domain.GrantOrganization {
			w.str("urn", r.Label)
		}
	})
}

// writeMembers writes the "members" list and the schema of a member page.
func writeMembers(w *jsonw, imageID string, rs []sharing.Recipient) {
	w.key("members")
	w.array(func() {
		for _, r := range rs {
			writeMember(w, imageID, r)
		}
	})
	w.str("schema", "/v2/schemas/members")
}

// imageDialect is whose body an image has: Glance's, or IMS's own calls'.
type imageDialect int

const (
	glanceImage imageDialect = iota
	imsImage
)

// imageJSON answers one image.
func imageJSON(c echo.Context, status int, v sharing.ImageView, d imageDialect) error {
	return writeJSON(c, status, func(w *jsonw) { writeImage(w, v, d) })
}

// memberJSON answers one member.
func memberJSON(c echo.Context, imageID string, r sharing.Recipient) error {
	return jsonOK(c, func(w *jsonw) { writeMember(w, imageID, r) })
}
