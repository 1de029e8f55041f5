package sharing_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"imageshare/internal/bigworld"
	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
)

// The service benchmarks run on bigworld's 100,000 shares. They time the
// service's queries alone; `make bench-http` measures what a user sees,
// over HTTP.
const benchShared = 100_000

var (
	benchOnce  sync.Once
	benchSvc   *sharing.Service
	benchWorld *bigworld.World
	benchErr   error
)

func benchEnv(b *testing.B) (*sharing.Service, *bigworld.World) {
	benchOnce.Do(func() {
		dir, err := mkdirTemp()
		if err != nil {
			benchErr = err
			return
		}
		st, err := store.Open(filepath.Join(dir, "bench.db"))
		if err != nil {
			benchErr = err
			return
		}
		benchWorld, benchErr = bigworld.Seed(context.Background(), st, bigworld.Options{Shares: benchShared, Password: "bench-password"})
		benchSvc = sharing.New(st, sharing.DefaultLimits())
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchSvc, benchWorld
}

func actorOf(t bigworld.Tenant) sharing.Actor {
	return sharing.Actor{AccountID: t.AccountID, ProjectID: t.ProjectID, UserName: t.User}
}

// BenchmarkSharedImagesPage is one page (25 rows) of Images Shared with Me
// for a project with 100,000 images shared with it: the first page, and
// the page 4,000 pages in, which keyset paging makes cost the same.
func BenchmarkSharedImagesPage(b *testing.B) {
	svc, w := benchEnv(b)
	rec := actorOf(w.Recipient)
	ctx := context.Background()
	for _, status := range []string{domain.MemberPending, domain.MemberAccepted} {
		first, err := svc.SharedImages(ctx, rec, status, sharing.Page{Limit: 25})
		if err != nil {
			b.Fatal(err)
		}
		deep := sharing.Page{Limit: 25, After: first.Next}
		for i := 0; i < 200 && deep.After != nil; i++ { // 5,000 rows in
			res, err := svc.SharedImages(ctx, rec, status, sharing.Page{Limit: 25, After: deep.After})
			if err != nil {
				b.Fatal(err)
			}
			deep.After = res.Next
		}
		for name, p := range map[string]sharing.Page{"first": {Limit: 25}, "5000-in": deep} {
			b.Run(status+"/"+name, func(b *testing.B) {
				for b.Loop() {
					res, err := svc.SharedImages(ctx, rec, status, p)
					if err != nil || len(res.Rows) != 25 {
						b.Fatalf("got %d rows, %v", len(res.Rows), err)
					}
				}
			})
		}
	}
}

// BenchmarkListImages is the API's list of shared images (25 rows).
func BenchmarkListImages(b *testing.B) {
	svc, w := benchEnv(b)
	rec := actorOf(w.Recipient)
	for _, status := range []string{"", domain.MemberPending, domain.MemberAccepted} {
		b.Run("status="+status, func(b *testing.B) {
			for b.Loop() {
				rows, _, err := svc.ListImages(context.Background(), rec, sharing.ImageQuery{Shared: true, MemberStatus: status, Limit: 25})
				if err != nil || len(rows) != 25 {
					b.Fatalf("got %d rows, %v", len(rows), err)
				}
			}
		})
	}
}

// BenchmarkPendingCount is the badge of a project with 90,000 pending
// images out of 100,000 shared with it.
func BenchmarkPendingCount(b *testing.B) {
	svc, w := benchEnv(b)
	rec := actorOf(w.Recipient)
	for b.Loop() {
		n, err := svc.PendingCount(context.Background(), rec)
		if err != nil || n != benchShared*9/10 {
			b.Fatalf("count = %d, %v; want %d", n, err, benchShared*9/10)
		}
	}
}
