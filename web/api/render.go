package api

import (
	"encoding/json"
	"strconv"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// glanceTime is Glance's timestamp format.
const glanceTime = "2006-01-02T15:04:05Z"

// imsTime is IMS's job timestamp format.
const imsTime = "2006-01-02T15:04:05.000Z"

func glanceStamp(t time.Time) string { return t.UTC().Format(glanceTime) }

// glanceStatus maps an image status to Glance's words.
func glanceStatus(s string) string {
	if s == domain.StatusError {
		return "killed"
	}
	return s
}

// imageBody is an image as Glance shows it, with the IMS attributes
// (__imagetype, __os_version, …) that the cloud's own API adds. Extra
// properties given at creation are top-level keys, as in Glance; they never
// override the image's own attributes.
func imageBody(v sharing.ImageView) map[string]any {
	m := map[string]any{}
	var props map[string]string
	_ = json.Unmarshal([]byte(v.Properties), &props) // written by ImportImage: a map of strings
	for k, val := range props {
		m[k] = val
	}
	imagetype, visibility := "private", "private"
	if !v.Owned {
		imagetype, visibility = "shared", "shared"
		m["member_status"] = v.ShareStatus
	}
	size := int64(v.SizeGB) << 30
	envType := "FusionCompute"
	if v.Type == domain.TypeData {
		envType = "DataImage"
	}
	encrypted := "0"
	if v.Encrypted {
		encrypted = "1"
	}
	for k, val := range map[string]any{
		"id": v.ID, "name": v.Name, "status": glanceStatus(v.Status), "visibility": visibility,
		"owner": v.ProjectID, "protected": false, "os_hidden": false, "tags": []string{},
		"container_format": orDefault(props["container_format"], "bare"), "disk_format": orDefault(props["disk_format"], "zvhd2"),
		"min_disk": v.MinDiskGB, "min_ram": 0, "size": size, "virtual_size": nil, "checksum": nil,
		"os_hash_algo": nil, "os_hash_value": nil,
		"created_at": glanceStamp(v.CreatedAt), "updated_at": glanceStamp(v.UpdatedAt),
		"self": "/v2/images/" + v.ID, "file": "/v2/images/" + v.ID + "/file", "schema": "/v2/schemas/image",
		"description": v.Description, "__description": v.Description,
		"__imagetype": imagetype, "__os_version": v.OS, "__image_size": strconv.FormatInt(size, 10),
		"virtual_env_type": envType, "__whole_image": v.Type == domain.TypeFullECS, "__system_encrypted": encrypted,
		"__owner_account": v.OwnerAccountName,
	} {
		m[k] = val
	}
	return m
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// memberBody is an image member as Glance shows it, with IMS's member_type
// and, for organizations, urn.
func memberBody(imageID string, r sharing.Recipient) map[string]any {
	m := map[string]any{
		"image_id": imageID, "member_id": r.MemberID, "status": r.Status, "member_type": r.Kind,
		"created_at": glanceStamp(r.CreatedAt), "updated_at": glanceStamp(r.UpdatedAt), "schema": "/v2/schemas/member",
	}
	if r.Kind == domain.GrantOrganization {
		m["urn"] = r.Label
	}
	return m
}

func membersBody(imageID string, rs []sharing.Recipient) []map[string]any {
	out := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		out = append(out, memberBody(imageID, r))
	}
	return out
}

func imagesBody(rows []sharing.ImageView, render func(sharing.ImageView) map[string]any) []map[string]any {
	out := make([]map[string]any, 0, len(rows))
	for _, v := range rows {
		out = append(out, render(v))
	}
	return out
}
