package sharing_test

import (
	"sync"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// parallel runs fn n times at once and returns how many succeeded and the
// codes of the failures.
func parallel(n int, fn func(i int) error) (ok int, codes map[string]int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	codes = map[string]int{}
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			err := fn(i)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			} else {
				codes[domain.CodeOf(err)]++
			}
		}(i)
	}
	close(start)
	wg.Wait()
	return ok, codes
}

func TestS12_ParallelAcceptsNeverPassTheFullECSLimit(t *testing.T) {
	const n = 200
	e := newEnv(t, n)
	owner := e.actor("owner", "")
	img := e.image(owner, "erp", domain.TypeFullECS)
	recs := make([]sharing.Actor, n)
	var projects []string
	for i := range recs {
		recs[i] = e.actor("acc"+padInt(i), "")
		projects = append(projects, recs[i].ProjectID)
	}
	// At most 100 recipients per submission (S05).
	e.share(owner, img.ID, projects[:100]...)
	e.share(owner, img.ID, projects[100:]...)

	ok, codes := parallel(n, func(i int) error { return e.svc.Accept(e.ctx, recs[i], []string{img.ID}) })
	if ok != 10 || codes[domain.CodeMemberLimit] != n-10 {
		t.Errorf("got %d accepts and failures %v, want 10 accepts and %d × %s", ok, codes, n-10, domain.CodeMemberLimit)
	}
	accepted, err := e.st.One(e.ctx).CountAccepted(img.ID)
	e.must(err, "count")
	if accepted != 10 {
		t.Errorf("stored accepted decisions = %d, want 10", accepted)
	}
	if got := len(e.shared(owner, "")); got != 0 {
		t.Errorf("owner sees %d shared images, want 0", got)
	}
	accCount := 0
	for _, r := range recs {
		if e.status(r, img.ID) == domain.MemberAccepted {
			accCount++
		}
	}
	if accCount != 10 {
		t.Errorf("%d recipients see the image accepted, want 10", accCount)
	}
}

func TestS12_ParallelReplicationsNeverPassTheQuota(t *testing.T) {
	const n = 60
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")

	ok, codes := parallel(n, func(i int) error {
		_, err := e.svc.Replicate(e.ctx, rec, img.ID, "copy-"+padInt(i))
		return err
	})
	if ok != e.lim.MaxImagesPerRegion || codes[domain.CodeQuota] != n-e.lim.MaxImagesPerRegion {
		t.Errorf("got %d replications and failures %v, want %d and %d × %s", ok, codes, e.lim.MaxImagesPerRegion, n-e.lim.MaxImagesPerRegion, domain.CodeQuota)
	}
	q, err := e.svc.Quota(e.ctx, rec)
	e.must(err, "quota")
	if q.Used != e.lim.MaxImagesPerRegion {
		t.Errorf("images stored = %d, want %d", q.Used, e.lim.MaxImagesPerRegion)
	}
}

func TestS12_ParallelSharesAndAcceptsKeepOneGrantPerRecipient(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	ok, codes := parallel(40, func(i int) error {
		if i%2 == 0 {
			_, err := e.svc.Share(e.ctx, owner, []string{img.ID}, []string{rec.ProjectID})
			return err
		}
		err := e.svc.Accept(e.ctx, rec, []string{img.ID})
		if domain.KindOf(err) == domain.KindNotFound {
			return nil // accepted before any share landed: nothing to accept yet
		}
		return err
	})
	if ok != 40 {
		t.Errorf("got %d successes and failures %v, want all 40", ok, codes)
	}
	res, err := e.svc.Recipients(e.ctx, owner, img.ID, sharing.Page{})
	rs := res.Rows
	e.must(err, "recipients")
	if len(rs) != 1 {
		t.Errorf("got %d grants, want exactly one", len(rs))
	}
}
