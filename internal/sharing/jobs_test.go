package sharing_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
)

// runJobs runs every waiting job with svc and fails the test on error.
func (e *env) runJobs(svc *sharing.Service) int {
	e.t.Helper()
	n, err := svc.RunPendingJobs(e.ctx)
	if err != nil {
		e.t.Fatalf("run jobs: %v", err)
	}
	return n
}

func (e *env) job(a sharing.Actor, id string) (domain.Job, sharing.JobResult) {
	e.t.Helper()
	j, err := e.svc.Job(e.ctx, a, id)
	if err != nil {
		e.t.Fatalf("job %s: %v", id, err)
	}
	var res sharing.JobResult
	if j.Entities != "" {
		if err := json.Unmarshal([]byte(j.Entities), &res); err != nil {
			e.t.Fatalf("job %s entities: %v", id, err)
		}
	}
	return j, res
}

// TestMemberJobsAreBoundedAndCompact: a batch over the configured maxima is
// refused before anything is stored (issue 8, finding 1), and a failed
// batch of the largest size keeps one line per failed item up to a bound,
// counting the rest, in a row of bounded size.
func TestMemberJobsAreBoundedAndCompact(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)

	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = img.ID
		}
		return out
	}
	_, err := e.svc.SubmitMemberJob(e.ctx, owner, domain.JobAddMembers, sharing.MemberJob{Images: many(e.lim.MaxBatchImages + 1), Members: []string{rec.ProjectID}})
	wantKind(t, err, domain.KindTooLarge)
	members := make([]string, e.lim.MaxRecipients+1)
	for i := range members {
		members[i] = rec.ProjectID
	}
	_, err = e.svc.SubmitMemberJob(e.ctx, owner, domain.JobAddMembers, sharing.MemberJob{Images: []string{img.ID}, Members: members})
	wantKind(t, err, domain.KindTooLarge)
	if n := e.runJobs(e.svc); n != 0 {
		t.Fatalf("refused batches left %d jobs to run", n)
	}

	// The largest batch, every item failing: 1,000 unknown images × 100
	// recipients is 100,000 items.
	unknown := make([]string, e.lim.MaxBatchImages)
	for i := range unknown {
		unknown[i] = "00000000-0000-4000-8000-" + string(rune('a'+i%26)) + "0000000000" + string(rune('a'+i/26%26))
	}
	recipients := make([]string, e.lim.MaxRecipients)
	for i := range recipients {
		recipients[i] = rec.ProjectID
	}
	recipients[0] = e.actor("other", "").ProjectID
	j, err := e.svc.SubmitMemberJob(e.ctx, owner, domain.JobAddMembers, sharing.MemberJob{Images: unknown, Members: recipients})
	if err != nil {
		t.Fatal(err)
	}
	e.runJobs(e.svc)
	got, res := e.job(owner, j.ID)
	if got.Status != domain.JobFail {
		t.Fatalf("job status %s, want FAIL", got.Status)
	}
	total := res.Counts.Success + res.Counts.Failed + res.Counts.Skipped
	if total != len(unknown)*len(recipients) || len(res.Results) > 1000 || len(res.Results) != res.Counts.Failed-res.Counts.Unlisted {
		t.Errorf("counts %+v with %d lines: want every one of %d items counted and at most 1,000 lines", res.Counts, len(res.Results), len(unknown)*len(recipients))
	}
	if size := len(got.Entities) + len(got.Input); size > 512<<10 {
		t.Errorf("the job's row holds %d bytes, want at most 512 KiB", size)
	}
}

// TestMemberJobsArePrunedAfterRetention removes finished jobs once their
// retention has passed, and keeps younger ones.
func TestMemberJobsArePrunedAfterRetention(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	old, err := e.svc.SubmitMemberJob(e.ctx, owner, domain.JobAddMembers, sharing.MemberJob{Images: []string{img.ID}, Members: []string{rec.ProjectID}})
	e.must(err, "submit")
	e.runJobs(e.svc)
	e.clock.Advance(e.lim.JobRetention - time.Hour)
	young, err := e.svc.SubmitMemberJob(e.ctx, owner, domain.JobAddMembers, sharing.MemberJob{Images: []string{img.ID}, Members: []string{rec.ProjectID}})
	e.must(err, "submit")
	e.runJobs(e.svc)
	e.clock.Advance(2 * time.Hour)
	n, err := e.svc.PruneJobs(e.ctx)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want the old job only", n, err)
	}
	if _, err := e.svc.Job(e.ctx, owner, old.ID); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("the old job: %v, want not found", err)
	}
	if j, _ := e.job(owner, young.ID); j.Status != domain.JobSuccess {
		t.Errorf("the young job: %s, want SUCCESS", j.Status)
	}
}

// TestStaleRunningJobIsTakenOverPromptly: a job claimed by a server that
// died (its lease not renewed) is run by another server as soon as the
// lease runs out, not after minutes (issue 8, finding 12).
func TestStaleRunningJobIsTakenOverPromptly(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	j, err := e.svc.SubmitMemberJob(e.ctx, owner, domain.JobAddMembers, sharing.MemberJob{Images: []string{img.ID}, Members: []string{rec.ProjectID}})
	e.must(err, "submit")
	// A server claims the job and dies before running it.
	e.must(e.st.Write(e.ctx, func(tx *store.Tx) error {
		_, ok, err := tx.ClaimJob(e.clock.Now(), "dead-server", e.clock.Now().Add(e.lim.JobLease))
		if !ok && err == nil {
			t.Fatal("nothing to claim")
		}
		return err
	}), "claim")
	other := sharing.New(e.st, e.lim, sharing.WithClock(e.clock.Now))
	if n := e.runJobs(other); n != 0 {
		t.Fatalf("a job under a live lease was taken over (%d run)", n)
	}
	if got, _ := e.job(owner, j.ID); got.Status != domain.JobRunning {
		t.Fatalf("status %s, want RUNNING while the lease lasts", got.Status)
	}
	e.clock.Advance(e.lim.JobLease + time.Second)
	if n := e.runJobs(other); n != 1 {
		t.Fatalf("after the lease: %d jobs run, want the stale one", n)
	}
	got, res := e.job(owner, j.ID)
	if got.Status != domain.JobSuccess || got.Attempts != 2 || res.Counts.Success != 1 {
		t.Errorf("taken-over job: %s after %d attempts, counts %+v; want SUCCESS on the second", got.Status, got.Attempts, res.Counts)
	}
	if e.status(rec, img.ID) != domain.MemberPending {
		t.Errorf("the share of the taken-over job is not there")
	}
}

// TestRecipientsPageOfAThousandListsThemAll: a page of the largest size
// lists every recipient (the store cut a 1,000-row page plus its look-ahead
// row to 50, so Glance's member list showed 50 of 200 members).
func TestRecipientsPageOfAThousandListsThemAll(t *testing.T) {
	e := newEnv(t, 60)
	owner := e.actor("owner", "")
	img := e.image(owner, "web", domain.TypeSystem)
	var accounts []string
	for i := 0; i < 60; i++ {
		accounts = append(accounts, e.accountID(fmt.Sprintf("acc%03d", i)))
	}
	e.share(owner, img.ID, accounts...)
	res, err := e.svc.Recipients(e.ctx, owner, img.ID, sharing.Page{Limit: 1000})
	rows, more := res.Rows, res.Next != nil
	if err != nil || len(rows) != 60 || more {
		t.Errorf("a page of 1,000: %d rows, more %v, %v; want all 60 and no more", len(rows), more, err)
	}
}

// TestMembersAreRecipientsWithoutNames: the API's member list and members
// (read without the joins for names) have every member of every kind the console's
// recipient list has, with the same IDs, URNs, statuses and times, page for
// page; only the names of projects and accounts are left out.
func TestMembersAreRecipientsWithoutNames(t *testing.T) {
	e := newEnv(t, 60)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	recipients := []string{rec.ProjectID, e.accountID("other"), orgURN(e, "ou-b")}
	for i := 0; i < 60; i++ {
		recipients = append(recipients, e.accountID(fmt.Sprintf("acc%03d", i)))
	}
	e.share(owner, img.ID, recipients...)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
	var members, console []sharing.Recipient
	for _, c := range []struct {
		list func(sharing.Page) (sharing.Window[sharing.Recipient], error)
		into *[]sharing.Recipient
	}{
		{func(p sharing.Page) (sharing.Window[sharing.Recipient], error) {
			return e.svc.Members(e.ctx, owner, img.ID, p)
		}, &members},
		{func(p sharing.Page) (sharing.Window[sharing.Recipient], error) {
			return e.svc.Recipients(e.ctx, owner, img.ID, p)
		}, &console},
	} {
		for p := (sharing.Page{Limit: 25}); ; {
			w, err := c.list(p)
			e.must(err, "list members")
			*c.into = append(*c.into, w.Rows...)
			if w.Next == nil {
				break
			}
			p.After = w.Next
		}
	}
	if len(console) != len(recipients) {
		t.Fatalf("the console lists %d recipients, want %d", len(console), len(recipients))
	}
	kinds := map[string]bool{}
	for i, want := range console {
		kinds[want.Kind] = true
		if want.Name == "" {
			t.Errorf("the console's %s recipient %s has no name", want.Kind, want.Label)
		}
		if want.Kind != domain.GrantOrganization {
			want.Name = ""
		}
		if i >= len(members) || members[i] != want {
			t.Errorf("member %d: %+v, want %+v", i, members[min(i, len(members)-1)], want)
		}
	}
	for _, m := range members { // one at a time (the API's GET of a member, an add's answer)
		if got, err := e.svc.Recipient(e.ctx, owner, img.ID, m.Label); err != nil || got != m {
			t.Errorf("member %s alone: %+v, %v; want %+v", m.Label, got, err, m)
		}
	}
	// One that is not a member, by project ID, node ID or URN, is not found.
	for _, nobody := range []string{e.actor("intl", "").ProjectID, "ou-a", orgURN(e, "ou-a"), "organizations::" + e.accountID("owner") + ":ou:o-test1/ou-zzz"} {
		_, err := e.svc.Recipient(e.ctx, owner, img.ID, nobody)
		wantKind(t, err, domain.KindNotFound)
	}
	if len(members) != len(console) || len(kinds) != 3 {
		t.Errorf("%d members, %d recipients of kinds %v; want the same, of 3 kinds", len(members), len(console), kinds)
	}
}

// TestImageJobsAreSettledByTheWorker: a job that waits for an image (a
// replica, an image made by the SDK's creation calls) ends when its image
// finishes saving, or fails when the image is deleted first, without anyone
// reading it; it is then pruned like a member job.
func TestImageJobsAreSettledByTheWorker(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	src := e.image(owner, "web", domain.TypeSystem)
	stored := func(id string) domain.Job {
		t.Helper()
		j, err := e.st.One(e.ctx).Job(owner.ProjectID, id)
		e.must(err, "read job "+id)
		return j
	}
	newJob := func(name string) domain.Job {
		t.Helper()
		img, err := e.svc.ImportImage(e.ctx, owner, sharing.ImageSpec{Name: name, Type: domain.TypeData, SizeGB: 10})
		e.must(err, "import "+name)
		j, err := e.svc.ImageJob(e.ctx, owner, "imsCreateDataImageJob", img, "{}")
		e.must(err, "image job "+name)
		return j
	}
	made := newJob("made")
	gone := newJob("gone")
	copied, err := e.svc.Replicate(e.ctx, owner, src.ID, "copy")
	e.must(err, "replicate")
	cj, err := e.svc.ImageJob(e.ctx, owner, domain.JobCopyInRegion, copied, "{}")
	e.must(err, "copy job")

	if n, err := e.svc.SettleImageJobs(e.ctx); err != nil || n != 0 {
		t.Fatalf("settled %d (%v) while every image is saving, want none", n, err)
	}
	e.must(e.svc.DeleteImage(e.ctx, owner, gone.ImageID), "delete")
	e.finish()
	if n, err := e.svc.SettleImageJobs(e.ctx); err != nil || n != 3 {
		t.Fatalf("settled %d (%v), want all 3", n, err)
	}
	for id, want := range map[string]string{made.ID: domain.JobSuccess, cj.ID: domain.JobSuccess, gone.ID: domain.JobFail} {
		if got := stored(id); got.Status != want || got.EndTime.IsZero() {
			t.Errorf("job %s: %s ended %v, want %s", id, got.Status, got.EndTime, want)
		}
	}
	e.clock.Advance(e.lim.JobRetention + time.Hour)
	if n, err := e.svc.PruneJobs(e.ctx); err != nil || n != 3 {
		t.Errorf("pruned %d (%v), want the 3 settled jobs", n, err)
	}
}
