package api

import (
	"fmt"
	"slices"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// readOnly are image attributes a client cannot set (Glance answers 403).
var readOnly = []string{
	"id", "status", "owner", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value",
	"created_at", "updated_at", "self", "file", "schema", "locations", "direct_url",
	"__imagetype", "__image_size", "__owner_account", "member_status",
}

// importSpec turns a Glance image-create body into an import description.
// The size is min_disk (default 40 GB); the type comes from IMS's
// virtual_env_type ("DataImage" for a data disk image) and __whole_image
// (full-ECS); the OS from __os_version. Other string attributes are kept as
// properties and shown back as top-level keys.
func importSpec(body map[string]any) (sharing.ImageSpec, error) {
	spec := sharing.ImageSpec{Type: domain.TypeSystem, SizeGB: 40, Properties: map[string]string{}}
	var data, whole bool
	for k, v := range body {
		var err error
		switch k {
		case "name":
			spec.Name, err = stringOf(k, v)
		case "description", "__description":
			spec.Description, err = stringOf(k, v)
		case "__os_version":
			spec.OS, err = stringOf(k, v)
		case "min_disk":
			var n int
			if n, err = intOf(k, v); n > 0 {
				spec.SizeGB = n
			}
		case "min_ram":
			_, err = intOf(k, v)
		case "visibility":
			err = oneOf(k, v, "private", "shared")
		case "protected", "os_hidden":
			err = oneOf(k, v, false, "false")
		case "tags":
			if list, ok := v.([]any); !ok || len(list) > 0 {
				err = domain.ErrInvalid(k, "Image tags are not supported.")
			}
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
			return spec, err
		}
	}
	switch {
	case data && whole:
		return spec, domain.ErrInvalid("__whole_image", "A data disk image (DataImage) cannot also be a full-ECS image.")
	case data:
		spec.Type = domain.TypeData
	case whole:
		spec.Type = domain.TypeFullECS
	}
	return spec, nil
}

// property keeps an extra attribute: Glance's extra properties are strings.
func property(props map[string]string, k string, v any) error {
	if slices.Contains(readOnly, k) {
		return domain.Errorf(domain.KindForbidden, codeForbidden, "Attribute %q is read-only.", k).About(k)
	}
	s, ok := v.(string)
	if !ok {
		return domain.ErrInvalid(k, "Extra image properties must be strings; %q is not.", k)
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
