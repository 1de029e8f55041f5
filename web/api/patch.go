package api

import (
	"mime"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// The JSON patches of an image: Glance's PATCH /v2/images/{id} and IMS's
// PATCH /v2/cloudimages/{id}, both read here into the one change the
// sharing service applies (sharing.ImageChange).

// Glance's patch media types: v2.1 is RFC 6902 ({"op", "path", "value"});
// v2.0 names the operation by its key ({"replace": "/name", "value": …})
// and refuses to add a property that exists.
const (
	patchV21 = "application/openstack-images-v2.1-json-patch"
	patchV20 = "application/openstack-images-v2.0-json-patch"
)

// patchOp is one operation of a patch, read from either form.
type patchOp struct {
	Op       string
	Path     string
	Value    any
	HasValue bool
	v20      bool // Glance's v2.0 form
}

// readPatch reads a patch body: a JSON array of operations. Glance's call
// needs one of its patch media types (415 otherwise); IMS's takes JSON.
func readPatch(c echo.Context, glanceTypes bool) ([]patchOp, error) {
	v20 := false
	if glanceTypes {
		mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
		switch mt {
		case patchV21:
		case patchV20:
			v20 = true
		default:
			return nil, domain.Errorf(domain.KindInvalid, codeUnsupportedMedia,
				"Send the changes as a JSON patch with Content-Type: %s.", patchV21).About("Content-Type")
		}
	}
	var raw []map[string]any
	if err := decode(c, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, domain.ErrInvalid("body", `Give a JSON array of changes: [{"op": "replace", "path": "/name", "value": "…"}].`)
	}
	ops := make([]patchOp, 0, len(raw))
	for _, r := range raw {
		op := patchOp{v20: v20}
		if v20 {
			for _, name := range []string{"add", "remove", "replace"} {
				if p, ok := r[name]; ok {
					if op.Op != "" {
						return nil, domain.ErrInvalid("op", `An operation names exactly one of "add", "remove" and "replace".`)
					}
					op.Op, op.Path = name, stringValue(p)
				}
			}
		} else {
			op.Op, op.Path = stringValue(r["op"]), stringValue(r["path"])
		}
		op.Value, op.HasValue = r["value"]
		switch op.Op {
		case "add", "replace", "remove":
		default:
			return nil, domain.ErrInvalid("op", "op must be add, replace or remove, not %q.", domain.Clip(op.Op, 32))
		}
		if !strings.HasPrefix(op.Path, "/") || len(op.Path) < 2 {
			return nil, domain.ErrInvalid("path", "path must name an attribute, like /name; %q does not.", domain.Clip(op.Path, 64))
		}
		if op.Op != "remove" && !op.HasValue {
			return nil, domain.ErrInvalid("value", "Operation %q on %s needs a value.", op.Op, domain.Clip(op.Path, 64))
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func stringValue(v any) string {
	s, _ := v.(string)
	return s
}

// attribute is the attribute a patch path names (a JSON pointer of one
// token: "~1" is "/", "~0" is "~"); deeper paths are not supported.
func (op patchOp) attribute() (string, error) {
	tok := op.Path[1:]
	if strings.Contains(tok, "/") {
		return "", domain.ErrInvalid("path", "Only top-level attributes can be changed; %s is deeper.", domain.Clip(op.Path, 64))
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~"), nil
}

// imsFields are what IMS's PATCH changes.
const imsFields = "/name, /__description, /min_disk and /min_ram"

// imageChange reads a patch into the service's change. Glance's (d ==
// glanceImage) changes every attribute a Glance owner may change, and
// extra properties (409 on read-only attributes, as issue 9 asks; Glance's
// answers otherwise: 403 on removing a base attribute, 409 on replacing or
// removing a property that does not exist); IMS's changes imsFields.
func imageChange(ops []patchOp, d imageDialect) (sharing.ImageChange, error) {
	var ch sharing.ImageChange
	for _, op := range ops {
		field, err := op.attribute()
		if err != nil {
			return ch, err
		}
		if d == imsImage {
			err = imsOp(&ch, op, field)
		} else {
			err = glanceOp(&ch, op, field)
		}
		if err != nil {
			return ch, err
		}
	}
	return ch, nil
}

// imsOp reads one operation of IMS's patch: replace or add, or remove for
// the description; numbers may come as strings (the SDK sends them so).
func imsOp(ch *sharing.ImageChange, op patchOp, field string) error {
	if op.Op == "remove" && field != "__description" && field != "description" {
		return domain.ErrInvalid("op", "Only /__description can be removed; %s can be replaced.", imsFields)
	}
	switch field {
	case "name":
		return setString(&ch.Name, op.Path, op.Value)
	case "__description", "description":
		return setDescription(ch, op)
	case "min_disk":
		return setInt(&ch.MinDiskGB, op.Path, op.Value, numberOf)
	case "min_ram":
		return setInt(&ch.MinRAMMB, op.Path, op.Value, numberOf)
	}
	return domain.ErrInvalid(op.Path, "%s cannot be changed; %s can.", domain.Clip(op.Path, 64), imsFields)
}

// setString, setInt and setDescription read an operation's value into a
// field of the change.
func setString(dst **string, k string, v any) error {
	s, err := stringOf(k, v)
	*dst = &s
	return err
}

func setInt(dst **int, k string, v any, read func(string, any) (int, error)) error {
	n, err := read(k, v)
	*dst = &n
	return err
}

// setDescription sets the description, or clears it on remove.
func setDescription(ch *sharing.ImageChange, op patchOp) error {
	if op.Op == "remove" {
		ch.Description = new(string)
		return nil
	}
	return setString(&ch.Description, op.Path, op.Value)
}

// glanceBase are Glance's base attributes: they can be replaced, never
// removed (403), and are not extra properties.
var glanceBase = map[string]bool{"name": true, "min_disk": true, "min_ram": true, "protected": true, "visibility": true,
	"container_format": true, "disk_format": true, "tags": true, "os_hidden": true}

// fixedIMS are IMS's attributes of what an image is: set at creation only.
var fixedIMS = map[string]bool{"__os_version": true, "virtual_env_type": true, "__whole_image": true, "__system_encrypted": true}

// glanceOp reads one operation of Glance's patch.
func glanceOp(ch *sharing.ImageChange, op patchOp, field string) error {
	switch {
	case isReadOnly(field) || fixedIMS[field]:
		return errReadOnlyChange(field)
	case glanceBase[field] && op.Op == "remove":
		return domain.Errorf(domain.KindForbidden, codeForbidden, "Property %s may not be removed.", field).About(field)
	}
	switch field {
	case "name":
		return setString(&ch.Name, field, op.Value)
	case "description", "__description":
		return setDescription(ch, op)
	case "min_disk":
		return setInt(&ch.MinDiskGB, field, op.Value, intOf)
	case "min_ram":
		return setInt(&ch.MinRAMMB, field, op.Value, intOf)
	case "visibility":
		return setString(&ch.Visibility, field, op.Value)
	case "container_format":
		return setString(&ch.ContainerFormat, field, op.Value)
	case "disk_format":
		return setString(&ch.DiskFormat, field, op.Value)
	case "protected":
		b, err := boolOf(field, op.Value)
		ch.Protected = &b
		return err
	case "tags":
		tags, err := stringsOf(field, op.Value)
		ch.Tags = &tags
		return err
	case "os_hidden":
		return oneOf(field, op.Value, false) // no image is hidden
	default:
		pc := sharing.PropertyChange{Key: field}
		switch {
		case op.Op == "remove":
			pc.Op = sharing.PropertyRemove
		case op.Op == "replace":
			pc.Op = sharing.PropertyReplace
		case op.v20:
			pc.Op = sharing.PropertyAdd
		default:
			pc.Op = sharing.PropertySet
		}
		if op.Op != "remove" {
			var ok bool
			if pc.Value, ok = op.Value.(string); !ok {
				return domain.ErrInvalid(field, "Extra image properties must be strings; %q is not.", domain.Clip(field, 64))
			}
		}
		ch.Properties = append(ch.Properties, pc)
		return nil
	}
}

// numberOf reads a non-negative integer given as a JSON number or, as the
// SDK sends every patch value, a string.
func numberOf(k string, v any) (int, error) {
	if s, ok := v.(string); ok {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return 0, domain.ErrInvalid(k, "%s must be a non-negative integer.", k)
		}
		return n, nil
	}
	return intOf(k, v)
}
