package api_test

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"imageshare/internal/sharing"
)

const patchType = "application/openstack-images-v2.1-json-patch"

func randomData(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// register registers a Glance image as tempest and the openstack client do.
func (f *fixture) register(token, name string, extra map[string]any) map[string]any {
	f.t.Helper()
	body := map[string]any{"name": name, "container_format": "bare", "disk_format": "raw"}
	for k, v := range extra {
		body[k] = v
	}
	return f.do("POST", "/v2/images", token, body).expect(f.t, "register "+name, http.StatusCreated, "").JSON(f.t)
}

// put uploads data into an image, as a stream of unknown length (chunked)
// unless sized.
func (f *fixture) put(token, id string, data []byte, sized bool) response {
	f.t.Helper()
	var body io.Reader = io.MultiReader(bytes.NewReader(data)) // no length: like a chunked request
	if sized {
		body = bytes.NewReader(data)
	}
	return f.do("PUT", "/v2/images/"+id+"/file", token, body, header{"Content-Type": "application/octet-stream"})
}

// Glance-native registration (SPEC §5): what tempest and the openstack
// client send registers a queued system disk image that keeps Glance's
// attributes; its owner shares it at once (S02); its data uploaded, it is
// active with size and checksums, and its owner and accepted recipients
// download it (Range and Content-MD5 included).
func TestS02_GlanceRegisterShareUploadDownload(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	im := f.register(f.alice(), "glance-native", map[string]any{"min_disk": 5, "min_ram": 256, "tags": []string{"web", "ci"},
		"visibility": "shared", "protected": false, "os_distro": "debian", "os_version": "12", "hw_disk_bus": "virtio"})
	want := map[string]any{"status": "queued", "visibility": "shared", "min_disk": 5.0, "min_ram": 256.0, "container_format": "bare",
		"disk_format": "raw", "size": nil, "checksum": nil, "os_hash_value": nil, "__os_version": "debian 12", "hw_disk_bus": "virtio",
		"protected": false, "__imagetype": "private"}
	for k, v := range want {
		if im[k] != v {
			t.Errorf("registered image %s = %v, want %v", k, im[k], v)
		}
	}
	if tags, _ := im["tags"].([]any); len(tags) != 2 || tags[0] != "web" || tags[1] != "ci" {
		t.Errorf("tags %v, want [web ci]", im["tags"])
	}
	id := im["id"].(string)
	plain := f.register(f.alice(), "plain", nil)
	if plain["__os_version"] != sharing.DefaultOS || plain["visibility"] != "private" {
		t.Errorf("a registration without OS or visibility: OS %v, visibility %v; want %q, private", plain["__os_version"], plain["visibility"], sharing.DefaultOS)
	}

	// S02: members may be added to a queued image.
	f.do("POST", "/v2/images/"+id+"/members", f.alice(), map[string]string{"member": bobProject}).expect(t, "share a queued image", 200, "")
	if got := f.do("GET", "/v2/images/"+id, f.bob(), nil).expect(t, "bob reads it", 200, "").JSON(t); got["status"] != "queued" || got["visibility"] != "shared" {
		t.Errorf("bob sees status %v, visibility %v; want queued, shared", got["status"], got["visibility"])
	}
	f.do("GET", "/v2/images/"+id+"/file", f.alice(), nil).expect(t, "download before upload", http.StatusNoContent, "")
	f.do("GET", "/v2/images/"+id+"/file", f.bob(), nil).expect(t, "pending recipient downloads", http.StatusForbidden, "IMG.0196")

	data := randomData(3<<20 + 123) // over the 1 MiB body limit of other calls
	f.do("PUT", "/v2/images/"+id+"/file", f.alice(), bytes.NewReader(data), header{"Content-Type": "application/json"}).expect(t, "upload as JSON", 415, "")
	f.put(f.bob(), id, data, true).expect(t, "recipient uploads", 403, "IMG.0047")
	f.put(f.carol(), id, data, true).expect(t, "stranger uploads", 404, "IMG.0027")
	f.put(f.alice(), id, data, false).expect(t, "upload", http.StatusNoContent, "")
	f.put(f.alice(), id, data, true).expect(t, "upload again", http.StatusConflict, "")

	got := f.do("GET", "/v2/images/"+id, f.alice(), nil).expect(t, "show", 200, "").JSON(t)
	m, h := md5.Sum(data), sha512.Sum512(data)
	for k, v := range map[string]any{"status": "active", "size": float64(len(data)), "checksum": hex.EncodeToString(m[:]),
		"os_hash_algo": "sha512", "os_hash_value": hex.EncodeToString(h[:])} {
		if got[k] != v {
			t.Errorf("after upload %s = %v, want %v", k, got[k], v)
		}
	}
	r := f.do("GET", "/v2/images/"+id+"/file", f.alice(), nil).expect(t, "download", 200, "")
	if !bytes.Equal(r.Body, data) || r.Header.Get("Content-MD5") != hex.EncodeToString(m[:]) || r.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("download: %d bytes, Content-MD5 %q, type %q", len(r.Body), r.Header.Get("Content-MD5"), r.Header.Get("Content-Type"))
	}
	r = f.do("GET", "/v2/images/"+id+"/file", f.alice(), nil, header{"Range": "bytes=1000-1099"}).expect(t, "range", http.StatusPartialContent, "")
	if !bytes.Equal(r.Body, data[1000:1100]) || r.Header.Get("Content-MD5") != "" {
		t.Errorf("range: %d bytes, Content-MD5 %q; want bytes 1000-1099 and no Content-MD5 (it is the whole data's)", len(r.Body), r.Header.Get("Content-MD5"))
	}
	f.do("GET", "/v2/images/"+id+"/file", f.carol(), nil).expect(t, "stranger downloads", 404, "IMG.0027")
	f.do("PUT", "/v2/images/"+id+"/members/"+bobProject, f.bob(), map[string]string{"status": "accepted"}).expect(t, "bob accepts", 200, "")
	if r := f.do("GET", "/v2/images/"+id+"/file", f.bob(), nil).expect(t, "accepted recipient downloads", 200, ""); !bytes.Equal(r.Body, data) {
		t.Errorf("bob downloads %d bytes, want %d", len(r.Body), len(data))
	}
	// A demo image made from a description has no data.
	f.do("GET", "/v2/images/"+f.imageID(f.alice(), "ubuntu-22.04-web")+"/file", f.alice(), nil).expect(t, "image without data", http.StatusNoContent, "")
}

// An upload over the server's limit is 413, whether its length is given
// or only shows as it streams; the image waits for upload again.
func TestGlanceUploadOverTheLimit(t *testing.T) {
	f := newFixture(t, fixtureOpts{limits: func(l *sharing.Limits) { l.MaxImageBytes = 1 << 20 }})
	id := f.register(f.alice(), "big", nil)["id"].(string)
	data := randomData(1<<20 + 1)
	f.put(f.alice(), id, data, true).expect(t, "sized upload over the limit", http.StatusRequestEntityTooLarge, "IMG.0413")
	f.put(f.alice(), id, data, false).expect(t, "chunked upload over the limit", http.StatusRequestEntityTooLarge, "IMG.0413")
	if got := f.do("GET", "/v2/images/"+id, f.alice(), nil).JSON(t); got["status"] != "queued" || got["size"] != nil {
		t.Errorf("after refused uploads: status %v, size %v; want queued, null", got["status"], got["size"])
	}
	f.put(f.alice(), id, data[:1<<20], false).expect(t, "upload at the limit", http.StatusNoContent, "")
	noFormats := f.do("POST", "/v2/images", f.alice(), map[string]any{"name": "no-formats"}).expect(t, "register without formats", 201, "").JSON(t)
	if noFormats["container_format"] != nil || noFormats["disk_format"] != nil {
		t.Errorf("formats %v, %v; want null until set", noFormats["container_format"], noFormats["disk_format"])
	}
	f.put(f.alice(), noFormats["id"].(string), data[:10], true).expect(t, "upload before the formats are set", 400, "IMG.0001")
}

// Glance's PATCH: owner only, JSON patch media types, Glance's status codes
// (409 read-only, 403 removing a base attribute, 409 a property that does not
// exist, 400 a bad value); tags have their own calls; a protected image
// cannot be deleted.
func TestGlancePatchTagsAndProtection(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	id := f.register(f.alice(), "patched", map[string]any{"team": "web"})["id"].(string)
	patch := func(token string, ops any, ct string) response {
		return f.do("PATCH", "/v2/images/"+id, token, ops, header{"Content-Type": ct})
	}
	ops := []map[string]any{
		{"op": "replace", "path": "/name", "value": "patched-v2"},
		{"op": "add", "path": "/owner_specified.openstack.md5", "value": "abc"},
		{"op": "replace", "path": "/team", "value": "platform"},
		{"op": "replace", "path": "/min_ram", "value": 1024},
		{"op": "replace", "path": "/tags", "value": []string{"a", "b"}},
		{"op": "replace", "path": "/protected", "value": true},
		{"op": "replace", "path": "/disk_format", "value": "qcow2"},
	}
	got := patch(f.alice(), ops, patchType).expect(t, "patch", 200, "").JSON(t)
	for k, v := range map[string]any{"name": "patched-v2", "owner_specified.openstack.md5": "abc", "team": "platform", "min_ram": 1024.0,
		"protected": true, "disk_format": "qcow2"} {
		if got[k] != v {
			t.Errorf("patched %s = %v, want %v", k, got[k], v)
		}
	}
	for _, tc := range []struct {
		name   string
		token  string
		ops    any
		ct     string
		status int
	}{
		{"read-only status", f.alice(), []map[string]any{{"op": "replace", "path": "/status", "value": "active"}}, patchType, 409},
		{"read-only checksum", f.alice(), []map[string]any{{"op": "add", "path": "/checksum", "value": "x"}}, patchType, 409},
		{"remove the name", f.alice(), []map[string]any{{"op": "remove", "path": "/name"}}, patchType, 403},
		{"replace a missing property", f.alice(), []map[string]any{{"op": "replace", "path": "/nope", "value": "1"}}, patchType, 409},
		{"remove a missing property", f.alice(), []map[string]any{{"op": "remove", "path": "/nope"}}, patchType, 409},
		{"v2.0 add of an existing property", f.alice(), []map[string]any{{"add": "/team", "value": "x"}}, "application/openstack-images-v2.0-json-patch", 409},
		{"min_disk not a number", f.alice(), []map[string]any{{"op": "replace", "path": "/min_disk", "value": "ten"}}, patchType, 400},
		{"a move", f.alice(), []map[string]any{{"op": "move", "from": "/name", "path": "/x"}}, patchType, 400},
		{"no value", f.alice(), []map[string]any{{"op": "replace", "path": "/name"}}, patchType, 400},
		{"plain JSON", f.alice(), []map[string]any{{"op": "replace", "path": "/name", "value": "x"}}, "application/json", 415},
		{"recipient", f.bob(), []map[string]any{{"op": "replace", "path": "/name", "value": "x"}}, patchType, 404},
	} {
		patch(tc.token, tc.ops, tc.ct).expect(t, tc.name, tc.status, "")
	}
	// v2.0's form works.
	got = patch(f.alice(), []map[string]any{{"replace": "/name", "value": "v20"}, {"remove": "/team"}}, "application/openstack-images-v2.0-json-patch").
		expect(t, "v2.0 patch", 200, "").JSON(t)
	if got["name"] != "v20" || got["team"] != nil {
		t.Errorf("after the v2.0 patch: name %v, team %v", got["name"], got["team"])
	}

	tags := func() []string {
		var out []string
		for _, x := range f.do("GET", "/v2/images/"+id, f.alice(), nil).JSON(t)["tags"].([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	f.do("PUT", "/v2/images/"+id+"/tags/c%2Fd", f.alice(), nil).expect(t, "add a tag", 204, "")
	f.do("PUT", "/v2/images/"+id+"/tags/a", f.alice(), nil).expect(t, "add an existing tag", 204, "")
	f.do("DELETE", "/v2/images/"+id+"/tags/a", f.alice(), nil).expect(t, "delete a tag", 204, "")
	f.do("DELETE", "/v2/images/"+id+"/tags/zzz", f.alice(), nil).expect(t, "delete a missing tag", 404, "")
	if got := tags(); !slices.Equal(got, []string{"b", "c/d"}) {
		t.Errorf("tags %v, want [b c/d]", got)
	}

	f.do("DELETE", "/v2/images/"+id, f.alice(), nil).expect(t, "delete a protected image", 403, "")
	patch(f.alice(), []map[string]any{{"op": "replace", "path": "/protected", "value": false}}, patchType).expect(t, "unprotect", 200, "")
	f.do("DELETE", "/v2/images/"+id, f.alice(), nil).expect(t, "delete", 204, "")

	// IMS's PATCH changes the same image through the same rules.
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	r := f.do("PATCH", "/v2/cloudimages/"+ubuntu, f.alice(), []map[string]any{{"op": "replace", "path": "/min_ram", "value": "2048"}}).
		expect(t, "IMS patch", 200, "").JSON(t)
	if r["min_ram"] != 2048.0 {
		t.Errorf("IMS patch min_ram %v, want 2048", r["min_ram"])
	}
	f.do("PATCH", "/v2/cloudimages/"+ubuntu, f.alice(), []map[string]any{{"op": "replace", "path": "/protected", "value": true}}).
		expect(t, "IMS patch of what IMS does not change", 400, "IMG.0001")
}

// Glance's member status: a recipient may set pending again; visibility
// lists split own images by whether they are shared.
func TestGlanceMemberPendingAndVisibilityLists(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	members := "/v2/images/" + ubuntu + "/members"
	f.do("POST", members, f.alice(), map[string]string{"member": bobProject}).expect(t, "share", 200, "")
	for _, status := range []string{"accepted", "pending", "rejected", "pending"} {
		r := f.do("PUT", members+"/"+bobProject, f.bob(), map[string]string{"member": bobProject, "status": status}).expect(t, "set "+status, 200, "").JSON(t)
		if r["status"] != status {
			t.Errorf("after setting %s: %v", status, r["status"])
		}
	}
	list := func(token, query string) []string {
		return ids(f.do("GET", "/v2/images?limit=100&"+query, token, nil).expect(t, query, 200, "").JSON(t)["images"])
	}
	if got := list(f.bob(), "visibility=shared&member_status=pending"); !slices.Contains(got, ubuntu) {
		t.Errorf("bob's pending shared images %v, want %s", got, ubuntu)
	}
	if got := list(f.alice(), "visibility=shared"); !slices.Equal(got, []string{ubuntu}) {
		t.Errorf("alice's shared images %v, want only %s (the one with a member)", got, ubuntu)
	}
	private := list(f.alice(), "visibility=private")
	if slices.Contains(private, ubuntu) || len(private) < 4 {
		t.Errorf("alice's private images %v: want the demo's others, not %s", private, ubuntu)
	}
	for _, im := range f.do("GET", "/v2/images?limit=100", f.alice(), nil).JSON(t)["images"].([]any) {
		im := im.(map[string]any)
		if want := map[bool]string{true: "shared", false: "private"}[im["id"] == ubuntu]; im["visibility"] != want {
			t.Errorf("%v: visibility %v, want %s", im["name"], im["visibility"], want)
		}
	}
	f.do("PUT", members+"/"+bobProject, f.bob(), map[string]string{"status": "maybe"}).expect(t, "bad status", 400, "")
	if !strings.Contains(string(f.do("PUT", members+"/"+bobProject, f.bob(), map[string]string{"status": "maybe"}).Body), "pending") {
		t.Error("the bad-status message does not name pending")
	}
}
