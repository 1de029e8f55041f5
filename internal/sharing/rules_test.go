package sharing_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

func TestS01_OnlyOwnerMayShareStopOrDelete(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("other", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)

	t.Run("recipient shares: IMG.0047", func(t *testing.T) {
		_, err := e.svc.Share(e.ctx, rec, []string{img.ID}, []string{other.ProjectID})
		wantCode(t, err, domain.CodeOwnerOnly)
	})
	t.Run("recipient stops sharing: IMG.0047", func(t *testing.T) {
		wantCode(t, e.svc.StopSharingAll(e.ctx, rec, img.ID), domain.CodeOwnerOnly)
	})
	t.Run("recipient deletes: IMG.0092", func(t *testing.T) {
		wantCode(t, e.svc.DeleteImage(e.ctx, rec, img.ID), domain.CodeDeleteOwnerOnly)
	})
	t.Run("stranger gets not found, never a hint", func(t *testing.T) {
		_, err := e.svc.Share(e.ctx, other, []string{img.ID}, []string{rec.ProjectID})
		wantCode(t, err, domain.CodeImageNotFound)
		wantCode(t, e.svc.DeleteImage(e.ctx, other, img.ID), domain.CodeImageNotFound)
		_, err = e.svc.Image(e.ctx, other, img.ID)
		wantCode(t, err, domain.CodeImageNotFound)
		_, err = e.svc.Recipients(e.ctx, other, img.ID, sharing.Page{})
		wantCode(t, err, domain.CodeImageNotFound)
	})
	t.Run("recipient cannot list recipients", func(t *testing.T) {
		_, err := e.svc.Recipients(e.ctx, rec, img.ID, sharing.Page{})
		wantCode(t, err, domain.CodeOwnerOnly)
	})
	t.Run("another project of the owner's account is a stranger", func(t *testing.T) {
		dev := e.actor("owner", "r1_dev")
		wantCode(t, e.svc.DeleteImage(e.ctx, dev, img.ID), domain.CodeImageNotFound)
	})
	t.Run("owner deletes", func(t *testing.T) {
		e.must(e.svc.DeleteImage(e.ctx, owner, img.ID), "delete")
		_, err := e.svc.Image(e.ctx, owner, img.ID)
		wantCode(t, err, domain.CodeImageNotFound)
	})
}

func TestS02_OnlyActiveImagesCanBeShared(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img, err := e.svc.ImportImage(e.ctx, owner, sharing.ImageSpec{Name: "slow", Type: domain.TypeSystem, OS: "Debian", SizeGB: 20})
	e.must(err, "import")
	if img.Status != domain.StatusSaving {
		t.Fatalf("new image status = %s, want saving", img.Status)
	}
	_, err = e.svc.Share(e.ctx, owner, []string{img.ID}, []string{rec.ProjectID})
	wantCode(t, err, domain.CodeUnavailable)
	e.finish()
	e.share(owner, img.ID, rec.ProjectID)
}

func TestS03_TypesShareableButNotEncrypted(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	for _, typ := range domain.ImageTypes {
		img := e.image(owner, "img-"+string(typ), typ)
		items := e.share(owner, img.ID, rec.ProjectID)
		if len(items) != 1 || items[0].Outcome != sharing.Added {
			t.Errorf("%s: got %+v, want one added grant", typ, items)
		}
	}
	enc := e.image(owner, "enc", domain.TypeSystem, encrypted)
	_, err := e.svc.Share(e.ctx, owner, []string{enc.ID}, []string{rec.ProjectID})
	wantCode(t, err, domain.CodeEncrypted)
}

func TestS04_SharedImageCannotBeSharedOnButItsCopyCan(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("other", "")
	img := e.image(owner, "base", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")

	_, err := e.svc.Share(e.ctx, rec, []string{img.ID}, []string{other.ProjectID})
	wantCode(t, err, domain.CodeOwnerOnly)
	if !strings.Contains(domain.AsError(err).Message, "replicate") {
		t.Errorf("message %q does not point to replication", domain.AsError(err).Message)
	}
	cp, err := e.svc.Replicate(e.ctx, rec, img.ID, "")
	e.must(err, "replicate")
	e.finish()
	e.share(rec, cp.ID, other.ProjectID)
	if got := e.status(other, cp.ID); got != domain.MemberPending {
		t.Errorf("copy status for other = %q, want pending", got)
	}
}

func TestS05_RecipientsParsedMergedLimitedAllOrNothing(t *testing.T) {
	t.Run("separators and duplicates", func(t *testing.T) {
		a, b := strings.Repeat("a", 32), strings.Repeat("b", 32)
		got, err := sharing.ParseRecipients(a+",\n"+b+"\r\n"+strings.ToUpper(a)+" ; "+b, 100)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{a, b}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("101 distinct IDs refused naming the 101st", func(t *testing.T) {
		var in []string
		for i := 0; i < 101; i++ {
			in = append(in, strings.Repeat("0", 29)+padInt(i))
		}
		_, err := sharing.ParseRecipients(strings.Join(in, ","), 100)
		wantKind(t, err, domain.KindInvalid)
		if got := domain.AsError(err).Subject; got != in[100] {
			t.Errorf("named %q, want %q", got, in[100])
		}
	})
	t.Run("empty refused", func(t *testing.T) {
		_, err := sharing.ParseRecipients(" , \n", 100)
		wantKind(t, err, domain.KindInvalid)
	})

	e := newEnv(t, 0)
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("other", "")
	img := e.image(owner, "web", domain.TypeSystem)
	bad := []struct {
		name, input, code string
	}{
		{"unknown ID", strings.Repeat("c", 32), domain.CodeNotInRegion},
		{"not an ID", "cn-north-4", domain.CodeInvalid},
		{"malformed URN", "organizations::nope", domain.CodeInvalid},
		{"unknown OU", "organizations::" + e.accountID("owner") + ":ou:o-test1/ou-zzz", domain.CodeNotInRegion},
		{"URN with the wrong management account", "organizations::" + e.accountID("rec") + ":ou:o-test1/ou-a", domain.CodeNotInRegion},
	}
	for _, tc := range bad {
		t.Run(tc.name+" named, nothing applied", func(t *testing.T) {
			_, err := e.svc.Share(e.ctx, owner, []string{img.ID}, []string{rec.ProjectID, tc.input, other.ProjectID})
			wantCode(t, err, tc.code)
			if got := domain.AsError(err).Subject; got != tc.input {
				t.Errorf("error names %q, want %q", got, tc.input)
			}
			res, err := e.svc.Recipients(e.ctx, owner, img.ID, sharing.Page{})
			rs := res.Rows
			e.must(err, "recipients")
			if len(rs) != 0 || e.pending(rec) != 0 {
				t.Errorf("got %d recipients and %d pending, want nothing applied", len(rs), e.pending(rec))
			}
		})
	}
	t.Run("several images, one bad: nothing applied", func(t *testing.T) {
		enc := e.image(owner, "enc", domain.TypeData, encrypted)
		_, err := e.svc.Share(e.ctx, owner, []string{img.ID, enc.ID}, []string{rec.ProjectID})
		wantCode(t, err, domain.CodeEncrypted)
		if n := e.pending(rec); n != 0 {
			t.Errorf("pending = %d, want 0", n)
		}
	})
	t.Run("over the limit through the service", func(t *testing.T) {
		var many []string
		for i := 0; i <= e.lim.MaxRecipients; i++ {
			many = append(many, strings.Repeat("d", 29)+padInt(i))
		}
		_, err := e.svc.Share(e.ctx, owner, []string{img.ID}, many)
		wantKind(t, err, domain.KindInvalid)
	})
}

func padInt(i int) string { return fmt.Sprintf("%03d", i) }

func TestS06_ProjectRecipientsInRegionNotSelfSameAccountAllowed(t *testing.T) {
	e := newEnv(t, 0)
	owner, dev, rec := e.actor("owner", ""), e.actor("owner", "r1_dev"), e.actor("rec", "")
	recR3 := e.actor("rec", "r3")
	img := e.image(owner, "web", domain.TypeSystem)

	_, err := e.svc.Share(e.ctx, owner, []string{img.ID}, []string{recR3.ProjectID})
	wantCode(t, err, domain.CodeNotInRegion)
	_, err = e.svc.Share(e.ctx, owner, []string{img.ID}, []string{owner.ProjectID})
	wantCode(t, err, domain.CodeSelfShare)

	e.share(owner, img.ID, dev.ProjectID)
	if got := e.pending(dev); got != 1 {
		t.Fatalf("pending for the owner's other project = %d, want 1", got)
	}
	if got := e.pending(rec); got != 0 {
		t.Errorf("pending for an unrelated project = %d, want 0", got)
	}
}

func TestS07_CrossSiteOnlyInRegionsOfferedOnBothSites(t *testing.T) {
	e := newEnv(t, 0)
	intlID := e.accountID("intl")
	owner := e.actor("owner", "")
	ownerCN := e.actor("owner", "cnonly")

	img := e.image(owner, "both-sites", domain.TypeSystem)
	e.share(owner, img.ID, intlID)
	if got := e.status(e.actor("intl", ""), img.ID); got != domain.MemberPending {
		t.Errorf("intl status in r1 = %q, want pending", got)
	}

	only := e.image(ownerCN, "cn-only", domain.TypeSystem)
	_, err := e.svc.Share(e.ctx, ownerCN, []string{only.ID}, []string{intlID})
	wantCode(t, err, domain.CodeNotInRegion)
	if got := domain.AsError(err).Subject; got != intlID {
		t.Errorf("error names %q, want the account %q", got, intlID)
	}
}

func TestS08_SharingAgainReoffersRejectedLeavesOthers(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("other", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID, other.ProjectID)
	e.must(e.svc.Reject(e.ctx, rec, []string{img.ID}), "reject")
	e.must(e.svc.Accept(e.ctx, other, []string{img.ID}), "accept")

	items := e.share(owner, img.ID, rec.ProjectID, other.ProjectID)
	got := map[string]sharing.Outcome{}
	for _, it := range items {
		got[it.MemberID] = it.Outcome
	}
	if got[rec.ProjectID] != sharing.Reoffered || got[other.ProjectID] != sharing.Unchanged {
		t.Errorf("outcomes = %v, want rec reoffered and other unchanged", got)
	}
	if s := e.status(rec, img.ID); s != domain.MemberPending {
		t.Errorf("rec status = %q, want pending again", s)
	}
	if s := e.status(other, img.ID); s != domain.MemberAccepted {
		t.Errorf("other status = %q, want still accepted", s)
	}
	if items := e.share(owner, img.ID, rec.ProjectID); items[0].Outcome != sharing.Unchanged {
		t.Errorf("sharing with a pending recipient: %s, want unchanged", items[0].Outcome)
	}
}

func TestS09_AcceptedLimitsCountOnlyAccepted(t *testing.T) {
	e := newEnv(t, 12)
	owner := e.actor("owner", "")
	img := e.image(owner, "erp", domain.TypeFullECS)
	var recs []sharing.Actor
	var projects []string
	for i := 0; i < 12; i++ {
		a := e.actor("acc"+padInt(i), "")
		recs = append(recs, a)
		projects = append(projects, a.ProjectID)
	}
	// Twelve pending recipients consume nothing: sharing is not refused.
	e.share(owner, img.ID, projects...)
	for i := 0; i < 10; i++ {
		e.must(e.svc.Accept(e.ctx, recs[i], []string{img.ID}), "accept within the limit")
	}
	err := e.svc.Accept(e.ctx, recs[10], []string{img.ID})
	wantCode(t, err, domain.CodeMemberLimit)
	if got := e.status(recs[10], img.ID); got != domain.MemberPending {
		t.Errorf("refused recipient status = %q, want pending", got)
	}
	// A new share once the maximum is accepted could never be accepted.
	_, err = e.svc.Share(e.ctx, owner, []string{img.ID}, []string{e.accountID("intl")})
	wantCode(t, err, domain.CodeMemberLimit)
	// A rejection frees a place.
	e.must(e.svc.Reject(e.ctx, recs[0], []string{img.ID}), "reject")
	e.must(e.svc.Accept(e.ctx, recs[10], []string{img.ID}), "accept after a place freed")

	t.Run("system images allow 128", func(t *testing.T) {
		if got := e.lim.MaxAcceptedFor(domain.TypeSystem); got != 128 {
			t.Errorf("limit = %d, want 128", got)
		}
		if got := e.lim.MaxAcceptedFor(domain.TypeData); got != 128 {
			t.Errorf("data limit = %d, want 128", got)
		}
		sys := e.image(owner, "sys", domain.TypeSystem)
		e.share(owner, sys.ID, projects...)
		for _, r := range recs {
			e.must(e.svc.Accept(e.ctx, r, []string{sys.ID}), "accept system image")
		}
	})
	t.Run("unanswered grants are capped", func(t *testing.T) {
		e2 := newEnv(t, 4, func(l *sharing.Limits) { l.MaxUnanswered = 3 })
		o := e2.actor("owner", "")
		im := e2.image(o, "x", domain.TypeSystem)
		var ps []string
		for i := 0; i < 4; i++ {
			ps = append(ps, e2.actor("acc"+padInt(i), "").ProjectID)
		}
		e2.share(o, im.ID, ps[:3]...)
		_, err := e2.svc.Share(e2.ctx, o, []string{im.ID}, []string{ps[3]})
		wantCode(t, err, domain.CodeMemberLimit)
	})
}

func TestS10_NoLimitOnImagesSharedWithAProjectListsPaginate(t *testing.T) {
	e := newEnv(t, 0, func(l *sharing.Limits) { l.MaxImagesPerRegion = 1000 })
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	var want []string
	for i := 0; i < 120; i++ {
		img, err := e.svc.ImportImage(e.ctx, owner, sharing.ImageSpec{Name: "img" + padInt(i), Type: domain.TypeData, SizeGB: 10})
		e.must(err, "import")
		want = append(want, img.ID)
	}
	e.finish()
	_, err := e.svc.Share(e.ctx, owner, want, []string{rec.ProjectID})
	e.must(err, "share 120 images")
	e.must(e.svc.Accept(e.ctx, rec, want), "accept 120")
	var got []string
	for p := (sharing.Page{Limit: 50}); ; {
		res, err := e.svc.SharedImages(e.ctx, rec, domain.MemberAccepted, p)
		e.must(err, "page")
		if len(res.Rows) > 50 {
			t.Fatalf("page of %d rows, want at most 50", len(res.Rows))
		}
		got = append(got, ids(res.Rows)...)
		if res.Next == nil {
			break
		}
		p.After = res.Next
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("paged through %d images, want all %d exactly once", len(got), len(want))
	}
}

func TestS11_PrivateImageQuotaPerRegionSharedDoNotCount(t *testing.T) {
	e := newEnv(t, 0, func(l *sharing.Limits) { l.MaxImagesPerRegion = 3 })
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	for i := 0; i < 3; i++ {
		img := e.image(owner, "o"+padInt(i), domain.TypeSystem)
		e.share(owner, img.ID, rec.ProjectID)
		e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
	}
	_, err := e.svc.ImportImage(e.ctx, owner, sharing.ImageSpec{Name: "one-too-many", Type: domain.TypeData, SizeGB: 1})
	wantCode(t, err, domain.CodeQuota)
	// The owner's other project in the region shares the account's quota.
	_, err = e.svc.ImportImage(e.ctx, e.actor("owner", "r1_dev"), sharing.ImageSpec{Name: "dev", Type: domain.TypeData, SizeGB: 1})
	wantCode(t, err, domain.CodeQuota)
	// Another region has its own quota.
	if _, err := e.svc.ImportImage(e.ctx, e.actor("owner", "r3"), sharing.ImageSpec{Name: "r3", Type: domain.TypeData, SizeGB: 1}); err != nil {
		t.Errorf("import in another region: %v", err)
	}
	// Three accepted shared images do not use rec's quota.
	for i := 0; i < 3; i++ {
		e.image(rec, "own"+padInt(i), domain.TypeData)
	}
	q, err := e.svc.Quota(e.ctx, rec)
	e.must(err, "quota")
	if q.Used != 3 || q.Limit != 3 {
		t.Errorf("rec quota = %+v, want 3 of 3 (own images only)", q)
	}
}

func TestS13_RecipientDecisions(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)

	steps := []struct {
		name string
		do   func() error
		want string
	}{
		{"accept pending", func() error { return e.svc.Accept(e.ctx, rec, []string{img.ID}) }, domain.MemberAccepted},
		{"reject accepted", func() error { return e.svc.Reject(e.ctx, rec, []string{img.ID}) }, domain.MemberRejected},
		{"accept rejected again", func() error { return e.svc.Accept(e.ctx, rec, []string{img.ID}) }, domain.MemberAccepted},
		{"reject again", func() error { return e.svc.Reject(e.ctx, rec, []string{img.ID}) }, domain.MemberRejected},
	}
	for _, s := range steps {
		e.must(s.do(), s.name)
		if got := e.status(rec, img.ID); got != s.want {
			t.Fatalf("%s: status %q, want %q", s.name, got, s.want)
		}
	}
	err := e.svc.Accept(e.ctx, owner, []string{img.ID})
	wantKind(t, err, domain.KindForbidden)
	// Once the owner stops sharing, a rejected image cannot be accepted.
	e.must(e.svc.StopSharingAll(e.ctx, owner, img.ID), "stop")
	wantCode(t, e.svc.Accept(e.ctx, rec, []string{img.ID}), domain.CodeImageNotFound)
}

func TestS14_PendingBadgeListsPerProject(t *testing.T) {
	e := newEnv(t, 0)
	owner, dev := e.actor("owner", ""), e.actor("owner", "r1_dev")
	rec := e.actor("rec", "")
	a := e.image(owner, "a", domain.TypeSystem)
	b := e.image(owner, "b", domain.TypeData)
	c := e.image(owner, "c", domain.TypeSystem)
	_, err := e.svc.Share(e.ctx, owner, []string{a.ID, b.ID, c.ID}, []string{rec.ProjectID})
	e.must(err, "share")
	if got := e.pending(rec); got != 3 {
		t.Fatalf("badge = %d, want 3", got)
	}
	if got := e.shared(rec, domain.MemberAccepted); len(got) != 0 {
		t.Errorf("accepted list = %v, want empty while pending", got)
	}
	e.must(e.svc.Accept(e.ctx, rec, []string{a.ID}), "accept a")
	e.must(e.svc.Reject(e.ctx, rec, []string{b.ID}), "reject b")
	if got := e.pending(rec); got != 1 {
		t.Errorf("badge = %d, want 1", got)
	}
	if got := e.shared(rec, domain.MemberAccepted); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("accepted = %v, want [a]", got)
	}
	if got := e.shared(rec, domain.MemberRejected); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("rejected = %v, want [b]", got)
	}
	n, err := e.svc.AcceptAll(e.ctx, rec)
	e.must(err, "accept all")
	if n != 1 || e.pending(rec) != 0 {
		t.Errorf("accept all accepted %d, badge %d; want 1 and 0", n, e.pending(rec))
	}
	// Per project: a share with the owner's dev project shows only there.
	e.share(owner, c.ID, dev.ProjectID)
	if got := e.pending(dev); got != 1 {
		t.Errorf("dev badge = %d, want 1", got)
	}
	if got := e.pending(e.actor("owner", "r3")); got != 0 {
		t.Errorf("r3 badge = %d, want 0", got)
	}
	// A region switch shows that region's shares: rec has none in r3.
	if got := e.shared(e.actor("rec", "r3"), ""); len(got) != 0 {
		t.Errorf("rec in r3 sees %v, want nothing", got)
	}
}

func TestS15_SeveralCoveringGrantsAnyAcceptedKeepsAccess(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	recR1b := rec
	img := e.image(owner, "web", domain.TypeSystem)

	// Account grant accepted, then a project grant arrives: still accepted.
	e.share(owner, img.ID, e.accountID("rec"))
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept via account")
	e.share(owner, img.ID, rec.ProjectID)
	if got := e.status(rec, img.ID); got != domain.MemberAccepted {
		t.Fatalf("status with one accepted and one pending grant = %q, want accepted", got)
	}
	if _, err := e.svc.CreateServer(e.ctx, recR1b, sharing.ServerSpec{ImageID: img.ID, AZ: "r1a"}); err != nil {
		t.Errorf("server from the accepted image: %v", err)
	}
	// Rejecting in the console rejects every covering grant.
	e.must(e.svc.Reject(e.ctx, rec, []string{img.ID}), "reject")
	if got := e.status(rec, img.ID); got != domain.MemberRejected {
		t.Errorf("status after reject = %q, want rejected", got)
	}
	res, err := e.svc.Recipients(e.ctx, owner, img.ID, sharing.Page{})
	rs := res.Rows
	e.must(err, "recipients")
	for _, r := range rs {
		if r.Status != domain.MemberRejected {
			t.Errorf("grant %s %s: %s, want rejected", r.Kind, r.MemberID, r.Status)
		}
	}
	// The organization grant is not refused: it gives access again (FAQ note).
	e.share(owner, img.ID, orgURN(e, "ou-a"))
	if got := e.status(rec, img.ID); got != domain.MemberPending {
		t.Errorf("status with a new organization grant = %q, want pending", got)
	}
}

func TestS16_ReplicateAcceptedImageInRegion(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	big := e.image(owner, "big", domain.TypeData, func(s *sharing.ImageSpec) { s.SizeGB = 200 })
	ecs := e.image(owner, "erp", domain.TypeFullECS)
	_, err := e.svc.Share(e.ctx, owner, []string{img.ID, big.ID, ecs.ID}, []string{rec.ProjectID})
	e.must(err, "share")

	_, err = e.svc.Replicate(e.ctx, rec, img.ID, "")
	wantCode(t, err, domain.CodeNotAccepted)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID, big.ID, ecs.ID}), "accept")

	cp, err := e.svc.Replicate(e.ctx, rec, img.ID, "my-web")
	e.must(err, "replicate")
	if cp.ProjectID != rec.ProjectID || cp.OriginKind != domain.OriginReplicated || cp.OriginRef != img.ID || cp.Status != domain.StatusSaving {
		t.Errorf("copy = %+v, want a saving private image of rec replicated from %s", cp, img.ID)
	}
	e.finish()
	v, err := e.svc.Image(e.ctx, rec, cp.ID)
	e.must(err, "copy")
	if !v.Owned || v.Status != domain.StatusActive {
		t.Errorf("copy owned=%v status=%s, want owned and active", v.Owned, v.Status)
	}
	q, _ := e.svc.Quota(e.ctx, rec)
	if q.Used != 1 {
		t.Errorf("quota used = %d, want 1 (the copy counts)", q.Used)
	}
	_, err = e.svc.Replicate(e.ctx, rec, big.ID, "")
	wantCode(t, err, domain.CodeNotReplicable)
	_, err = e.svc.Replicate(e.ctx, rec, ecs.ID, "")
	wantCode(t, err, domain.CodeNotReplicable)
	// The copy can be replicated across regions by its new owner.
	if _, err := e.svc.ReplicateCrossRegion(e.ctx, rec, cp.ID, e.actor("rec", "r3").ProjectID, ""); err != nil {
		t.Errorf("cross-region replication of the copy: %v", err)
	}
}

func TestS17_ImagesCreateServersOrNewDisksNeverRestore(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	sys := e.image(owner, "sys", domain.TypeSystem)
	data := e.image(owner, "data", domain.TypeData, func(s *sharing.ImageSpec) { s.SizeGB = 100 })
	ecs := e.image(owner, "ecs", domain.TypeFullECS)
	_, err := e.svc.Share(e.ctx, owner, []string{sys.ID, data.ID, ecs.ID}, []string{rec.ProjectID})
	e.must(err, "share")
	e.must(e.svc.Accept(e.ctx, rec, []string{sys.ID, data.ID, ecs.ID}), "accept")

	// No server is needed beforehand: rec has none.
	for _, im := range []domain.Image{sys, ecs} {
		if _, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: im.ID, AZ: "r1a"}); err != nil {
			t.Errorf("server from %s: %v", im.Name, err)
		}
	}
	_, err = e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: data.ID, AZ: "r1a"})
	wantKind(t, err, domain.KindInvalid)
	d, err := e.svc.CreateDisk(e.ctx, rec, sharing.DiskSpec{ImageID: data.ID, AZ: "r1b"})
	e.must(err, "disk from data image")
	if d.SizeGB != 100 || d.ImageID != data.ID {
		t.Errorf("disk = %+v, want 100 GB from the data image", d)
	}
	_, err = e.svc.CreateDisk(e.ctx, rec, sharing.DiskSpec{ImageID: sys.ID, AZ: "r1b"})
	wantKind(t, err, domain.KindInvalid)
	_, err = e.svc.CreateDisk(e.ctx, rec, sharing.DiskSpec{ImageID: data.ID, AZ: "r1b", SizeGB: 50})
	wantKind(t, err, domain.KindInvalid)
	err = e.svc.RestoreDisk(e.ctx, rec, d.ID, data.ID)
	wantCode(t, err, domain.CodeNoRestore)
	if !strings.Contains(domain.AsError(err).Message, "new data disk") {
		t.Errorf("refusal %q does not say to create a new disk", domain.AsError(err).Message)
	}
}

func TestS18_ServersInAnyAZOfTheImageRegionNoEIPFromFullECS(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	sys := e.image(owner, "sys", domain.TypeSystem)
	ecs := e.image(owner, "ecs", domain.TypeFullECS)
	_, err := e.svc.Share(e.ctx, owner, []string{sys.ID, ecs.ID}, []string{rec.ProjectID})
	e.must(err, "share")
	e.must(e.svc.Accept(e.ctx, rec, []string{sys.ID, ecs.ID}), "accept")
	for _, az := range []string{"r1a", "r1b"} {
		if _, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: sys.ID, AZ: az}); err != nil {
			t.Errorf("server in %s: %v", az, err)
		}
	}
	_, err = e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: sys.ID, AZ: "r3a"})
	wantKind(t, err, domain.KindInvalid)
	// From another region's project the image does not exist.
	_, err = e.svc.CreateServer(e.ctx, e.actor("rec", "r3"), sharing.ServerSpec{ImageID: sys.ID, AZ: "r3a"})
	wantCode(t, err, domain.CodeImageNotFound)

	fromECS, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: ecs.ID, AZ: "r1a"})
	e.must(err, "server from full-ECS image")
	if fromECS.EIP != "" {
		t.Errorf("server from a full-ECS image has EIP %q, want none", fromECS.EIP)
	}
}

func TestS19_ChangeOSWithAcceptedSystemImage(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	mine := e.image(rec, "mine", domain.TypeSystem)
	srv, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: mine.ID, AZ: "r1a"})
	e.must(err, "server")
	shared := e.image(owner, "debian", domain.TypeSystem, func(s *sharing.ImageSpec) { s.OS = "Debian 12" })
	ecs := e.image(owner, "ecs", domain.TypeFullECS)
	_, err = e.svc.Share(e.ctx, owner, []string{shared.ID, ecs.ID}, []string{rec.ProjectID})
	e.must(err, "share")

	wantCode(t, e.svc.ChangeOS(e.ctx, rec, srv.ID, shared.ID), domain.CodeNotAccepted)
	e.must(e.svc.Accept(e.ctx, rec, []string{shared.ID, ecs.ID}), "accept")
	e.must(e.svc.ChangeOS(e.ctx, rec, srv.ID, shared.ID), "change OS")
	res, err := e.svc.Servers(e.ctx, rec, sharing.Page{})
	servers := res.Rows
	e.must(err, "servers")
	if servers[0].OS != "Debian 12" || servers[0].ImageID != shared.ID {
		t.Errorf("server = %+v, want Debian 12 from the shared image", servers[0])
	}
	wantKind(t, e.svc.ChangeOS(e.ctx, rec, srv.ID, ecs.ID), domain.KindInvalid)
	// Another account's server is not found.
	wantKind(t, e.svc.ChangeOS(e.ctx, owner, srv.ID, shared.ID), domain.KindNotFound)
}

func TestS20_OwnerKeepsFullUseOfSharedImage(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
	srv, err := e.svc.CreateServer(e.ctx, owner, sharing.ServerSpec{ImageID: img.ID, AZ: "r1b"})
	e.must(err, "owner's server from its shared image")
	fromSrv, err := e.svc.CreateImageFromServer(e.ctx, owner, srv.ID, sharing.ImageSpec{Name: "from-server"})
	e.must(err, "image from that server")
	if fromSrv.OriginKind != domain.OriginServer || fromSrv.OS != img.OS {
		t.Errorf("image = %+v, want one made from the server", fromSrv)
	}
	// The recipient can too (the FAQ's data-leak warning is about this).
	rsrv, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: img.ID, AZ: "r1a"})
	e.must(err, "recipient server")
	_, err = e.svc.CreateImageFromServer(e.ctx, rec, rsrv.ID, sharing.ImageSpec{Name: "rec-copy", Type: domain.TypeFullECS})
	e.must(err, "recipient image from its server")
}

func TestS21_StopSharingOrDeleteEndsNewUseNotRunningServers(t *testing.T) {
	for _, how := range []string{"stop sharing", "stop sharing all", "delete"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, 0)
			owner, rec := e.actor("owner", ""), e.actor("rec", "")
			img := e.image(owner, "web", domain.TypeSystem)
			pend := e.image(owner, "pend", domain.TypeSystem)
			e.share(owner, img.ID, rec.ProjectID)
			e.share(owner, pend.ID, rec.ProjectID)
			e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
			srv, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: img.ID, AZ: "r1a"})
			e.must(err, "server")
			other := e.image(rec, "other", domain.TypeSystem)
			srv2, err := e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: other.ID, AZ: "r1a"})
			e.must(err, "second server")

			switch how {
			case "stop sharing":
				e.must(e.svc.StopSharing(e.ctx, owner, img.ID, []string{rec.ProjectID}), how)
				e.must(e.svc.StopSharing(e.ctx, owner, pend.ID, []string{rec.ProjectID}), how)
			case "stop sharing all":
				e.must(e.svc.StopSharingAll(e.ctx, owner, img.ID), how)
				e.must(e.svc.StopSharingAll(e.ctx, owner, pend.ID), how)
			default:
				e.must(e.svc.DeleteImage(e.ctx, owner, img.ID), how)
				e.must(e.svc.DeleteImage(e.ctx, owner, pend.ID), how)
			}
			_, err = e.svc.CreateServer(e.ctx, rec, sharing.ServerSpec{ImageID: img.ID, AZ: "r1a"})
			wantCode(t, err, domain.CodeImageNotFound)
			wantCode(t, e.svc.ChangeOS(e.ctx, rec, srv2.ID, img.ID), domain.CodeImageNotFound)
			wantKind(t, e.svc.Reinstall(e.ctx, rec, srv.ID), domain.KindConflict)
			if got := e.shared(rec, ""); len(got) != 0 {
				t.Errorf("rec still lists %v", got)
			}
			if got := e.pending(rec); got != 0 {
				t.Errorf("badge = %d, want 0", got)
			}
			res, err := e.svc.Servers(e.ctx, rec, sharing.Page{})
			servers := res.Rows
			e.must(err, "servers")
			if len(servers) != 2 || servers[1].Status != "running" {
				t.Errorf("servers = %+v, want both still running", servers)
			}
			e.must(e.svc.Reinstall(e.ctx, rec, srv2.ID), "reinstall from an image still available")
		})
	}
}

func TestS23_CrossRegionReplication(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	ownerR3 := e.actor("owner", "r3")
	img := e.image(owner, "web", domain.TypeSystem)

	t.Run("owner to its project in another region", func(t *testing.T) {
		cp, err := e.svc.ReplicateCrossRegion(e.ctx, owner, img.ID, ownerR3.ProjectID, "")
		e.must(err, "replicate")
		if cp.RegionID != "r3" || cp.ProjectID != ownerR3.ProjectID || cp.Name != "copy_web" {
			t.Errorf("copy = %+v, want copy_web in r3", cp)
		}
		q, _ := e.svc.Quota(e.ctx, ownerR3)
		if q.Used != 1 {
			t.Errorf("r3 quota used = %d, want 1", q.Used)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		enc := e.image(owner, "enc", domain.TypeSystem, encrypted)
		_, err := e.svc.ReplicateCrossRegion(e.ctx, owner, enc.ID, ownerR3.ProjectID, "")
		wantCode(t, err, domain.CodeNotReplicable)
		big := e.image(owner, "big", domain.TypeSystem, func(s *sharing.ImageSpec) { s.SizeGB = 129 })
		_, err = e.svc.ReplicateCrossRegion(e.ctx, owner, big.ID, ownerR3.ProjectID, "")
		wantCode(t, err, domain.CodeNotReplicable)
		_, err = e.svc.ReplicateCrossRegion(e.ctx, owner, img.ID, e.actor("rec", "r3").ProjectID, "")
		wantKind(t, err, domain.KindInvalid)
		_, err = e.svc.ReplicateCrossRegion(e.ctx, owner, img.ID, e.actor("owner", "r1_dev").ProjectID, "")
		wantKind(t, err, domain.KindInvalid)
	})
	t.Run("a shared image is replicated in-region first", func(t *testing.T) {
		e.share(owner, img.ID, rec.ProjectID)
		e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
		_, err := e.svc.ReplicateCrossRegion(e.ctx, rec, img.ID, e.actor("rec", "r3").ProjectID, "")
		wantCode(t, err, domain.CodeOwnerOnly)
	})
	t.Run("FAQ method 1: replicate then share", func(t *testing.T) {
		cp, err := e.svc.ReplicateCrossRegion(e.ctx, owner, img.ID, ownerR3.ProjectID, "copy_image")
		e.must(err, "replicate")
		e.finish()
		e.share(ownerR3, cp.ID, e.accountID("rec"))
		if got := e.status(e.actor("rec", "r3"), cp.ID); got != domain.MemberPending {
			t.Errorf("rec in r3: %q, want pending", got)
		}
	})
	t.Run("FAQ method 2: share, accept, replicate, replicate across", func(t *testing.T) {
		cp, err := e.svc.Replicate(e.ctx, rec, img.ID, "copy_image")
		e.must(err, "in-region replica")
		e.finish()
		far, err := e.svc.ReplicateCrossRegion(e.ctx, rec, cp.ID, e.actor("rec", "r3").ProjectID, "")
		e.must(err, "cross-region replica")
		e.finish()
		v, err := e.svc.Image(e.ctx, e.actor("rec", "r3"), far.ID)
		e.must(err, "far copy")
		if v.Status != domain.StatusActive || v.RegionID != "r3" {
			t.Errorf("far copy %s in %s, want active in r3", v.Status, v.RegionID)
		}
	})
}

func TestS24_BetweenProjectsInOneRegionShareThenReplicate(t *testing.T) {
	e := newEnv(t, 0)
	owner, dev := e.actor("owner", ""), e.actor("owner", "r1_dev")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, dev.ProjectID)
	e.must(e.svc.Accept(e.ctx, dev, []string{img.ID}), "accept in dev")
	cp, err := e.svc.Replicate(e.ctx, dev, img.ID, "")
	e.must(err, "replicate into dev")
	if cp.ProjectID != dev.ProjectID {
		t.Errorf("copy in %s, want the dev project", cp.ProjectID)
	}
}

func TestS25_EveryChangeIsInTheTrailWithoutSecrets(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)
	e.must(e.svc.Accept(e.ctx, rec, []string{img.ID}), "accept")
	e.must(e.svc.Reject(e.ctx, rec, []string{img.ID}), "reject")
	_, err := e.svc.Share(e.ctx, owner, []string{img.ID}, []string{owner.ProjectID})
	wantCode(t, err, domain.CodeSelfShare)
	e.must(e.svc.StopSharingAll(e.ctx, owner, img.ID), "stop")
	cp, err := e.svc.Replicate(e.ctx, owner, img.ID, "")
	e.must(err, "replicate")
	e.must(e.svc.DeleteImage(e.ctx, owner, cp.ID), "delete")

	trailRes, err := e.svc.Trail(e.ctx, owner, sharing.TrailFilter{}, sharing.Page{Limit: 100})
	trail := trailRes.Rows
	e.must(err, "trail")
	var got []string
	for _, ev := range trail {
		got = append(got, ev.Action+"/"+ev.Result)
		if ev.AccountID != owner.AccountID || ev.ProjectID == "" || ev.UserName == "" || ev.Time.IsZero() {
			t.Errorf("event %+v lacks account, project, user or time", ev)
		}
	}
	want := []string{"delete_image/success", "replicate/success", "stop_sharing/success", "share/failure", "share/success", "create_image/success"}
	if !slices.Equal(got, want) {
		t.Errorf("owner trail, newest first = %v, want %v", got, want)
	}
	recTrailRes, err := e.svc.Trail(e.ctx, rec, sharing.TrailFilter{}, sharing.Page{})
	recTrail := recTrailRes.Rows
	e.must(err, "rec trail")
	if len(recTrail) != 2 || recTrail[0].Action != domain.ActReject || recTrail[1].Action != domain.ActAccept {
		t.Errorf("rec trail = %v, want reject then accept (its own account only)", recTrail)
	}
	filteredRes, err := e.svc.Trail(e.ctx, owner, sharing.TrailFilter{Result: domain.ResultFailure}, sharing.Page{})
	filtered := filteredRes.Rows
	e.must(err, "filter")
	if len(filtered) != 1 || !strings.Contains(filtered[0].Detail, domain.CodeSelfShare) {
		t.Errorf("failures = %+v, want the self-share refusal with its code", filtered)
	}
}

// TestS05_OnlyAccountsOfAnOrganizationShareWithIt: the management account
// and member accounts may share with the organization, its root and its
// OUs; for any other account the URN is "not found", exactly as an unknown
// one, and nothing reaches the organization's pending lists.
func TestS05_OnlyAccountsOfAnOrganizationShareWithIt(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec, other, intl := e.actor("owner", ""), e.actor("rec", ""), e.actor("other", ""), e.actor("intl", "")
	urns := []string{orgURN(e, "o-test1"), orgURN(e, "r-test"), orgURN(e, "ou-a"), orgURN(e, "ou-b")}

	// An outsider (intl is in no organization) gets not found for each node,
	// with the same code and message as a URN that names nothing.
	outsiderImg := e.image(intl, "outsider", domain.TypeSystem)
	unknown := "organizations::" + e.accountID("owner") + ":ou:o-test1/ou-zzz"
	_, unknownErr := e.svc.Share(e.ctx, intl, []string{outsiderImg.ID}, []string{unknown})
	wantKind(t, unknownErr, domain.KindNotFound)
	for _, urn := range urns {
		_, err := e.svc.Share(e.ctx, intl, []string{outsiderImg.ID}, []string{urn})
		wantCode(t, err, domain.CodeNotInRegion)
		if e := domain.AsError(err); e.Kind != domain.KindNotFound || e.Subject != urn ||
			e.Message != strings.Replace(domain.AsError(unknownErr).Message, unknown, urn, 1) {
			t.Errorf("outsider sharing with %s: %+v, want the unknown URN's not found", urn, e)
		}
	}
	if n := e.pending(rec) + e.pending(other); n != 0 {
		t.Errorf("an outsider's offers reached the organization: %d pending", n)
	}

	// The management account and a member account may.
	e.share(owner, e.image(owner, "from-mgmt", domain.TypeSystem).ID, urns...)
	e.share(rec, e.image(rec, "from-member", domain.TypeSystem).ID, orgURN(e, "ou-b"))
	if n := e.pending(other); n != 2 {
		t.Errorf("other (in ou-b) has %d pending offers, want 2 (from the management account and from a member)", n)
	}
}
