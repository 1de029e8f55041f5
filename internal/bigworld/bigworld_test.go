package bigworld_test

import (
	"context"
	"path/filepath"
	"testing"

	"imageshare/internal/bigworld"
	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
)

// The seed writes the rows the service would write, derived ones included:
// the service reads them as it reads its own (counters equal their rows,
// statuses as seeded) and goes on from them (an accept moves the counters
// in step; a new share is counted).
func TestSeedAgreesWithTheService(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := bigworld.Seed(ctx, st, bigworld.Options{Shares: 1200, Members: 150, Password: "seed-password"})
	if err != nil {
		t.Fatal(err)
	}
	svc := sharing.New(st, sharing.DefaultLimits())
	owner := sharing.Actor{AccountID: w.Owner.AccountID, ProjectID: w.Owner.ProjectID, UserName: w.Owner.User}
	rec := sharing.Actor{AccountID: w.Recipient.AccountID, ProjectID: w.Recipient.ProjectID, UserName: w.Recipient.User}

	counters := func(want [3]int) {
		t.Helper()
		tx := st.One(ctx)
		c, err := tx.ShareCounts(rec.ProjectID)
		if err != nil {
			t.Fatal(err)
		}
		for i, status := range []string{domain.MemberPending, domain.MemberAccepted, domain.MemberRejected} {
			rows, err := tx.CountShared(rec.ProjectID, status)
			if err != nil || rows != c.Of(status) || rows != want[i] {
				t.Fatalf("%s: counter %d, rows %d (%v), want %d", status, c.Of(status), rows, err, want[i])
			}
		}
	}
	counters([3]int{1080, 120, 0})
	q, err := svc.Quota(ctx, owner)
	if err != nil || q.Used != 1201 {
		t.Fatalf("owner's quota used = %d (%v), want 1,201 images", q.Used, err)
	}

	// The recipient accepts a seeded pending image; the owner sees it.
	pending := w.ImageIDs[1]
	if err := svc.Accept(ctx, rec, []string{pending}); err != nil {
		t.Fatal(err)
	}
	counters([3]int{1079, 121, 0})
	r, err := svc.Recipient(ctx, owner, pending, rec.ProjectID)
	if err != nil || r.Status != domain.MemberAccepted {
		t.Fatalf("the owner sees %+v (%v), want the recipient accepted", r, err)
	}

	// The members image: 100 accepted, 28 pending, the rest rejected.
	res, err := svc.Recipients(ctx, owner, w.MembersImage, sharing.Page{Limit: sharing.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range res.Rows {
		got[m.Status]++
	}
	if len(res.Rows) != 150 || got[domain.MemberAccepted] != 100 || got[domain.MemberPending] != 28 || got[domain.MemberRejected] != 22 {
		t.Errorf("members: %d, by status %v; want 150: 100 accepted, 28 pending, 22 rejected", len(res.Rows), got)
	}
	// A rejected member is offered the image again by a share (S08).
	items, err := svc.Share(ctx, owner, []string{w.MembersImage}, []string{w.Pool[140]})
	if err != nil || len(items) != 1 || items[0].Outcome != sharing.Reoffered {
		t.Errorf("sharing again with a rejected member: %+v (%v), want reoffered", items, err)
	}
}
