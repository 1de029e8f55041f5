package api_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
)

// Stock gophercloud v2 registers an image, uploads its data (a stream of
// unknown length: chunked), changes it with a JSON patch and downloads it
// back, as the owner and as an accepted recipient; a pending recipient and
// a stranger are refused.
func TestGophercloudUploadPatchDownload(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := f.server()
	ctx := context.Background()
	owner := imageClient(t, srv, "acme", "alice", gophercloud.AuthScope{ProjectName: "cn-north-4", DomainName: "acme"})
	bob := imageClient(t, srv, "bravo", "bob", gophercloud.AuthScope{ProjectID: bobProject})
	carol := imageClient(t, srv, "globex", "carol", gophercloud.AuthScope{ProjectName: "cn-north-4", DomainName: "globex"})

	im, err := images.Create(ctx, owner, images.CreateOpts{Name: "gc-data", ContainerFormat: "bare", DiskFormat: "qcow2",
		Tags: []string{"gc"}, Properties: map[string]string{"os_distro": "ubuntu"}}).Extract()
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if im.Status != images.ImageStatusQueued || im.SizeBytes != 0 || im.Checksum != "" {
		t.Errorf("created: status %s, size %d, checksum %q; want queued without data", im.Status, im.SizeBytes, im.Checksum)
	}
	if _, err := members.Create(ctx, owner, im.ID, bobProject).Extract(); err != nil {
		t.Fatalf("S02 share the queued image: %v", err)
	}

	data := bytes.Repeat([]byte("gophercloud "), 200000) // 2.4 MB
	if err := imagedata.Upload(ctx, owner, im.ID, io.MultiReader(bytes.NewReader(data))).ExtractErr(); err != nil {
		t.Fatalf("upload: %v", err)
	}
	wantCode(t, "recipient uploads", imagedata.Upload(ctx, bob, im.ID, bytes.NewReader(data)).ExtractErr(), http.StatusForbidden)
	wantCode(t, "upload again", imagedata.Upload(ctx, owner, im.ID, bytes.NewReader(data)).ExtractErr(), http.StatusConflict)

	got, err := images.Update(ctx, owner, im.ID, images.UpdateOpts{
		images.ReplaceImageName{NewName: "gc-data-v2"},
		images.ReplaceImageMinRam{NewMinRam: 1024},
		images.ReplaceImageTags{NewTags: []string{"gc", "patched"}},
		images.UpdateImageProperty{Op: images.AddOp, Name: "team", Value: "platform"},
		images.UpdateImageProperty{Op: images.RemoveOp, Name: "os_distro"},
	}).Extract()
	if err != nil {
		t.Fatalf("patch: %v", err)
	}
	sum := md5.Sum(data)
	if got.Name != "gc-data-v2" || got.MinRAMMegabytes != 1024 || !slices.Equal(got.Tags, []string{"gc", "patched"}) ||
		got.Properties["team"] != "platform" || got.Properties["os_distro"] != nil || got.Status != images.ImageStatusActive ||
		got.SizeBytes != int64(len(data)) || got.Checksum != hex.EncodeToString(sum[:]) {
		t.Errorf("after upload and patch: %s, RAM %d, tags %v, team %v, os_distro %v, %s, %d bytes, checksum %s",
			got.Name, got.MinRAMMegabytes, got.Tags, got.Properties["team"], got.Properties["os_distro"], got.Status, got.SizeBytes, got.Checksum)
	}
	_, err = images.Update(ctx, owner, im.ID, images.UpdateOpts{images.ReplaceImageChecksum{Checksum: "0"}}).Extract()
	wantCode(t, "patch a read-only attribute", err, http.StatusConflict)
	_, err = images.Update(ctx, bob, im.ID, images.UpdateOpts{images.ReplaceImageName{NewName: "bobs"}}).Extract()
	wantCode(t, "recipient patches", err, http.StatusForbidden)

	download := func(c *gophercloud.ServiceClient) ([]byte, error) {
		rc, err := imagedata.Download(ctx, c, im.ID).Extract()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	if b, err := download(owner); err != nil || !bytes.Equal(b, data) {
		t.Fatalf("owner downloads %d bytes (%v), want %d", len(b), err, len(data))
	}
	_, err = download(bob)
	wantCode(t, "pending recipient downloads", err, http.StatusForbidden)
	_, err = download(carol)
	wantCode(t, "stranger downloads", err, http.StatusNotFound)
	if _, err := members.Update(ctx, bob, im.ID, bobProject, members.UpdateOpts{Status: "accepted"}).Extract(); err != nil {
		t.Fatalf("bob accepts: %v", err)
	}
	if b, err := download(bob); err != nil || !bytes.Equal(b, data) {
		t.Errorf("accepted recipient downloads %d bytes (%v), want %d", len(b), err, len(data))
	}
	if m, err := members.Update(ctx, bob, im.ID, bobProject, members.UpdateOpts{Status: "pending"}).Extract(); err != nil || m.Status != "pending" {
		t.Errorf("bob sets pending again: %+v, %v", m, err)
	}
	if err := images.Delete(ctx, owner, im.ID).ExtractErr(); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = download(owner)
	wantCode(t, "download a deleted image", err, http.StatusNotFound)
}
