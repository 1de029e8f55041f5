package sharing_test

import (
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
