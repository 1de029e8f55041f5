package api

import (
	"fmt"
	"slices"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// readOnly are image attributes a client cannot set: a create naming one
// is refused with 403 (Glance's answer), a PATCH with 409 (issue 9; Glance
// itself answers 403 there too, see the README).
var readOnly = []string{
	"id", "status", "owner", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value",
	"created_at", "updated_at", "self", "file", "schema", "locations", "direct_url", "stores",
	"__imagetype", "__image_size", "__owner_account", "member_status",
}

// isReadOnly reports whether a client may not set attribute k: the list
// above, and Glance's reserved os_glance namespace.
func isReadOnly(k string) bool {
	return slices.Contains(readOnly, k) || strings.HasPrefix(k, "os_glance")
}

func errReadOnly(k string) error {
	return domain.Errorf(domain.KindForbidden, codeForbidden, "Attribute %q is read-only.", domain.Clip(k, 64)).About(k)
}

// errReadOnlyChange refuses a PATCH of a read-only attribute: the image's
// state, not the request's form, decides that attribute (409).
func errReadOnlyChange(k string) error {
	return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "Attribute %q is read-only: it cannot be changed.", domain.Clip(k, 64)).About(k)
}

// imsMarkers are the attributes by which a create body describes an image
// in IMS's way (registered from a description, saving then active) rather
// than registering one for its data to be uploaded, as Glance clients do.
var imsMarkers = []string{"__os_version", "virtual_env_type", "__whole_image"}

// describes reports whether a create body is IMS's description of an image.
func describes(body map[string]any) bool {
	for _, k := range imsMarkers {
		if _, ok := body[k]; ok {
			return true
		}
	}
	return false
}

// importSpec turns a Glance image-create body into an image spec. An IMS
// description (describes) has its size in min_disk (default 40 GB), its
// type from virtual_env_type ("DataImage") and __whole_image (full-ECS),
// its OS in __os_version. A Glance registration keeps min_disk as the
// minimum disk (default 0). Both keep Glance's attributes; other string
// attributes are extra properties, shown back as top-level keys.
func importSpec(body map[string]any) (spec sharing.ImageSpec, described bool, err error) {
	described = describes(body)
	spec = sharing.ImageSpec{Type: domain.TypeSystem, Properties: map[string]string{}}
	if described {
		spec.SizeGB = 40
	}
	var data, whole bool
	for k, v := range body {
		switch k {
		case "name":
			spec.Name, err = stringOf(k, v)
		case "description", "__description":
			spec.Description, err = stringOf(k, v)
		case "__os_version":
			spec.OS, err = stringOf(k, v)
		case "min_disk":
			var n int
			n, err = intOf(k, v)
			switch {
			case !described:
				spec.MinDiskGB = n
			case n > 0:
				spec.SizeGB = n
			}
		case "min_ram":
			spec.MinRAMMB, err = intOf(k, v)
		case "container_format":
			spec.ContainerFormat, err = nullableString(k, v)
		case "disk_format":
			spec.DiskFormat, err = nullableString(k, v)
		case "visibility":
			spec.Visibility, err = stringOf(k, v)
		case "protected":
			spec.Protected, err = boolOf(k, v)
		case "os_hidden":
			err = oneOf(k, v, false, "false")
		case "tags":
			spec.Tags, err = stringsOf(k, v)
		case "virtual_env_type":
			err = oneOf(k, v, "FusionCompute", "DataImage")
			data = v == "DataImage"
		case "__whole_image":
			err = oneOf(k, v, true, false, "true", "false")
			whole = v == true || v == "true"
		case "__system_encrypted":
			err = oneOf(k, v, "0", "1")
			spec.Encrypted = v == "1"
		default:
			err = property(spec.Properties, k, v)
		}
		if err != nil {
			return spec, described, err
		}
	}
	if described && spec.ContainerFormat == "" && spec.DiskFormat == "" {
		// What IMS shows of an image registered from a description.
		spec.ContainerFormat, spec.DiskFormat = "bare", "zvhd2"
	}
	switch {
	case data && whole:
		return spec, described, domain.ErrInvalid("__whole_image", "A data disk image (DataImage) cannot also be a full-ECS image.")
	case data:
		spec.Type = domain.TypeData
	case whole:
		spec.Type = domain.TypeFullECS
	}
	return spec, described, nil
}

// property keeps an extra attribute: Glance's extra properties are strings.
func property(props map[string]string, k string, v any) error {
	if isReadOnly(k) {
		return errReadOnly(k)
	}
	s, ok := v.(string)
	if !ok {
		return domain.ErrInvalid(k, "Extra image properties must be strings; %q is not.", domain.Clip(k, 64))
	}
	props[k] = s
	return nil
}

func stringOf(k string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", domain.ErrInvalid(k, "%s must be a string.", k)
	}
	return s, nil
}

// nullableString reads a string attribute Glance lets be null ("").
func nullableString(k string, v any) (string, error) {
	if v == nil {
		return "", nil
	}
	return stringOf(k, v)
}

func stringsOf(k string, v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, domain.ErrInvalid(k, "%s must be a list of strings.", k)
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, domain.ErrInvalid(k, "%s must be a list of strings.", k)
		}
		out = append(out, s)
	}
	return out, nil
}

func boolOf(k string, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, domain.ErrInvalid(k, "%s must be true or false.", k)
	}
	return b, nil
}

func intOf(k string, v any) (int, error) {
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) || f < 0 {
		return 0, domain.ErrInvalid(k, "%s must be a non-negative integer.", k)
	}
	return int(f), nil
}

func oneOf(k string, v any, allowed ...any) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	// false and "false" are both accepted but read the same to a person.
	var words []string
	for _, a := range allowed {
		if w := fmt.Sprint(a); !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) == 1 {
		return domain.ErrInvalid(k, "%s must be %s.", k, words[0])
	}
	return domain.ErrInvalid(k, "%s must be one of: %s.", k, strings.Join(words, ", "))
}
