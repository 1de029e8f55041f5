package sharing_test

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/imagedata"
	"imageshare/internal/sharing"
)

// registered registers a Glance image (queued, no data) for a, raw in bare.
func (e *env) registered(a sharing.Actor, name string, mods ...func(*sharing.ImageSpec)) domain.Image {
	e.t.Helper()
	spec := sharing.ImageSpec{Name: name, ContainerFormat: "bare", DiskFormat: "raw"}
	for _, m := range mods {
		m(&spec)
	}
	img, err := e.svc.RegisterImage(e.ctx, a, spec)
	e.must(err, "register "+name)
	return img
}

// upload uploads data into an image and fails the test on error.
func (e *env) upload(a sharing.Actor, imageID string, data []byte) domain.Image {
	e.t.Helper()
	img, err := e.svc.UploadData(e.ctx, a, imageID, bytes.NewReader(data), int64(len(data)))
	e.must(err, "upload")
	return img
}

// download reads an image's data as a; nil when it has none.
func (e *env) download(a sharing.Actor, imageID string) ([]byte, error) {
	e.t.Helper()
	d, err := e.svc.OpenData(e.ctx, a, imageID)
	if err != nil || d.Object == nil {
		return nil, err
	}
	defer d.Object.Close()
	return io.ReadAll(d.Object)
}

// storedKeys lists the keys the storage holds.
func (e *env) storedKeys() []string {
	e.t.Helper()
	var keys []string
	e.must(e.data.Keys(e.ctx, func(k string, _ time.Time) error { keys = append(keys, k); return nil }), "list keys")
	return keys
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// S02 (amended): an image registered without data is queued; its owner may
// share it, its recipients see it but can make nothing from it until its
// data is uploaded and it is active. Saving and error images stay unshareable.
func TestS02_QueuedImageIsSharedButUsedOnlyOnceActive(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.registered(owner, "glance-web")
	if img.Status != domain.StatusQueued || img.OS != sharing.DefaultOS || img.Type != domain.TypeSystem || img.HasData() {
		t.Fatalf("registered image: status %s, OS %q, type %s, data %v; want queued %q system without data", img.Status, img.OS, img.Type, img.HasData(), sharing.DefaultOS)
	}
	e.share(owner, img.ID, rec.ProjectID)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept a queued image")
	if got := e.shared(rec, domain.MemberAccepted); !slices.Contains(got, img.ID) {
		t.Errorf("rec's accepted images %v, want the queued image", got)
	}
	_, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: img.ID, AZ: "r1a"})
	wantCode(t, err, domain.CodeUnavailable)
	_, err = e.svc.Replicate(e.ctx, rec, img.ID, "")
	wantCode(t, err, domain.CodeUnavailable)
	if data, err := e.download(rec, img.ID); err != nil || data != nil {
		t.Errorf("rec downloads a queued image: %d bytes, %v; want no data", len(data), err)
	}
	v, err := e.svc.ImageWithCounts(e.ctx, rec, img.ID)
	e.must(err, "the recipient reads the queued image")
	for _, a := range []sharing.Action{sharing.ActionCreateServer, sharing.ActionReplicate, sharing.ActionDownload} {
		if o, ok := v.Offers.Of(a); !ok || o.Allowed() {
			t.Errorf("a recipient's %s on a queued image: offered %v (%v), want refused", a, ok, o.Why)
		}
	}

	payload := randomBytes(3000)
	e.upload(owner, img.ID, payload)
	if _, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: img.ID, AZ: "r1a"}); err != nil {
		t.Errorf("rec creates a server once the image is active: %v", err)
	}

	// Saving (an upload under way) and error images cannot be shared.
	busy := e.registered(owner, "busy")
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := e.svc.UploadData(e.ctx, owner, busy.ID, io.MultiReader(bytes.NewReader([]byte("partial")), blockingReader(release)), -1)
		done <- err
	}()
	waitStatus(t, e, owner, busy.ID, domain.StatusSaving)
	_, err = e.svc.Share(e.ctx, owner, []string{busy.ID}, []string{rec.ProjectID})
	wantCode(t, err, domain.CodeUnavailable)
	// A second upload into the image while the first runs is refused.
	_, err = e.svc.UploadData(e.ctx, owner, busy.ID, bytes.NewReader([]byte("other")), 5)
	wantKind(t, err, domain.KindConflict)
	close(release)
	e.must(<-done, "the upload finishes")
}

// blockingReader returns EOF once release is closed.
type blockingReader chan struct{}

func (b blockingReader) Read([]byte) (int, error) { <-b; return 0, io.EOF }

func waitStatus(t *testing.T, e *env, a sharing.Actor, id, status string) domain.Image {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; {
		v, err := e.svc.Image(e.ctx, a, id)
		e.must(err, "read "+id)
		if v.Status == status {
			return v.Image
		}
		if time.Now().After(deadline) {
			t.Fatalf("image %s stays %s, want %s", id, v.Status, status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Uploaded data is stored whole with its size, MD5 and SHA-512, the image
// goes queued → saving → active, and only the owner and accepted
// recipients read it back (S01: a stranger learns nothing).
func TestUploadStoresDataForOwnerAndAcceptedRecipients(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("intl", "")
	img := e.registered(owner, "data")
	payload := randomBytes(1<<20 + 17)
	got := e.upload(owner, img.ID, payload)
	m, h := md5.Sum(payload), sha512.Sum512(payload)
	if got.Status != domain.StatusActive || got.SizeBytes != int64(len(payload)) || got.SizeGB != 1 ||
		got.Checksum != hex.EncodeToString(m[:]) || got.HashValue != hex.EncodeToString(h[:]) {
		t.Fatalf("after upload: %s, %d bytes (%d GB), md5 %s, sha512 %s", got.Status, got.SizeBytes, got.SizeGB, got.Checksum, got.HashValue)
	}
	if data, err := e.download(owner, img.ID); err != nil || !bytes.Equal(data, payload) {
		t.Fatalf("owner downloads %d bytes (%v), want the %d uploaded", len(data), err, len(payload))
	}
	e.share(owner, img.ID, rec.ProjectID)
	_, err := e.download(rec, img.ID)
	wantCode(t, err, domain.CodeNotAccepted)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
	if data, err := e.download(rec, img.ID); err != nil || !bytes.Equal(data, payload) {
		t.Errorf("accepted recipient downloads %d bytes (%v), want the %d uploaded", len(data), err, len(payload))
	}
	e.must(e.svc.Reject(e.ctx, rec, []string{img.ID}), "reject")
	_, err = e.download(rec, img.ID)
	wantCode(t, err, domain.CodeNotAccepted)
	_, err = e.download(other, img.ID)
	wantCode(t, err, domain.CodeImageNotFound)

	// An image made without data (from a description) has none to give.
	described := e.image(owner, "described", domain.TypeSystem)
	if data, err := e.download(owner, described.ID); err != nil || data != nil {
		t.Errorf("an image without data: %d bytes, %v; want none", len(data), err)
	}
}

// Uploads are refused, changing nothing, when the image cannot take data;
// a failed upload leaves the image queued with no data stored.
func TestUploadRefusalsAndFailuresLeaveTheImageQueued(t *testing.T) {
	e := newEnv(t, 0, func(l *sharing.Limits) { l.MaxImageBytes = 1000 })
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("intl", "")
	img := e.registered(owner, "target")
	e.share(owner, img.ID, rec.ProjectID)

	_, err := e.svc.UploadData(e.ctx, rec, img.ID, bytes.NewReader([]byte("x")), 1)
	wantCode(t, err, domain.CodeOwnerOnly)
	_, err = e.svc.UploadData(e.ctx, other, img.ID, bytes.NewReader([]byte("x")), 1)
	wantCode(t, err, domain.CodeImageNotFound)
	noFormat := e.registered(owner, "no-format", func(s *sharing.ImageSpec) { s.ContainerFormat, s.DiskFormat = "", "" })
	_, err = e.svc.UploadData(e.ctx, owner, noFormat.ID, bytes.NewReader([]byte("x")), 1)
	wantKind(t, err, domain.KindInvalid)
	_, err = e.svc.UploadData(e.ctx, owner, img.ID, bytes.NewReader(make([]byte, 1001)), 1001)
	wantKind(t, err, domain.KindTooLarge)
	_, err = e.svc.UploadData(e.ctx, owner, img.ID, bytes.NewReader(make([]byte, 1001)), -1) // chunked: the size shows only at the end
	wantKind(t, err, domain.KindTooLarge)
	_, err = e.svc.UploadData(e.ctx, owner, img.ID, io.MultiReader(bytes.NewReader([]byte("half")), errReader{}), -1)
	wantKind(t, err, domain.KindInvalid)
	v, err := e.svc.Image(e.ctx, owner, img.ID)
	e.must(err, "read")
	if v.Status != domain.StatusQueued || v.HasData() || v.UploadID != "" {
		t.Errorf("after failed uploads: %s, data %q, upload %q; want queued without data", v.Status, v.DataKey, v.UploadID)
	}
	if keys := e.storedKeys(); len(keys) != 0 {
		t.Errorf("failed uploads left data: %v", keys)
	}

	e.upload(owner, img.ID, []byte("exactly the data"))
	_, err = e.svc.UploadData(e.ctx, owner, img.ID, bytes.NewReader([]byte("again")), 5)
	wantKind(t, err, domain.KindConflict)
	described := e.image(owner, "described", domain.TypeSystem)
	_, err = e.svc.UploadData(e.ctx, owner, described.ID, bytes.NewReader([]byte("x")), 1)
	wantKind(t, err, domain.KindConflict)
	// S25: uploads and their refusals are in the trail.
	trail, err := e.svc.Trail(e.ctx, owner, sharing.TrailFilter{Action: domain.ActUploadImage}, sharing.Page{Limit: 50})
	e.must(err, "trail")
	results := map[string]int{}
	for _, ev := range trail.Rows {
		results[ev.Result]++
	}
	// The recipient's and the stranger's refusals are in their own trails.
	if results[domain.ResultSuccess] != 1 || results[domain.ResultFailure] != 6 {
		t.Errorf("upload trail: %v, want the one upload and the owner's 6 refusals", results)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

// An upload cut off by a crash never leaves an active image: the image
// stays saving until its lease runs out, then waits for upload again; the
// crashed upload, should it ever resume, cannot make it active.
func TestUploadCutOffByACrashNeverActivates(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	img := e.registered(owner, "crash")
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := e.svc.UploadData(e.ctx, owner, img.ID, io.MultiReader(bytes.NewReader(randomBytes(5000)), blockingReader(release)), -1)
		done <- err
	}()
	waitStatus(t, e, owner, img.ID, domain.StatusSaving)

	// The server "restarts": another service on the same database and
	// storage sees an upload whose lease runs out.
	later := sharing.New(e.st, e.lim, sharing.WithClock(func() time.Time { return e.clock.Now().Add(e.lim.UploadLease + time.Second) }), sharing.WithImageData(e.data))
	e.clock.Advance(e.lim.UploadLease / 2)
	if n, err := later.FinishDue(e.ctx); err != nil || n != 1 {
		t.Fatalf("finishing after the lease: %d, %v; want the upload abandoned", n, err)
	}
	v := waitStatus(t, e, owner, img.ID, domain.StatusQueued)
	if v.HasData() || v.UploadID != "" {
		t.Errorf("after the lease: data %q, upload %q; want none", v.DataKey, v.UploadID)
	}
	if d, err := later.OpenData(e.ctx, owner, img.ID); err != nil || d.Object != nil {
		t.Errorf("download after the crash: %v, %v; want no data", d.Object, err)
	}

	// The old upload completes after all: it must not take the image.
	close(release)
	if err := <-done; domain.KindOf(err) != domain.KindConflict {
		t.Errorf("the cut-off upload ends with %v, want a conflict", err)
	}
	v = waitStatus(t, e, owner, img.ID, domain.StatusQueued)
	if v.HasData() {
		t.Errorf("the cut-off upload left data %q on the image", v.DataKey)
	}
	if keys := e.storedKeys(); len(keys) != 0 {
		t.Errorf("the cut-off upload left stored data: %v", keys)
	}
	// And a new upload works.
	e.upload(owner, img.ID, []byte("second try"))
}

// Deleting an image deletes its data (a protected image is not deleted);
// a replica copies the data, which outlives its source.
func TestDataFollowsDeleteAndReplication(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	ownerR3 := e.actor("owner", "r3")
	img := e.registered(owner, "src", func(s *sharing.ImageSpec) { s.Protected = true })
	payload := randomBytes(4096)
	up := e.upload(owner, img.ID, payload)

	e.share(owner, img.ID, rec.ProjectID)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
	cp, err := e.svc.Replicate(e.ctx, rec, img.ID, "rec-copy")
	e.must(err, "replicate")
	far, err := e.svc.ReplicateCrossRegion(e.ctx, owner, img.ID, ownerR3.ProjectID, "far")
	e.must(err, "replicate across regions")
	e.finish()
	if cp.Checksum != up.Checksum || far.Checksum != up.Checksum || cp.SizeBytes != up.SizeBytes || cp.HashValue != up.HashValue {
		t.Errorf("replicas' checksums %q and %q, size %d; want the source's %q, %d", cp.Checksum, far.Checksum, cp.SizeBytes, up.Checksum, up.SizeBytes)
	}

	err = e.svc.DeleteImage(e.ctx, owner, img.ID)
	wantKind(t, err, domain.KindForbidden)
	_, err = e.svc.UpdateImage(e.ctx, owner, img.ID, sharing.ImageChange{Protected: ptr(false)})
	e.must(err, "unprotect")
	e.must(e.svc.DeleteImage(e.ctx, owner, img.ID), "delete")
	if keys := e.storedKeys(); len(keys) != 2 {
		t.Errorf("after deleting the source: stored %v, want the two replicas' data", keys)
	}
	for who, c := range map[string]struct {
		a  sharing.Actor
		id string
	}{"in-region replica": {rec, cp.ID}, "cross-region replica": {ownerR3, far.ID}} {
		data, err := e.download(c.a, c.id)
		if err != nil || !bytes.Equal(data, payload) {
			t.Errorf("%s: %d bytes (%v), want the source's %d", who, len(data), err, len(payload))
		}
	}
	e.must(e.svc.DeleteImage(e.ctx, rec, cp.ID), "delete the replica")
	e.must(e.svc.DeleteImage(e.ctx, ownerR3, far.ID), "delete the far replica")
	if keys := e.storedKeys(); len(keys) != 0 {
		t.Errorf("after deleting every image: stored %v, want nothing", keys)
	}
}

// SweepData removes data no image names, and keeps what one does.
func TestSweepDataRemovesOnlyUnnamedData(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	img := e.registered(owner, "kept")
	e.upload(owner, img.ID, []byte("kept data"))
	if _, err := e.data.Put(e.ctx, "0123456789abcdef-orphan", bytes.NewReader([]byte("orphan"))); err == nil {
		t.Fatal("a malformed key was stored")
	}
	orphan := "0badc0de-0000-4000-8000-000000000000"
	_, err := e.data.Put(e.ctx, orphan, bytes.NewReader([]byte("orphan")))
	e.must(err, "store an orphan")
	if n, err := e.svc.SweepData(e.ctx); err != nil || n != 0 {
		t.Errorf("sweep within the grace period removed %d (%v), want 0: a replica's copy is unnamed for a moment", n, err)
	}
	defer sharing.SetDataGrace(-time.Second)()
	if n, err := e.svc.SweepData(e.ctx); err != nil || n != 1 {
		t.Errorf("sweep removed %d (%v), want the orphan", n, err)
	}
	if _, err := e.data.Open(e.ctx, orphan); !errors.Is(err, imagedata.ErrNotFound) {
		t.Errorf("the orphan is still there: %v", err)
	}
	if data, err := e.download(owner, img.ID); err != nil || string(data) != "kept data" {
		t.Errorf("named data after the sweep: %q, %v", data, err)
	}
}

// Glance's member status: a recipient may take its answer back (pending).
func TestS13_RecipientMaySetPendingAgain(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)
	for _, status := range []string{domain.MemberAccepted, domain.MemberPending, domain.MemberRejected, domain.MemberPending} {
		r, err := e.svc.SetMemberStatus(e.ctx, rec, img.ID, rec.ProjectID, status)
		e.must(err, "set "+status)
		if r.Status != status || e.status(rec, img.ID) != status {
			t.Errorf("after setting %s: member %s, share %s", status, r.Status, e.status(rec, img.ID))
		}
		e.checkCounters(rec)
	}
	if n := e.pending(rec); n != 1 {
		t.Errorf("pending badge %d, want 1", n)
	}
	_, err := e.svc.SetMemberStatus(e.ctx, owner, img.ID, rec.ProjectID, domain.MemberPending)
	wantKind(t, err, domain.KindForbidden)
	_, err = e.svc.SetMemberStatus(e.ctx, rec, img.ID, rec.ProjectID, "maybe")
	wantKind(t, err, domain.KindInvalid)
}

// Glance's visibility: shared when registered so or when the image has
// members, private otherwise; the list filters by it.
func TestVisibilityIsSharedWithMembersOrWhenRegisteredSo(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	private := e.registered(owner, "private")
	shared := e.registered(owner, "shared", func(s *sharing.ImageSpec) { s.Visibility = domain.VisibilityShared })
	withMember := e.registered(owner, "with-member")
	e.share(owner, withMember.ID, rec.ProjectID)
	want := map[string]string{private.ID: "private", shared.ID: "shared", withMember.ID: "shared"}
	for id, vis := range want {
		v, err := e.svc.Image(e.ctx, owner, id)
		e.must(err, "read")
		if v.Visibility != vis {
			t.Errorf("%s: visibility %s, want %s", v.Name, v.Visibility, vis)
		}
	}
	if v, err := e.svc.Image(e.ctx, rec, withMember.ID); err != nil || v.Visibility != "shared" {
		t.Errorf("the recipient sees visibility %q (%v), want shared", v.Visibility, err)
	}
	list := func(a sharing.Actor, vis string) []string {
		rows, _, err := e.svc.ListImages(e.ctx, a, sharing.ImageQuery{Own: true, Shared: true, Visibility: vis, Limit: 100})
		e.must(err, "list "+vis)
		var out []string
		for _, r := range rows {
			if r.Visibility != want[r.ID] && want[r.ID] != "" && r.Owned {
				t.Errorf("listed %s with visibility %s, want %s", r.Name, r.Visibility, want[r.ID])
			}
			out = append(out, r.ID)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(xs ...string) []string { slices.Sort(xs); return xs }
	if got := list(owner, "private"); !slices.Equal(got, sorted(private.ID)) {
		t.Errorf("owner's private images %v, want only %s", got, private.ID)
	}
	if got := list(owner, "shared"); !slices.Equal(got, sorted(shared.ID, withMember.ID)) {
		t.Errorf("owner's shared images %v, want %s and %s", got, shared.ID, withMember.ID)
	}
	// A pending offer is listed only with its member status (Glance lists
	// accepted ones by default; ImageQuery's "" is every status).
	if got := list(rec, "shared"); !slices.Equal(got, sorted(withMember.ID)) {
		t.Errorf("rec's shared images %v, want %s", got, withMember.ID)
	}
	if got := list(rec, "private"); len(got) != 0 {
		t.Errorf("rec's private images %v, want none", got)
	}
	e.must(e.svc.StopSharingAll(e.ctx, owner, withMember.ID), "stop sharing")
	want[withMember.ID] = "private"
	if got := list(owner, "private"); !slices.Equal(got, sorted(private.ID, withMember.ID)) {
		t.Errorf("after stopping sharing, owner's private images %v", got)
	}
	_, _, err := e.svc.ListImages(e.ctx, owner, sharing.ImageQuery{Own: true, Visibility: "public"})
	wantKind(t, err, domain.KindInvalid)
}

// Glance's attributes are kept at registration and changed with the same
// rules through UpdateImage (S01: owner only, all or nothing).
func TestGlanceAttributesRegisteredAndUpdated(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.registered(owner, "attrs", func(s *sharing.ImageSpec) {
		s.MinRAMMB, s.MinDiskGB, s.Tags = 512, 10, []string{"a", "b", "a"}
		s.Properties = map[string]string{"os_distro": "debian", "os_version": "12", "team": "x"}
	})
	if img.OS != "debian 12" || img.MinRAMMB != 512 || img.MinDiskGB != 10 || !slices.Equal(sharing.ImageTags(img), []string{"a", "b"}) {
		t.Errorf("registered: OS %q, min RAM %d, min disk %d, tags %v", img.OS, img.MinRAMMB, img.MinDiskGB, sharing.ImageTags(img))
	}
	got, err := e.svc.UpdateImage(e.ctx, owner, img.ID, sharing.ImageChange{
		AddTags: []string{"c"}, RemoveTags: []string{"a"}, MinRAMMB: ptr(1024), MinDiskGB: ptr(0), DiskFormat: ptr("qcow2"),
		Properties: []sharing.PropertyChange{{Op: sharing.PropertySet, Key: "new", Value: "1"}, {Op: sharing.PropertyReplace, Key: "team", Value: "y"},
			{Op: sharing.PropertyRemove, Key: "os_version"}},
	})
	e.must(err, "update")
	props := sharing.ImageProperties(got)
	if !slices.Equal(sharing.ImageTags(got), []string{"b", "c"}) || got.MinRAMMB != 1024 || got.MinDiskGB != 0 || got.DiskFormat != "qcow2" ||
		props["new"] != "1" || props["team"] != "y" || props["os_version"] != "" || len(props) != 3 {
		t.Errorf("after update: tags %v, RAM %d, disk %d, format %s, properties %v", sharing.ImageTags(got), got.MinRAMMB, got.MinDiskGB, got.DiskFormat, props)
	}
	for name, c := range map[string]struct {
		ch   sharing.ImageChange
		kind domain.Kind
	}{
		"replace a missing property": {sharing.ImageChange{Properties: []sharing.PropertyChange{{Op: sharing.PropertyReplace, Key: "nope", Value: "1"}}}, domain.KindConflict},
		"remove a missing property":  {sharing.ImageChange{Properties: []sharing.PropertyChange{{Op: sharing.PropertyRemove, Key: "nope"}}}, domain.KindConflict},
		"add an existing property":   {sharing.ImageChange{Properties: []sharing.PropertyChange{{Op: sharing.PropertyAdd, Key: "new", Value: "2"}}}, domain.KindConflict},
		"remove a missing tag":       {sharing.ImageChange{Name: ptr("renamed"), RemoveTags: []string{"zzz"}}, domain.KindNotFound},
		"a bad disk format":          {sharing.ImageChange{DiskFormat: ptr("floppy")}, domain.KindInvalid},
		"negative min RAM":           {sharing.ImageChange{MinRAMMB: ptr(-1)}, domain.KindInvalid},
		"public visibility":          {sharing.ImageChange{Visibility: ptr("public")}, domain.KindInvalid},
		"a tag with a NUL":           {sharing.ImageChange{AddTags: []string{"a\x00"}}, domain.KindInvalid},
		"129 tags":                   {sharing.ImageChange{Tags: ptr(manyTags(129))}, domain.KindQuota},
	} {
		_, err := e.svc.UpdateImage(e.ctx, owner, img.ID, c.ch)
		if domain.KindOf(err) != c.kind {
			t.Errorf("%s: %v, want %s", name, err, c.kind)
		}
	}
	_, err = e.svc.UpdateImage(e.ctx, rec, img.ID, sharing.ImageChange{Name: ptr("x")})
	wantKind(t, err, domain.KindNotFound)
	if v, _ := e.svc.Image(e.ctx, owner, img.ID); v.Name != "attrs" {
		t.Errorf("a refused change renamed the image to %q", v.Name)
	}
	// The formats are fixed once the image has data.
	e.upload(owner, img.ID, []byte("data"))
	_, err = e.svc.UpdateImage(e.ctx, owner, img.ID, sharing.ImageChange{DiskFormat: ptr("raw")})
	wantKind(t, err, domain.KindForbidden)
}

// The store packs an image's formats, checksum and hash without a length
// before them (store.imageCols): the formats must be one of the lists,
// whatever an owner registers or changes, and the digests are the
// server's own hex. A format holding the packing's separator (U+001F) is
// refused, and nothing is stored.
func TestFormatsAndDigestsHoldNoSeparator(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	for _, spec := range []sharing.ImageSpec{
		{Name: "c", ContainerFormat: "bare\x1f", DiskFormat: "raw"},
		{Name: "d", ContainerFormat: "bare", DiskFormat: "raw\x1fx"},
	} {
		_, err := e.svc.RegisterImage(e.ctx, owner, spec)
		wantKind(t, err, domain.KindInvalid)
	}
	img := e.registered(owner, "formats")
	for _, ch := range []sharing.ImageChange{{ContainerFormat: ptr("ovf\x1f")}, {DiskFormat: ptr("\x1fqcow2")}} {
		_, err := e.svc.UpdateImage(e.ctx, owner, img.ID, ch)
		wantKind(t, err, domain.KindInvalid)
	}
	got := e.upload(owner, img.ID, []byte("data"))
	if got.ContainerFormat != "bare" || got.DiskFormat != "raw" {
		t.Errorf("formats %q, %q after refused changes; want bare, raw", got.ContainerFormat, got.DiskFormat)
	}
	sum, sum512 := md5.Sum([]byte("data")), sha512.Sum512([]byte("data"))
	if got.Checksum != hex.EncodeToString(sum[:]) || got.HashValue != hex.EncodeToString(sum512[:]) {
		t.Errorf("checksum %q, hash %q: want the data's MD5 and SHA-512 in hex", got.Checksum, got.HashValue)
	}
}

func manyTags(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	return out
}

// Uploads of different images run side by side; the quota counts
// registered images (S11) like any other.
func TestS11_RegisteredImagesCountInTheQuota(t *testing.T) {
	e := newEnv(t, 0, func(l *sharing.Limits) { l.MaxImagesPerRegion = 2 })
	owner := e.actor("owner", "")
	e.registered(owner, "one")
	e.registered(owner, "two")
	_, err := e.svc.RegisterImage(e.ctx, owner, sharing.ImageSpec{Name: "three"})
	wantCode(t, err, domain.CodeQuota)
}
