package sharing_test

import (
	"fmt"
	"slices"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// TestS17_S19_S21_UsableImagesAreExactlyThoseTheActionsAccept: what the
// console offers for Apply for Server, Create Data Disk and Change OS is
// what those actions accept — own and accepted images of the right type,
// active — and nothing pending, rejected, saving or no longer shared.
func TestS17_S19_S21_UsableImagesAreExactlyThoseTheActionsAccept(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	var candidates []domain.Image
	for _, typ := range domain.ImageTypes {
		mine := e.image(rec, "mine-"+string(typ), typ)
		accepted := e.image(owner, "acc-"+string(typ), typ)
		pending := e.image(owner, "pend-"+string(typ), typ)
		rejected := e.image(owner, "rej-"+string(typ), typ)
		stopped := e.image(owner, "stop-"+string(typ), typ)
		_, err := e.svc.Share(e.ctx, owner, []string{accepted.ID, pending.ID, rejected.ID, stopped.ID}, []string{rec.ProjectID})
		e.must(err, "share")
		e.must(e.svc.Accept(e.ctx, rec, []string{accepted.ID, stopped.ID}), "accept")
		e.must(e.svc.Reject(e.ctx, rec, []string{rejected.ID}), "reject")
		e.must(e.svc.StopSharingAll(e.ctx, owner, stopped.ID), "stop")
		candidates = append(candidates, mine, accepted, pending, rejected, stopped)
	}
	saving, err := e.svc.ImportImage(e.ctx, rec, sharing.ImageSpec{Name: "saving", Type: domain.TypeSystem, OS: "Linux", SizeGB: 10})
	e.must(err, "import")
	candidates = append(candidates, saving)

	srv, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: candidates[0].ID, AZ: "r1a"})
	e.must(err, "server")
	actions := map[sharing.ImageUse]func(id string) error{
		sharing.UseServer: func(id string) error {
			_, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: id, AZ: "r1a"})
			return err
		},
		sharing.UseDisk: func(id string) error {
			_, err := e.svc.CreateDisk(e.ctx, rec, sharing.DiskSpec{ImageID: id, AZ: "r1a"})
			return err
		},
		sharing.UseChangeOS: func(id string) error { return e.svc.ChangeOS(e.ctx, rec, srv.ID, id) },
	}
	for use, act := range actions {
		offered, err := e.svc.UsableImages(e.ctx, rec, use)
		e.must(err, "usable images")
		var got, want []string
		for _, im := range offered {
			got = append(got, im.Name)
		}
		for _, im := range candidates {
			if act(im.ID) == nil {
				want = append(want, im.Name)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: offered %v, the action accepts %v", use, got, want)
		}
	}
}

// TestS01_S09_ImagesWithCountsReadsASelectionAtOnce: the share dialog reads
// its selection in one go (more images than a console page); each image
// reads as ImageWithCounts reads it alone, counts and offers included, and
// one image the project cannot see makes the whole selection not found
// (S01).
func TestS01_S09_ImagesWithCountsReadsASelectionAtOnce(t *testing.T) {
	e := newEnv(t, 0, func(l *sharing.Limits) { l.MaxImagesPerRegion = 200 })
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	var ids []string
	for i := 0; i < 120; i++ {
		typ := domain.TypeSystem
		if i%3 == 0 {
			typ = domain.TypeFullECS
		}
		ids = append(ids, e.image(owner, fmt.Sprintf("sel-%03d", i), typ).ID)
	}
	_, err := e.svc.Share(e.ctx, owner, ids[:5], []string{rec.ProjectID})
	e.must(err, "share")
	e.must(e.svc.Accept(e.ctx, rec, ids[:3]), "accept")

	got, err := e.svc.ImagesWithCounts(e.ctx, owner, append(ids, ids[7])) // a repeat is read once
	e.must(err, "a selection of 120")
	if len(got) != len(ids) {
		t.Fatalf("%d views for %d images", len(got), len(ids))
	}
	for i, v := range got {
		one, err := e.svc.ImageWithCounts(e.ctx, owner, ids[i])
		e.must(err, "one image")
		if v.ID != ids[i] || v.Owned != one.Owned || v.Accepted != one.Accepted || v.Recipients != one.Recipients ||
			v.AcceptedLimit != one.AcceptedLimit || v.Visibility != one.Visibility || fmt.Sprint(v.Offers) != fmt.Sprint(one.Offers) {
			t.Fatalf("image %d read in a selection %+v, alone %+v", i, v, one)
		}
	}
	if got[0].Accepted != 1 || got[0].Recipients != 1 || got[10].Recipients != 0 {
		t.Errorf("counts: %d/%d accepted/recipients on a shared image, %d recipients on an unshared one", got[0].Accepted, got[0].Recipients, got[10].Recipients)
	}

	recViews, err := e.svc.ImagesWithCounts(e.ctx, rec, ids[:5])
	e.must(err, "the recipient's shared images")
	for _, v := range recViews {
		if v.Owned || v.ShareStatus == "" {
			t.Errorf("recipient reads %s as owned %v, status %q", v.Name, v.Owned, v.ShareStatus)
		}
	}
	_, err = e.svc.ImagesWithCounts(e.ctx, rec, ids[:6]) // the sixth was never shared with rec
	if domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("a selection with an image not shared with the project: %v, want not found", err)
	}
}
