package sharing_test

import (
	"slices"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
	"imageshare/internal/world"
)

func TestOrganizationGrantsCoverNestedOUsAndLateJoiners(t *testing.T) {
	e := newEnv(t, 1)
	owner := e.actor("owner", "")
	rec, other, intl := e.actor("rec", ""), e.actor("other", ""), e.actor("intl", "")
	img := e.image(owner, "web", domain.TypeSystem)

	e.share(owner, img.ID, orgURN(e, "ou-a"))
	if rec := e.status(rec, img.ID); rec != domain.MemberPending {
		t.Errorf("account in ou-a: %q, want pending", rec)
	}
	if got := e.status(other, img.ID); got != domain.MemberPending {
		t.Errorf("account in nested ou-b: %q, want pending", got)
	}
	if got := e.status(intl, img.ID); got != "" {
		t.Errorf("account outside the organization: %q, want nothing", got)
	}
	// Decided once per account: any project of rec in the region decides.
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
	if got := e.status(other, img.ID); got != domain.MemberPending {
		t.Errorf("other after rec accepted: %q, want still pending", got)
	}
	res, err := e.svc.Recipients(e.ctx, owner, img.ID, sharing.Page{})
	rs := res.Rows
	e.must(err, "recipients")
	if len(rs) != 1 || rs[0].Kind != domain.GrantOrganization || rs[0].Accepted != 1 || rs[0].Label != orgURN(e, "ou-a") {
		t.Errorf("recipients = %+v, want the OU grant with its URN and 1 acceptance", rs)
	}
	// An account that joins later is covered too.
	accID, err := world.NewAdmin(e.st).Attach(e.ctx, "acc000", "ou-b")
	e.must(err, "attach")
	e.must(e.svc.ResyncAccounts(e.ctx, []string{accID}), "resync")
	if got := e.status(e.actor("acc000", ""), img.ID); got != domain.MemberPending {
		t.Errorf("late joiner: %q, want pending", got)
	}
	// Stopping sharing with the OU by its URN removes every covered account's access.
	e.must(e.svc.StopSharing(e.ctx, owner, img.ID, []string{orgURN(e, "ou-a")}), "stop by URN")
	for _, a := range []sharing.Actor{rec, other, e.actor("acc000", "")} {
		if got := e.status(a, img.ID); got != "" {
			t.Errorf("after stop: %q, want nothing", got)
		}
	}
	t.Run("unknown recipient to stop is named and nothing changes", func(t *testing.T) {
		e.share(owner, img.ID, rec.ProjectID)
		err := e.svc.StopSharing(e.ctx, owner, img.ID, []string{rec.ProjectID, other.ProjectID})
		wantKind(t, err, domain.KindNotFound)
		if got := domain.AsError(err).Subject; got != other.ProjectID {
			t.Errorf("named %q, want %q", got, other.ProjectID)
		}
		if got := e.status(rec, img.ID); got != domain.MemberPending {
			t.Errorf("rec after refused stop: %q, want still pending", got)
		}
	})
}

func TestAccountGrantCoversEveryProjectOfTheAccountInTheRegion(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	img := e.image(owner, "web", domain.TypeSystem)
	// rec gets a second project in r1 after the share.
	e.share(owner, img.ID, e.accountID("rec"))
	p, err := world.NewAdmin(e.st).CreateProject(e.ctx, "rec", "r1_extra", "r1")
	e.must(err, "project")
	e.must(e.svc.ResyncAccounts(e.ctx, []string{p.AccountID}), "resync")
	extra := e.actor("rec", "r1_extra")
	if got := e.status(extra, img.ID); got != domain.MemberPending {
		t.Fatalf("new project: %q, want pending", got)
	}
	e.must(e.svc.Accept(e.ctx, extra, []string{img.ID}), "accept from the new project")
	if got := e.status(e.actor("rec", ""), img.ID); got != domain.MemberAccepted {
		t.Errorf("the account's other project: %q, want accepted (decided per account)", got)
	}
}

func TestImagesSaveOverTimeAndSurviveARestart(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	src := e.image(owner, "src", domain.TypeSystem)
	img, err := e.svc.ImportImage(e.ctx, owner, sharing.ImageSpec{Name: "slow", Type: domain.TypeData, SizeGB: 10})
	e.must(err, "import")
	e.clock.Advance(e.lim.BuildTime / 2)
	if n, _ := e.svc.FinishDue(e.ctx); n != 0 {
		t.Fatalf("finished %d images half way, want 0", n)
	}
	v, err := e.svc.Image(e.ctx, owner, img.ID)
	e.must(err, "image")
	if p := v.Progress(e.clock.Now()); v.Status != domain.StatusSaving || p < 40 || p > 60 {
		t.Errorf("half way: status %s progress %d, want saving about 50", v.Status, p)
	}
	cp, err := e.svc.Replicate(e.ctx, owner, src.ID, "")
	e.must(err, "replicate")
	e.must(e.svc.DeleteImage(e.ctx, owner, src.ID), "delete the source while copying")

	// "Crash": close the database, open it again with a new service later.
	e.must(e.st.Close(), "close")
	st, err := store.Open(e.path)
	e.must(err, "reopen")
	defer st.Close()
	e.clock.Advance(e.lim.BuildTime)
	svc := sharing.New(st, e.lim, sharing.WithClock(e.clock.Now))
	n, err := svc.FinishDue(e.ctx)
	e.must(err, "finish after restart")
	if n != 2 {
		t.Errorf("finished %d images after restart, want 2", n)
	}
	got := map[string]string{}
	res, err := svc.OwnImages(e.ctx, owner, sharing.ImageFilter{}, sharing.Page{})
	rows := res.Rows
	e.must(err, "list")
	for _, r := range rows {
		got[r.ID] = r.Status
	}
	if got[img.ID] != domain.StatusActive || got[cp.ID] != domain.StatusError {
		t.Errorf("statuses = %v, want the import active and the orphaned copy error", got)
	}
}

func TestRunFinishesImagesInRealTime(t *testing.T) {
	e := newEnv(t, 0, func(l *sharing.Limits) { l.BuildTime = 50 * time.Millisecond })
	svc := sharing.New(e.st, e.lim) // the real clock
	owner := e.actor("owner", "")
	img, err := svc.ImportImage(e.ctx, owner, sharing.ImageSpec{Name: "rt", Type: domain.TypeData, SizeGB: 1})
	e.must(err, "import")
	ctx, cancel := contextWithCancel(e)
	defer cancel()
	go svc.Run(ctx, 10*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		v, err := svc.Image(e.ctx, owner, img.ID)
		e.must(err, "image")
		if v.Status == domain.StatusActive {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the worker did not finish the image within 5 s")
}

func TestOwnImagesFilterAndRecipientCounts(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("other", "")
	web := e.image(owner, "Web_Server", domain.TypeSystem)
	e.image(owner, "data-disk", domain.TypeData)
	e.image(owner, "web%literal", domain.TypeData)
	e.share(owner, web.ID, rec.ProjectID, other.ProjectID)
	e.must(e.svc.Accept(e.ctx, rec, []string{web.ID}), "accept")

	cases := []struct {
		name   string
		filter sharing.ImageFilter
		want   []string
	}{
		{"all, newest first", sharing.ImageFilter{}, []string{"web%literal", "data-disk", "Web_Server"}},
		{"name, case-insensitive", sharing.ImageFilter{Name: "web"}, []string{"web%literal", "Web_Server"}},
		{"wildcards are literal", sharing.ImageFilter{Name: "%"}, []string{"web%literal"}},
		{"underscore is literal", sharing.ImageFilter{Name: "b_s"}, []string{"Web_Server"}},
		{"type", sharing.ImageFilter{Type: domain.TypeData}, []string{"web%literal", "data-disk"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.svc.OwnImages(e.ctx, owner, tc.filter, sharing.Page{})
			rows := res.Rows
			e.must(err, "list")
			var got []string
			for _, r := range rows {
				got = append(got, r.Name)
				if r.ID == web.ID && (r.Accepted != 1 || r.Recipients != 2) {
					t.Errorf("web counts accepted=%d recipients=%d, want 1 and 2", r.Accepted, r.Recipients)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("a project of another account is not found", func(t *testing.T) {
		forged := rec
		forged.ProjectID = owner.ProjectID
		_, err := e.svc.OwnImages(e.ctx, forged, sharing.ImageFilter{}, sharing.Page{})
		wantKind(t, err, domain.KindNotFound)
	})
}

func TestImportValidationNamesTheField(t *testing.T) {
	e := newEnv(t, 0)
	owner := e.actor("owner", "")
	cases := []struct {
		spec  sharing.ImageSpec
		field string
	}{
		{sharing.ImageSpec{Name: " ", Type: domain.TypeData, SizeGB: 1}, "name"},
		{sharing.ImageSpec{Name: "x", Type: "iso", SizeGB: 1}, "type"},
		{sharing.ImageSpec{Name: "x", Type: domain.TypeSystem, SizeGB: 1}, "os"},
		{sharing.ImageSpec{Name: "x", Type: domain.TypeData, SizeGB: 0}, "size_gb"},
		{sharing.ImageSpec{Name: "x", Type: domain.TypeData, SizeGB: 10, MinDiskGB: 5}, "min_disk_gb"},
	}
	for _, tc := range cases {
		_, err := e.svc.ImportImage(e.ctx, owner, tc.spec)
		wantKind(t, err, domain.KindInvalid)
		if got := domain.AsError(err).Subject; got != tc.field {
			t.Errorf("%+v: named %q, want %q", tc.spec, got, tc.field)
		}
	}
	if q, _ := e.svc.Quota(e.ctx, owner); q.Used != 0 {
		t.Errorf("refused imports stored %d images", q.Used)
	}
}

// Private Images reads its counts around the rows in one statement: the
// account's images in the region (S11), the project's own images and the
// badge's pending shares. Each must equal what is there, per project and
// account, and a project with nothing reads zeros.
func TestOwnImagesPageCounts(t *testing.T) {
	e := newEnv(t, 0)
	owner, ownerDev, rec := e.actor("owner", ""), e.actor("owner", "r1_dev"), e.actor("rec", "")
	var ids []string
	for _, name := range []string{"a", "b", "c"} {
		ids = append(ids, e.image(owner, name, domain.TypeSystem).ID)
	}
	e.image(ownerDev, "dev", domain.TypeSystem)
	e.image(rec, "mine", domain.TypeData)
	e.share(owner, ids[0], rec.ProjectID)
	e.share(owner, ids[1], rec.ProjectID)
	for _, c := range []struct {
		who                     sharing.Actor
		account, total, pending int
	}{
		{owner, 4, 3, 0},    // the account has 4 images in r1, the project 3
		{ownerDev, 4, 1, 0}, // the same account, its other project
		{rec, 1, 1, 2},
		{e.actor("other", ""), 0, 0, 0},
	} {
		res, err := e.svc.OwnImages(e.ctx, c.who, sharing.ImageFilter{}, sharing.Page{})
		e.must(err, "list")
		if res.Quota.Used != c.account || res.Total != c.total || res.Pending != c.pending || len(res.Rows) != c.total {
			t.Errorf("project %s: quota used %d, total %d, pending %d, %d rows; want %d, %d, %d, %d rows",
				c.who.ProjectID, res.Quota.Used, res.Total, res.Pending, len(res.Rows), c.account, c.total, c.pending, c.total)
		}
		if n := e.pending(c.who); n != res.Pending {
			t.Errorf("project %s: the page says %d pending, the badge %d", c.who.ProjectID, res.Pending, n)
		}
	}
}
