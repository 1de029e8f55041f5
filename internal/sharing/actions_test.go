package sharing_test

import (
	"strings"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// offer returns a row's offer of an action, failing when the row has none.
func offer(t *testing.T, os sharing.Offers, a sharing.Action) sharing.Offer {
	t.Helper()
	o, ok := os.Of(a)
	if !ok {
		t.Fatalf("the row offers no %s; it offers %v", a, os)
	}
	return o
}

// whyCode is the code of an offer's refusal, "" when it is offered.
func whyCode(o sharing.Offer) string {
	if o.Why == nil {
		return ""
	}
	return o.Why.Code
}

// TestS17_S21_ServerAndDiskOffersAreTheActionsAnswers: a server offers
// Reinstall OS exactly when Reinstall succeeds, refused with the very error
// Reinstall gives: never made from an image, image no longer shared (S21),
// image not accepted any more; a disk never offers Restore from Image (S17).
// No refusal starts with an ID.
func TestS17_S21_ServerAndDiskOffersAreTheActionsAnswers(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	kept := e.image(owner, "kept", domain.TypeSystem)
	stopped := e.image(owner, "stopped", domain.TypeSystem)
	rejected := e.image(owner, "rejected", domain.TypeSystem)
	own := e.image(rec, "own", domain.TypeSystem)
	_, err := e.svc.Share(e.ctx, owner, []string{kept.ID, stopped.ID, rejected.ID}, []string{rec.ProjectID})
	e.must(err, "share")
	e.must(e.svc.Accept(e.ctx, rec, []string{kept.ID, stopped.ID, rejected.ID}), "accept")
	made := map[string]string{}
	for _, im := range []domain.Image{kept, stopped, rejected, own} {
		srv, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: im.ID, AZ: "r1a", Name: "from-" + im.Name})
		e.must(err, "server")
		made[srv.ID] = im.Name
	}
	e.must(e.svc.StopSharingAll(e.ctx, owner, stopped.ID), "stop")
	e.must(e.svc.Reject(e.ctx, rec, []string{rejected.ID}), "reject")
	disk, err := e.svc.CreateDisk(e.ctx, rec, sharing.DiskSpec{AZ: "r1a", Name: "blank"})
	e.must(err, "disk")

	page, err := e.svc.Servers(e.ctx, rec, sharing.Page{Limit: 10})
	e.must(err, "servers")
	want := map[string]string{"kept": "", "own": "", "stopped": domain.CodeImageNotFound, "rejected": domain.CodeNotAccepted}
	for _, row := range page.Rows {
		o := offer(t, row.Offers, sharing.ActionReinstall)
		err := e.svc.Reinstall(e.ctx, rec, row.ID)
		wantCode := want[made[row.ID]]
		switch {
		case wantCode == "" && (!o.Allowed() || err != nil):
			t.Errorf("%s: Reinstall offered %v, did %v; want offered and done", row.Name, o.Why, err)
		case wantCode != "" && (o.Allowed() || o.Why.Code != wantCode || domain.CodeOf(err) != wantCode || o.Why.Message != domain.AsError(err).Message):
			t.Errorf("%s: Reinstall offer %v, action %v; want both refused with %s", row.Name, o.Why, err, wantCode)
		}
		if !o.Allowed() && strings.HasPrefix(o.Why.Message, row.ImageID) {
			t.Errorf("%s: the refusal starts with an ID: %q", row.Name, o.Why.Message)
		}
	}

	d, err := e.svc.Disk(e.ctx, rec, disk.ID)
	e.must(err, "disk row")
	o := offer(t, d.Offers, sharing.ActionRestoreDisk)
	err = e.svc.RestoreDisk(e.ctx, rec, disk.ID, kept.ID)
	if o.Allowed() || o.Why.Code != domain.CodeNoRestore || domain.CodeOf(err) != domain.CodeNoRestore {
		t.Errorf("S17: Restore from Image offered %v, action %v; want both refused with %s", o.Why, err, domain.CodeNoRestore)
	}
	if e := domain.AsError(err); e.Subject != "blank" {
		t.Errorf("S17: the refusal names %q, want the disk's name", e.Subject)
	}
}

// TestS04_S16_S17_ImageOffers: an owner's row offers what the owner may do,
// a recipient's row what a recipient may; the "use" action follows the type
// (S17) and every refusal carries the code the action gives.
func TestS04_S16_S17_ImageOffers(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	sys := e.image(owner, "sys", domain.TypeSystem)
	data := e.image(owner, "data", domain.TypeData)
	full := e.image(owner, "full", domain.TypeFullECS)
	_, err := e.svc.Share(e.ctx, owner, []string{sys.ID, data.ID, full.ID}, []string{rec.ProjectID})
	e.must(err, "share")
	e.must(e.svc.Accept(e.ctx, rec, []string{sys.ID, data.ID, full.ID}), "accept")

	for _, tc := range []struct {
		who     sharing.Actor
		img     domain.Image
		use     sharing.Action
		allowed map[sharing.Action]string // action → the refusal's code, "" when offered
	}{
		{owner, sys, sharing.ActionCreateServer, map[sharing.Action]string{sharing.ActionShare: "", sharing.ActionStopSharing: "", sharing.ActionReplicate: "", sharing.ActionDelete: ""}},
		{owner, data, sharing.ActionCreateDisk, map[sharing.Action]string{sharing.ActionShare: "", sharing.ActionReplicate: ""}},
		{rec, sys, sharing.ActionCreateServer, map[sharing.Action]string{sharing.ActionShare: domain.CodeOwnerOnly, sharing.ActionReplicate: ""}},
		{rec, full, sharing.ActionCreateServer, map[sharing.Action]string{sharing.ActionReplicate: domain.CodeNotReplicable}},
		{rec, data, sharing.ActionCreateDisk, map[sharing.Action]string{sharing.ActionReplicate: ""}},
	} {
		v, err := e.svc.ImageWithCounts(e.ctx, tc.who, tc.img.ID)
		e.must(err, "image")
		if _, ok := v.Offers.Of(tc.use); !ok {
			t.Errorf("S17: %s offers no %s: %v", tc.img.Name, tc.use, v.Offers)
		}
		for a, code := range tc.allowed {
			o := offer(t, v.Offers, a)
			if got := whyCode(o); got != code {
				t.Errorf("%s/%s: %s refused with %q, want %q", tc.who.ProjectID[:6], tc.img.Name, a, got, code)
			}
		}
	}
	v, err := e.svc.ImageWithCounts(e.ctx, rec, sys.ID)
	e.must(err, "image")
	if o := offer(t, v.Offers, sharing.ActionShare); !strings.Contains(o.Why.Message, "replicate it as a private image first") {
		t.Errorf("S04: a recipient's Share refusal lacks the way to share: %q", o.Why.Message)
	}
}

// TestS23_ReplicationDestinationsAreTheAccountsOtherRegions: the
// Replicate dialog's destinations are the owner account's projects in other
// regions of its site, and a recipient is told to replicate in-region first.
func TestS23_ReplicationDestinationsAreTheAccountsOtherRegions(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "img", domain.TypeSystem)
	r, err := e.svc.Replication(e.ctx, owner, img.ID)
	e.must(err, "replication")
	var got []string
	for _, d := range r.Destinations {
		got = append(got, d.RegionID+"/"+d.ProjectName)
		if d.RegionID == "r1" {
			t.Errorf("S23: a destination in the image's own region: %+v", d)
		}
	}
	if r.InRegion != nil || r.CrossRegion != nil || strings.Join(got, ",") != "cnonly/cnonly,r3/r3" {
		t.Errorf("S23: owner: in-region %v, cross %v, destinations %v; want both offered, cnonly and r3", r.InRegion, r.CrossRegion, got)
	}
	e.share(owner, img.ID, rec.ProjectID)
	r, err = e.svc.Replication(e.ctx, rec, img.ID)
	e.must(err, "replication")
	if r.InRegion == nil || r.InRegion.Code != domain.CodeNotAccepted || r.CrossRegion == nil || len(r.Destinations) != 0 {
		t.Errorf("S16/S23: pending recipient: in-region %v, cross %v, destinations %v", r.InRegion, r.CrossRegion, r.Destinations)
	}
}

// TestS05_EveryBadRecipientIsNamedAtOnce: a submission with several bad
// recipients among good ones is refused whole, naming each bad one with
// its own reason, and nothing is shared; too-long entries are all named
// by ParseRecipients.
func TestS05_EveryBadRecipientIsNamedAtOnce(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "img", domain.TypeSystem)
	bad := map[string]string{
		"0123456789abcdef0123456789abcdef": domain.CodeNotInRegion, // nobody
		owner.ProjectID:                    domain.CodeSelfShare,
		"not-an-id":                        domain.CodeInvalid,
		"organizations::" + e.accountID("owner") + ":ou:o-test1/ou-zz": domain.CodeNotInRegion,
	}
	in := []string{rec.ProjectID}
	for id := range bad {
		in = append(in, id)
	}
	_, err := e.svc.Share(e.ctx, owner, []string{img.ID}, in)
	got := domain.AsError(err)
	if got == nil || len(got.Each) != len(bad) {
		t.Fatalf("S05: got %v with %d refusals, want one per bad recipient (%d)", err, len(got.Each), len(bad))
	}
	for _, each := range got.Each {
		if want := bad[each.Subject]; want == "" || each.Code != want {
			t.Errorf("S05: refusal %v for %q, want code %q", each, each.Subject, want)
		}
	}
	if n := e.pending(rec); n != 0 {
		t.Errorf("S05: all or nothing: the good recipient has %d pending", n)
	}

	long := strings.Repeat("a", 300)
	_, err = sharing.ParseRecipients(long+"1,"+rec.ProjectID+"\n"+long+"2", 100)
	if got := domain.AsError(err); got == nil || len(got.Each) != 2 {
		t.Errorf("S05: two entries too long: got %v, want both named", err)
	}
}

// TestS25_TrailPagesEveryWayAtSize: more events than a page, many at the
// same instant (the test clock stands still): every page forward and back
// agrees with the whole trail, newest first, with no repeat or gap.
func TestS25_TrailPagesEveryWayAtSize(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	for i := 0; i < 23; i++ {
		e.image(owner, "img-"+strings.Repeat("x", i%3)+string(rune('a'+i)), domain.TypeSystem)
		if i%5 == 0 {
			e.clock.Advance(time.Second)
		}
	}
	all, err := e.svc.Trail(e.ctx, owner, sharing.TrailFilter{}, sharing.Page{Limit: 1000})
	e.must(err, "trail")
	if len(all.Rows) < 23 {
		t.Fatalf("the trail has %d events, want 23 or more", len(all.Rows))
	}
	for i := 1; i < len(all.Rows); i++ {
		a, b := all.Rows[i-1], all.Rows[i]
		if a.Time.Before(b.Time) || a.Time.Equal(b.Time) && a.ID < b.ID {
			t.Fatalf("not newest first at %d: %v/%d then %v/%d", i, a.Time, a.ID, b.Time, b.ID)
		}
	}
	var ids []int64
	var pages []sharing.Window[sharing.TrailRow]
	p := sharing.Page{Limit: 5}
	for {
		w, err := e.svc.Trail(e.ctx, owner, sharing.TrailFilter{}, p)
		e.must(err, "page")
		pages = append(pages, w)
		for _, r := range w.Rows {
			ids = append(ids, r.ID)
		}
		if w.Next == nil {
			break
		}
		p.After = w.Next
	}
	for i, r := range all.Rows {
		if i >= len(ids) || ids[i] != r.ID {
			t.Fatalf("forward paging: got %v, want the trail's order", ids)
		}
	}
	// Back from the last page: each Previous is the page before.
	for i := len(pages) - 1; i > 0; i-- {
		w, err := e.svc.Trail(e.ctx, owner, sharing.TrailFilter{}, sharing.Page{Limit: 5, After: pages[i].Prev, Backward: true})
		e.must(err, "previous")
		if len(w.Rows) != len(pages[i-1].Rows) || w.Rows[0].ID != pages[i-1].Rows[0].ID {
			t.Fatalf("Previous from page %d: got %d rows from %d, want page %d", i+1, len(w.Rows), w.Rows[0].ID, i)
		}
	}
}
