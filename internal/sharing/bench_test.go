package sharing_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
)

const benchShared = 100_000

var (
	benchOnce sync.Once
	benchEnv  *env
	benchRec  sharing.Actor
)

// seedShared gives rec 100,000 images shared with its project, 90% pending
// and 10% accepted, written straight through the store (the service would
// take minutes to build them one by one; the rows are the same).
func seedShared(b *testing.B) (*env, sharing.Actor) {
	benchOnce.Do(func() {
		t := &testing.T{}
		e := newEnv(t, 0)
		e.t = t
		owner, rec := e.actor("owner", ""), e.actor("rec", "")
		now := e.clock.Now()
		const batch = 2000
		for start := 0; start < benchShared; start += batch {
			var ims []domain.Image
			var grants []domain.Grant
			var shares []domain.ProjectShare
			var decisions []domain.Decision
			for i := start; i < start+batch; i++ {
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
				at := now.Add(time.Duration(i) * time.Second)
				ims = append(ims, domain.Image{ID: id, ProjectID: owner.ProjectID, AccountID: owner.AccountID, RegionID: "r1",
					Name: fmt.Sprintf("img-%06d", i), Type: domain.TypeSystem, OS: "Linux", SizeGB: 40, MinDiskGB: 40,
					Status: domain.StatusActive, OriginKind: domain.OriginImport, CreatedAt: at, UpdatedAt: at, SaveStartedAt: at, ReadyAt: at})
				gid := fmt.Sprintf("00000000-0000-4000-9000-%012d", i)
				grants = append(grants, domain.Grant{ID: gid, ImageID: id, Kind: domain.GrantProject, TargetID: rec.ProjectID, CreatedAt: at, UpdatedAt: at})
				status := domain.MemberPending
				if i%10 == 0 {
					status = domain.MemberAccepted
					decisions = append(decisions, domain.Decision{GrantID: gid, RecipientID: rec.ProjectID, ImageID: id, Status: status, AccountID: rec.AccountID, UpdatedAt: at})
				}
				shares = append(shares, domain.ProjectShare{ProjectID: rec.ProjectID, ImageID: id, Status: status, OwnerAccountID: owner.AccountID, SharedAt: at, UpdatedAt: at})
			}
			var counter []domain.PendingCounter
			if start == 0 {
				counter = append(counter, domain.PendingCounter{ProjectID: rec.ProjectID, Pending: benchShared * 9 / 10})
			}
			err := e.st.Write(e.ctx, func(tx *store.Tx) error {
				for _, rows := range []any{ims, grants, shares, decisions, counter} {
					if err := tx.CreateBatch(rows, 500); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				panic(err)
			}
		}
		benchEnv, benchRec = e, rec
	})
	if benchEnv == nil {
		b.Fatal("seeding failed")
	}
	return benchEnv, benchRec
}

// BenchmarkSharedImagesPage is one page (50 rows) of Images Shared with Me
// for a project with 100,000 images shared with it (target: < 5 ms).
func BenchmarkSharedImagesPage(b *testing.B) {
	e, rec := seedShared(b)
	for _, tc := range []struct {
		name   string
		status string
		offset int
	}{
		{"pending/first", domain.MemberPending, 0},
		{"accepted/first", domain.MemberAccepted, 0},
		{"all/first", "", 0},
		{"pending/page-100", domain.MemberPending, 5000},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				rows, _, err := e.svc.SharedImages(e.ctx, rec, tc.status, sharing.Page{Offset: tc.offset, Limit: 50})
				if err != nil || len(rows) != 50 {
					b.Fatalf("got %d rows, %v", len(rows), err)
				}
			}
		})
	}
}

// BenchmarkPendingCount is the badge for a project with 90,000 pending
// images out of 100,000 shared with it (target: < 5 ms).
func BenchmarkPendingCount(b *testing.B) {
	e, rec := seedShared(b)
	for b.Loop() {
		n, err := e.svc.PendingCount(e.ctx, rec)
		if err != nil || n != benchShared*9/10 {
			b.Fatalf("count = %d, %v; want %d", n, err, benchShared*9/10)
		}
	}
}
