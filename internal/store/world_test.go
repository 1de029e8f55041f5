package store_test

import (
	"context"
	"slices"
	"testing"

	"imageshare/internal/bigworld"
	"imageshare/internal/domain"
	"imageshare/internal/store"
	"imageshare/internal/world"
)

// UserRegions is one statement for what the console reads on every page;
// it must equal the separate reads (the user and its account, every
// region by ID, the account's projects by region then name) for every demo
// user, on SQLite and PostgreSQL, and an unknown user is not found.
func TestUserRegionsIsTheSeparateReads(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	tx := st.One(ctx)
	regions, err := tx.Regions()
	if err != nil {
		t.Fatal(err)
	}
	for _, au := range [][2]string{{"acme", "alice"}, {"acme", "aaron"}, {"bravo", "bob"}, {"umbrella", "erin"}, {"globex", "carol"}, {"initech", "dave"}} {
		acc := au[0]
		a, err := tx.AccountByName(acc)
		if err != nil {
			t.Fatal(err)
		}
		projects, err := tx.Projects(a.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		u, err := tx.User(a.ID, au[1])
		if err != nil {
			t.Fatal(err)
		}
		want, err := tx.UserAccountByID(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tx.UserRegions(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.UserAccount != want || !slices.Equal(got.Regions, regions) || !slices.EqualFunc(got.Projects, projects, sameProject) {
			t.Errorf("%s/%s: read %+v, %v, %v; want %+v, %v, %v", acc, u.Name, got.UserAccount, got.Regions, got.Projects, want, regions, projects)
		}
	}
	if _, err := tx.UserRegions("no-such-user"); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("unknown user: %v, want not found", err)
	}
}

func sameProject(a, b domain.Project) bool {
	return a.ID == b.ID && a.AccountID == b.AccountID && a.RegionID == b.RegionID && a.Name == b.Name && a.CreatedAt.Equal(b.CreatedAt)
}

// ProjectOf: a missing project and another account's are not found; a
// lookup that failed is that failure, never "not found", which the token
// API once answered as a bad login (401, seen when a client hung up
// during a login under load on PostgreSQL).
func TestProjectOfTellsAFailureFromNotFound(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	tx := st.One(ctx)
	acme, err := tx.AccountByName("acme")
	if err != nil {
		t.Fatal(err)
	}
	bravo, err := tx.AccountByName("bravo")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := tx.Projects(acme.ID, "")
	if err != nil || len(ps) == 0 {
		t.Fatalf("acme's projects: %v, %v", ps, err)
	}
	if p, err := tx.ProjectOf(acme.ID, ps[0].ID); err != nil || p.ID != ps[0].ID {
		t.Errorf("own project: %+v, %v", p, err)
	}
	for name, id := range map[string]string{"another account's project": ps[0].ID, "a missing project": "no-such-project"} {
		if _, err := tx.ProjectOf(bravo.ID, id); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	// A lookup that fails: the store is closed (SQLite runs statements
	// to the end whatever their request; on PostgreSQL one that ended is
	// cancelled too).
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.One(ctx).ProjectOf(acme.ID, ps[0].ID); err == nil || domain.KindOf(err) == domain.KindNotFound {
		t.Errorf("a lookup that failed: %v, want that failure, not %s", err, domain.KindNotFound)
	}
}

// OwnedMemberStates lists an image's members only to the project and
// account that own it, in the same statement: the recipient, another
// project of the owner's account, another account claiming the owner's
// project and an unknown image all get an empty page.
func TestOwnedMemberStatesOnlyForTheOwner(t *testing.T) {
	st, w := seed(t, bigworld.Options{Shares: 30, Pool: 40, Members: 30, Password: "owned-members"})
	tx := st.One(context.Background())
	all, err := tx.MemberStates(w.MembersImage, store.Page{Limit: 100})
	if err != nil || len(all.Rows) != 30 {
		t.Fatalf("members: %d, %v", len(all.Rows), err)
	}
	got, err := tx.OwnedMemberStates(w.Owner.AccountID, w.Owner.ProjectID, w.MembersImage, store.Page{Limit: 100})
	if err != nil || len(got.Rows) != len(all.Rows) {
		t.Fatalf("the owner's list: %d members (%v), want %d", len(got.Rows), err, len(all.Rows))
	}
	for i := range got.Rows {
		if got.Rows[i].ID != all.Rows[i].ID || got.Rows[i].Answer != all.Rows[i].Answer {
			t.Errorf("member %d: %+v, want %+v", i, got.Rows[i], all.Rows[i])
		}
	}
	for name, c := range map[string][3]string{
		"the recipient":                           {w.Recipient.AccountID, w.Recipient.ProjectID, w.MembersImage},
		"the owner's account, another project":    {w.Owner.AccountID, w.Recipient.ProjectID, w.MembersImage},
		"another account, the owner's project":    {w.Recipient.AccountID, w.Owner.ProjectID, w.MembersImage},
		"the owner, an image that does not exist": {w.Owner.AccountID, w.Owner.ProjectID, "no-such-image"},
	} {
		if p, err := tx.OwnedMemberStates(c[0], c[1], c[2], store.Page{Limit: 100}); err != nil || len(p.Rows) != 0 {
			t.Errorf("%s: %d members (%v), want none", name, len(p.Rows), err)
		}
	}
}

// A page with its counters (countedPage): with rows, one statement, in or
// out of a transaction; an empty page in a Read reads its counters by a
// second statement, and outside a transaction does not read them at all
// (they would not agree with it: the caller reads the page again in a
// Read).
func TestCountedPagesReadCountersOnceAndOnlyWhereTheyAgree(t *testing.T) {
	st, w := seed(t, bigworld.Options{Shares: 30, RecipientOwns: 3, Password: "counted-pages"})
	ctx := context.Background()
	var stmts int
	st.Trace(func(string, []any) { stmts++ })
	defer st.Trace(nil)
	read := func(inRead bool, fn func(tx *store.Tx) error) int {
		t.Helper()
		stmts = 0
		var err error
		if inRead {
			err = st.Read(ctx, fn)
		} else {
			err = fn(st.One(ctx))
		}
		if err != nil {
			t.Fatal(err)
		}
		return stmts
	}
	for _, inRead := range []bool{false, true} {
		var own store.OwnPage
		n := read(inRead, func(tx *store.Tx) (err error) {
			own, err = tx.OwnImagesPage(w.Owner.AccountID, bigworld.Region, w.Owner.ProjectID, store.ImageFilter{}, store.Page{Limit: 10})
			return err
		})
		if n != 1 || !own.OneStatement || len(own.Rows) != 10 || own.Counts.ProjectImages != 31 {
			t.Errorf("own images (in a Read: %v): %d statements, %d rows, counters %+v, one statement %v; want 1, 10, 31 images (30 shared and the members image), true", inRead, n, len(own.Rows), own.Counts, own.OneStatement)
		}
		var shared store.SharedPage
		n = read(inRead, func(tx *store.Tx) (err error) {
			shared, err = tx.SharedListPage(w.Recipient.ProjectID, domain.MemberPending, store.SharedFilter{}, store.Page{Limit: 10})
			return err
		})
		if n != 1 || !shared.OneStatement || len(shared.Rows) != 10 || shared.Counts.Pending != 27 {
			t.Errorf("pending view (in a Read: %v): %d statements, %d rows, counters %+v, one statement %v; want 1, 10, 27 pending, true", inRead, n, len(shared.Rows), shared.Counts, shared.OneStatement)
		}
		// An empty page: past the last of the recipient's own images.
		all := store.Page{Limit: 10}
		var empty store.OwnPage
		first := read(true, func(tx *store.Tx) (err error) {
			empty, err = tx.OwnImagesPage(w.Recipient.AccountID, bigworld.Region, w.Recipient.ProjectID, store.ImageFilter{}, all)
			return err
		})
		if first != 1 || len(empty.Rows) != 3 || empty.Next != nil {
			t.Fatalf("the recipient's own images: %d statements, %d rows, next %v", first, len(empty.Rows), empty.Next)
		}
		after := store.Page{Limit: 10, After: &store.Cursor{Time: empty.Rows[2].CreatedAt, ID: empty.Rows[2].ID}}
		n = read(inRead, func(tx *store.Tx) (err error) {
			empty, err = tx.OwnImagesPage(w.Recipient.AccountID, bigworld.Region, w.Recipient.ProjectID, store.ImageFilter{}, after)
			return err
		})
		wantN, wantTotal := 1, 0 // outside a transaction: the rows alone
		if inRead {
			wantN, wantTotal = 2, 3
		}
		if n != wantN || len(empty.Rows) != 0 || empty.OneStatement || empty.Counts.ProjectImages != wantTotal {
			t.Errorf("an empty page (in a Read: %v): %d statements, counters %+v, one statement %v; want %d statements, %d images, false", inRead, n, empty.Counts, empty.OneStatement, wantN, wantTotal)
		}
	}
}

// SharedPageWaiting is one statement for the first page of the accepted
// (or rejected) view with its counters and banner; it must equal the
// separate reads (the page with its counters, the newest pending images),
// and its cursor must page on through the rest of the view with
// SharedList, every row once. No row at all in either half leaves it to
// the caller; only the first page of a decided status is asked of it.
func TestSharedPageWaitingIsTheViewAndItsBanner(t *testing.T) {
	// 300 shares: 30 accepted (more than a page of 10), 270 pending.
	st, w := seed(t, bigworld.Options{Shares: 300, Password: "page-and-banner"})
	ctx := context.Background()
	tx := st.One(ctx)
	rec := w.Recipient.ProjectID
	var stmts int
	st.Trace(func(string, []any) { stmts++ })
	page, banner, err := tx.SharedPageWaiting(rec, domain.MemberAccepted, store.Page{Limit: 10}, 3)
	st.Trace(nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tx.SharedListPage(rec, domain.MemberAccepted, store.SharedFilter{}, store.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	waiting, err := tx.SharedImages(rec, domain.MemberPending, store.Page{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if stmts != 1 || !page.OneStatement || page.Counts != want.Counts || page.Counts.Accepted != 30 || page.Counts.Pending != 270 {
		t.Fatalf("%d statements, one statement %v, counters %+v; want 1, true, %+v (30 accepted, 270 pending)", stmts, page.OneStatement, page.Counts, want.Counts)
	}
	if got, exp := sharedIDs(page.Rows), sharedIDs(want.Rows); !slices.Equal(got, exp) || page.Next == nil || *page.Next != *want.Next || page.Prev != nil {
		t.Errorf("page %v (next %v), want %v (next %v)", got, page.Next, exp, want.Next)
	}
	if got, exp := sharedIDs(banner), sharedIDs(waiting.Rows); len(got) != 3 || !slices.Equal(got, exp) {
		t.Errorf("banner %v, want the newest pending %v", got, exp)
	}
	// Paged on with SharedList from its cursor: every accepted image once.
	seen := sharedIDs(page.Rows)
	for next := page.Next; next != nil; {
		more, err := tx.SharedList(rec, domain.MemberAccepted, store.SharedFilter{}, store.Page{Limit: 10, After: next})
		if err != nil {
			t.Fatal(err)
		}
		seen, next = append(seen, sharedIDs(more.Rows)...), more.Next
	}
	all, err := tx.SharedImageIDs(rec, domain.MemberAccepted)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if !slices.Equal(seen, all) {
		t.Errorf("paging from the first page read %d images, want the %d accepted ones once each", len(seen), len(all))
	}
	// Nothing rejected: an empty page, its counters from the banner's rows.
	page, banner, err = tx.SharedPageWaiting(rec, domain.MemberRejected, store.Page{Limit: 10}, 3)
	if err != nil || !page.OneStatement || len(page.Rows) != 0 || page.Next != nil || len(banner) != 3 || page.Counts.Pending != 270 {
		t.Errorf("rejected view: %d rows, banner %d, counters %+v, one statement %v, %v; want no rows, 3 waiting, 270 pending, true", len(page.Rows), len(banner), page.Counts, page.OneStatement, err)
	}
	// The owner's project has nothing shared with it: no row, no counters.
	page, banner, err = tx.SharedPageWaiting(w.Owner.ProjectID, domain.MemberAccepted, store.Page{Limit: 10}, 3)
	if err != nil || page.OneStatement || len(page.Rows) != 0 || len(banner) != 0 {
		t.Errorf("nothing shared: one statement %v, %d rows, banner %d, %v; want false, none, none, no error", page.OneStatement, len(page.Rows), len(banner), err)
	}
	for _, p := range []store.Page{{Limit: 10, After: want.Next}, {Limit: 10, Backward: true}} {
		if _, _, err := tx.SharedPageWaiting(rec, domain.MemberAccepted, p, 3); err == nil {
			t.Errorf("page %+v: no error, want one (first pages only)", p)
		}
	}
	if _, _, err := tx.SharedPageWaiting(rec, domain.MemberPending, store.Page{Limit: 10}, 3); err == nil {
		t.Error("the pending view: no error, want one (its banner is its own rows)")
	}
}

func sharedIDs(rows []store.SharedImage) []string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}
