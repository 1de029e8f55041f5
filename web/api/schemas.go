package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

type obj = map[string]any

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func enum(desc string, values ...string) obj {
	return obj{"type": "string", "description": desc, "enum": values}
}

var memberSchema = obj{
	"name": "member",
	"properties": obj{
		"image_id":    str("An identifier for the image"),
		"member_id":   str("An identifier for the image member (project ID, account ID or organization node ID)"),
		"member_type": enum("What the member is", domain.GrantProject, domain.GrantDomain, domain.GrantOrganization),
		"urn":         str("The organization URN, for organization members"),
		"status":      enum("The status of this image member", domain.MemberPending, domain.MemberAccepted, domain.MemberRejected),
		"created_at":  str("Date and time of image member creation"),
		"updated_at":  str("Date and time of last modification of image member"),
		"schema":      obj{"type": "string", "readOnly": true},
	},
}

var imageSchema = obj{
	"name":                 "image",
	"additionalProperties": obj{"type": "string"},
	"properties": obj{
		"id":               str("An identifier for the image"),
		"name":             str("Descriptive name for the image"),
		"status":           enum("Status of the image", "queued", "saving", "active", "killed"),
		"visibility":       enum("Scope of image accessibility: shared once it has members", "private", "shared"),
		"owner":            str("Owner project of the image"),
		"protected":        obj{"type": "boolean", "description": "If true, the image cannot be deleted"},
		"os_hidden":        obj{"type": "boolean"},
		"tags":             obj{"type": "array", "items": obj{"type": "string", "maxLength": 255}},
		"container_format": obj{"type": []string{"null", "string"}, "description": "Format of the container", "enum": append([]any{nil}, anys(sharing.ContainerFormats)...)},
		"disk_format":      obj{"type": []string{"null", "string"}, "description": "Format of the disk", "enum": append([]any{nil}, anys(sharing.DiskFormats)...)},
		"min_disk":         obj{"type": "integer", "description": "Amount of disk space (in GB) required to boot the image"},
		"min_ram":          obj{"type": "integer", "description": "Amount of RAM (in MB) required to boot the image"},
		"size":             obj{"type": []string{"null", "integer"}, "description": "Size of the image data in bytes"},
		"virtual_size":     obj{"type": []string{"null", "integer"}},
		"checksum":         obj{"type": []string{"null", "string"}, "description": "MD5 of the image data"},
		"os_hash_algo":     obj{"type": []string{"null", "string"}, "description": "Algorithm of os_hash_value: sha512"},
		"os_hash_value":    obj{"type": []string{"null", "string"}, "description": "Hash of the image data"},
		"created_at":       str("Date and time of image registration"),
		"updated_at":       str("Date and time of the last image modification"),
		"self":             str("An image self url"),
		"file":             str("An image file url"),
		"schema":           str("An image schema url"),
		"description":      str("Description of the image"),
		"__imagetype":      enum("private: owned by the project; shared: shared with it", "private", "shared"),
		"__os_version":     str("Operating system of a system disk or full-ECS image"),
		"virtual_env_type": enum("FusionCompute: system disk or full-ECS image; DataImage: data disk image", "FusionCompute", "DataImage"),
		"__whole_image":    obj{"type": "boolean", "description": "true for a full-ECS image"},
		"__owner_account":  str("Name of the account that owns the image"),
		"member_status":    enum("For an image shared with the project: its answer", domain.MemberPending, domain.MemberAccepted, domain.MemberRejected),
	},
}

var schemas = map[string]obj{
	"member":  memberSchema,
	"members": {"name": "members", "properties": obj{"members": obj{"type": "array", "items": memberSchema}, "schema": obj{"type": "string"}}},
	"image":   imageSchema,
	"images": {"name": "images", "properties": obj{"images": obj{"type": "array", "items": imageSchema},
		"first": obj{"type": "string"}, "next": obj{"type": "string"}, "schema": obj{"type": "string"}}},
}

func anys(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// schema is GET /v2/schemas/{image,images,member,members}.
func (a *API) schema(c echo.Context, _ session) error {
	s, ok := schemas[c.Param("name")]
	if !ok {
		return domain.ErrNotFound("schema").About(c.Param("name"))
	}
	return c.JSON(http.StatusOK, s)
}
