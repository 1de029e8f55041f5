package sharing_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
)

// A page of Private Images and the counters around it agree while images
// come and go (issue 7, 5: one consistent read per request). The page holds
// every image of the project (at most 40 at once, a page of 100), so its
// rows are exactly as many as its total says, whichever state it read: a
// page with rows reads them with the counters in one statement, an empty
// one both in one read transaction. Read as two statements outside a
// transaction, they disagreed within a few hundred pages.
func TestPrivateImagesPageAgreesWithItsCounters(t *testing.T) {
	e := newEnv(t, 0)
	a := e.actor("owner", "r1")
	p, err := e.st.One(e.ctx).Project(a.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	var live []domain.Image
	// Images come and go: created and deleted, counters with them.
	write := func(i int) error {
		return e.st.Write(e.ctx, func(tx *store.Tx) error {
			if len(live) > 0 && (i%3 == 2 || len(live) >= 40) {
				err := tx.DeleteImage(live[0])
				live = live[1:]
				return err
			}
			now := e.clock.Now()
			img := domain.Image{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), ProjectID: p.ID, AccountID: p.AccountID, RegionID: p.RegionID,
				Name: fmt.Sprintf("img-%03d", i), Type: domain.TypeSystem, Status: domain.StatusActive, OriginKind: domain.OriginImport,
				CreatedAt: now, UpdatedAt: now, SaveStartedAt: now, ReadyAt: now}
			if _, err := tx.CreateImage(&img, 1000); err != nil {
				return err
			}
			live = append(live, img)
			return nil
		})
	}
	readWhileWriting(t, "images", 400, write, func() (rows int, err error) {
		page, err := e.svc.OwnImages(e.ctx, a, sharing.ImageFilter{}, sharing.Page{Limit: 100})
		if err == nil && (len(page.Rows) != page.Total || page.Quota.Used != page.Total || page.Next != nil) {
			err = fmt.Errorf("a page of %d rows under a total of %d, %d images in the quota (next: %v)", len(page.Rows), page.Total, page.Quota.Used, page.Next)
		}
		return len(page.Rows), err
	})
}

// tenImages makes ten images of the owner's, to share.
func tenImages(e *env, owner sharing.Actor) []domain.Image {
	var imgs []domain.Image
	for i := range 10 {
		imgs = append(imgs, e.image(owner, fmt.Sprintf("img-%02d", i), domain.TypeSystem))
	}
	return imgs
}

// readWhileWriting makes writes changes (write(0), write(1), …) while two
// readers read at once, then checks that they read often enough to have
// seen the changes; read returns the rows of a page, or what is wrong
// with it. The writer goes on past writes, up to ten times as many, until
// the readers have read minPages pages: on a loaded machine the writer
// may be the faster, and the check is of the pages, not of the speeds.
func readWhileWriting(t *testing.T, changing string, writes int, write func(i int) error, read func() (rows int, err error)) {
	t.Helper()
	const minPages = 50
	var stop atomic.Bool
	var pages, empty atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer stop.Store(true)
		for i := 0; i < writes || pages.Load() < minPages && i < 10*writes; i++ {
			if err := write(i); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				rows, err := read()
				if err != nil {
					t.Error(err)
					return
				}
				pages.Add(1)
				if rows == 0 {
					empty.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d pages read, %d of them empty", pages.Load(), empty.Load())
	if pages.Load() < minPages {
		t.Errorf("only %d pages read while the %s changed", pages.Load(), changing)
	}
}

// S14: the pending view of Images Shared with Me, its badge and its banner
// agree while images are shared and unshared: every pending image is a row
// (at most 10, a page of 100), the badge counts them, and the banner names
// the first of them.
func TestPendingViewAgreesWithItsBadgeAndBanner(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", "r1"), e.actor("rec", "r1")
	imgs := tenImages(e, owner)
	shared := map[int]bool{}
	write := func(i int) error { // shares come and go
		k := i * 7 % len(imgs)
		var err error
		if shared[k] {
			err = e.svc.StopSharing(e.ctx, owner, imgs[k].ID, []string{rec.ProjectID})
		} else {
			_, err = e.svc.Share(e.ctx, owner, []string{imgs[k].ID}, []string{rec.ProjectID})
		}
		shared[k] = !shared[k]
		return err
	}
	readWhileWriting(t, "shares", 300, write, func() (rows int, err error) {
		page, err := e.svc.SharedList(e.ctx, rec, domain.MemberPending, sharing.SharedFilter{}, sharing.Page{Limit: 100})
		want := page.Rows[:min(len(page.Rows), sharing.WaitingShown)]
		if err == nil && (len(page.Rows) != page.Counts.Pending || len(page.Waiting) != len(want)) {
			err = fmt.Errorf("%d pending rows, a badge of %d, %d named in the banner", len(page.Rows), page.Counts.Pending, len(page.Waiting))
		}
		return len(page.Rows), err
	})
}

// S14: the accepted list, the badge's count and the banner's pending images
// agree. The accepted view's first page is one statement with its counters
// and banner (store.SharedPageWaiting): while images are shared, accepted
// and unshared, its rows, its counters and the images its banner names
// agree.
func TestAcceptedViewAgreesWithItsCountersAndBanner(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", "r1"), e.actor("rec", "r1")
	imgs := tenImages(e, owner)
	state := map[int]int{}
	write := func(i int) error { // each image in turn: shared, accepted, unshared
		k := i * 7 % len(imgs)
		var err error
		switch state[k] {
		case 0:
			_, err = e.svc.Share(e.ctx, owner, []string{imgs[k].ID}, []string{rec.ProjectID})
		case 1:
			err = e.svc.Accept(e.ctx, rec, []string{imgs[k].ID})
		case 2:
			err = e.svc.StopSharing(e.ctx, owner, imgs[k].ID, []string{rec.ProjectID})
		}
		state[k] = (state[k] + 1) % 3
		return err
	}
	readWhileWriting(t, "shares", 450, write, func() (rows int, err error) {
		page, err := e.svc.SharedList(e.ctx, rec, domain.MemberAccepted, sharing.SharedFilter{}, sharing.Page{Limit: 100})
		if err != nil {
			return 0, err
		}
		named := 0
		for _, w := range page.Waiting {
			if w.Status == domain.MemberPending {
				named++
			}
		}
		accepted := 0
		for _, r := range page.Rows {
			if r.Status == domain.MemberAccepted {
				accepted++
			}
		}
		if accepted != len(page.Rows) || len(page.Rows) != page.Counts.Accepted || named != len(page.Waiting) || named != min(page.Counts.Pending, sharing.WaitingShown) {
			err = fmt.Errorf("%d rows (%d accepted) under %d accepted, a banner naming %d images (%d pending) under a badge of %d",
				len(page.Rows), accepted, page.Counts.Accepted, len(page.Waiting), named, page.Counts.Pending)
		}
		return len(page.Rows), err
	})
}
