package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"imageshare/internal/bigworld"
	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// Why the lists stay fast at 100,000 shares, made testable without timing:
// each main query's plan, as the database itself reports it, walks an index
// to the rows it returns. A plan that scans a whole table, or sorts rows
// through a temporary B-tree instead of reading them in an index's order,
// fails the test, whatever the rows of the day cost.

// planCase is one store call whose statements must all walk indexes.
type planCase struct {
	name string
	run  func(tx *store.Tx, w *bigworld.World) error
	// scans are tables a statement may read whole (tiny ones: regions).
	scans []string
	// sorts allows a temporary B-tree (an order no index has: IMS's other
	// sort keys over shared images).
	sorts bool
	// write runs the call in a write transaction (it locks rows).
	write bool
}

var planCases = []planCase{
	{name: "own images, newest first", run: func(tx *store.Tx, w *bigworld.World) error {
		_, err := tx.OwnImages(w.Owner.ProjectID, store.ImageFilter{}, store.Page{Limit: 25})
		return err
	}},
	{name: "own images with the page's counters (Private Images in one statement)", run: func(tx *store.Tx, w *bigworld.World) error {
		page, err := tx.OwnImagesPage(w.Owner.AccountID, bigworld.Region, w.Owner.ProjectID, store.ImageFilter{}, store.Page{Limit: 25})
		if err == nil && (!page.OneStatement || page.Counts.ProjectImages == 0) {
			err = fmt.Errorf("a page of %d rows, counters %+v, in one statement: %v", len(page.Rows), page.Counts, page.OneStatement)
		}
		return err
	}},
	{name: "images shared with me with the project's counters (the pending view in one statement)", run: func(tx *store.Tx, w *bigworld.World) error {
		page, err := tx.SharedListPage(w.Recipient.ProjectID, domain.MemberPending, store.SharedFilter{}, store.Page{Limit: 25})
		if err == nil && (!page.OneStatement || page.Counts.Pending == 0) {
			err = fmt.Errorf("a page of %d rows, counters %+v, in one statement: %v", len(page.Rows), page.Counts, page.OneStatement)
		}
		return err
	}},
	{name: "images shared with me, accepted, with the counters and the banner (one statement)", run: func(tx *store.Tx, w *bigworld.World) error {
		page, banner, err := tx.SharedPageWaiting(w.Recipient.ProjectID, domain.MemberAccepted, store.Page{Limit: 25}, 3)
		if err == nil && (!page.OneStatement || len(page.Rows) != 25 || len(banner) != 3) {
			err = fmt.Errorf("a page of %d rows and a banner of %d, counters %+v, in one statement: %v", len(page.Rows), len(banner), page.Counts, page.OneStatement)
		}
		return err
	}},
	{name: "own images of a type, a page in", run: func(tx *store.Tx, w *bigworld.World) error {
		_, err := tx.OwnImages(w.Owner.ProjectID, store.ImageFilter{Type: domain.TypeSystem}, store.Page{Limit: 25, After: cursorOf(w, 100)})
		return err
	}},
	{name: "own images, previous page", run: func(tx *store.Tx, w *bigworld.World) error {
		_, err := tx.OwnImages(w.Owner.ProjectID, store.ImageFilter{}, store.Page{Limit: 25, After: cursorOf(w, 100), Backward: true})
		return err
	}},
	{name: "console: own images by name, both ways, a page in", run: func(tx *store.Tx, w *bigworld.World) error {
		for _, rev := range []bool{false, true} {
			f := store.ImageFilter{Sort: store.ListSort{ByName: true, Reverse: rev}}
			if _, err := tx.OwnImages(w.Owner.ProjectID, f, store.Page{Limit: 25, After: &store.Cursor{Name: "img-0000100", ID: "x"}}); err != nil {
				return err
			}
			f.Type = domain.TypeSystem
			if _, err := tx.OwnImages(w.Owner.ProjectID, f, store.Page{Limit: 25}); err != nil {
				return err
			}
		}
		return nil
	}},
	{name: "console: images shared with me by name, and by time oldest first", run: func(tx *store.Tx, w *bigworld.World) error {
		for _, s := range []store.ListSort{{ByName: true}, {ByName: true, Reverse: true}, {Reverse: true}} {
			if _, err := tx.SharedList(w.Recipient.ProjectID, domain.MemberPending, store.SharedFilter{Sort: s}, store.Page{Limit: 25}); err != nil {
				return err
			}
		}
		return nil
	}},
	{name: "console: servers and disks by name", run: func(tx *store.Tx, w *bigworld.World) error {
		f := store.ResourceFilter{Sort: store.ListSort{ByName: true}}
		if _, err := tx.Servers(w.Owner.ProjectID, f, store.Page{Limit: 25}); err != nil {
			return err
		}
		_, err := tx.Disks(w.Owner.ProjectID, f, store.Page{Limit: 25})
		return err
	}},
	{name: "console: images shared with me, each status", run: func(tx *store.Tx, w *bigworld.World) error {
		for _, st := range []string{domain.MemberPending, domain.MemberAccepted, domain.MemberRejected} {
			if _, err := tx.SharedImages(w.Recipient.ProjectID, st, store.Page{Limit: 25}); err != nil {
				return err
			}
		}
		_, err := tx.SharedImages(w.Recipient.ProjectID, domain.MemberPending, store.Page{Limit: 25, After: &store.Cursor{Time: time.Now(), ID: "x"}})
		return err
	}},
	{name: "API: shared images, every status and one", run: func(tx *store.Tx, w *bigworld.World) error {
		for _, st := range []string{"", domain.MemberPending, domain.MemberAccepted} {
			q := store.ImageListQuery{ProjectID: w.Recipient.ProjectID, Shared: true, ShareStatus: st, Limit: 25}
			if _, _, err := tx.ListImages(q); err != nil {
				return err
			}
			q.After = &store.ImageCursor{CreatedAt: time.Now(), ID: "x"}
			if _, _, err := tx.ListImages(q); err != nil {
				return err
			}
		}
		return nil
	}},
	{name: "API: own and shared images at once, limit 1000", run: func(tx *store.Tx, w *bigworld.World) error {
		_, _, err := tx.ListImages(store.ImageListQuery{ProjectID: w.Owner.ProjectID, Own: true, Shared: true, Limit: 1000})
		return err
	}},
	{name: "API: images by name", run: func(tx *store.Tx, w *bigworld.World) error {
		for _, p := range []string{w.Owner.ProjectID, w.Recipient.ProjectID} {
			if _, _, err := tx.ListImages(store.ImageListQuery{ProjectID: p, Own: true, Shared: true, Name: "img-0000007", Limit: 25}); err != nil {
				return err
			}
		}
		return nil
	}},
	{name: "API: own images sorted by name", run: func(tx *store.Tx, w *bigworld.World) error {
		_, _, err := tx.ListImages(store.ImageListQuery{ProjectID: w.Owner.ProjectID, Own: true, SortKey: store.SortName, Asc: true, Limit: 25})
		return err
	}, sorts: true},
	{name: "one image as a project sees it", run: func(tx *store.Tx, w *bigworld.World) error {
		_, err := tx.ImageFor(w.Recipient.AccountID, w.Recipient.ProjectID, w.ImageIDs[3])
		return err
	}},
	{name: "members of an image, with names (console) and without (API), a page and a page in, and one", run: func(tx *store.Tx, w *bigworld.World) error {
		for _, members := range []func(string, store.Page) (store.Window[store.Member], error){tx.Members, tx.MemberStates} {
			p, err := members(w.MembersImage, store.Page{Limit: 50})
			if err != nil {
				return err
			}
			if _, err = members(w.MembersImage, store.Page{Limit: 50, After: p.Next}); err != nil {
				return err
			}
		}
		_, _, err := tx.MemberState(w.MembersImage, domain.GrantProject, w.Pool[3])
		return err
	}},
	{name: "members of an image its owner lists, checked in the same statement, a page and a page in", run: func(tx *store.Tx, w *bigworld.World) error {
		p, err := tx.OwnedMemberStates(w.Owner.AccountID, w.Owner.ProjectID, w.MembersImage, store.Page{Limit: 50})
		if err == nil && (len(p.Rows) != 50 || p.Next == nil) {
			err = fmt.Errorf("the owner's first page: %d members, next %v; want 50 and more", len(p.Rows), p.Next)
		}
		if err != nil {
			return err
		}
		_, err = tx.OwnedMemberStates(w.Owner.AccountID, w.Owner.ProjectID, w.MembersImage, store.Page{Limit: 50, After: p.Next})
		return err
	}},
	{name: "counters: badge, totals, quota", run: func(tx *store.Tx, w *bigworld.World) error {
		if _, err := tx.ShareCounts(w.Recipient.ProjectID); err != nil {
			return err
		}
		_, err := tx.CountImages(w.Owner.AccountID, bigworld.Region)
		return err
	}},
	{name: "a token's session", run: func(tx *store.Tx, w *bigworld.World) error {
		_, err := tx.TokenSession("0123", time.Now())
		if domain.KindOf(err) == domain.KindNotFound {
			err = nil
		}
		return err
	}},
	{name: "share and decide: grants, answers and shares of a batch", run: func(tx *store.Tx, w *bigworld.World) error {
		ids := w.ImageIDs[:1200]
		if _, err := tx.LockImages(ids); err != nil {
			return err
		}
		c := store.Covering{ProjectIDs: []string{w.Recipient.ProjectID}, AccountID: w.Recipient.AccountID, NodeIDs: []string{"o-x", "r-x"}}
		gs, err := tx.CoveringGrants(ids, c)
		if err != nil {
			return err
		}
		var gids []string
		for _, g := range gs {
			gids = append(gids, g.ID)
		}
		if _, err := tx.Decisions(gids); err != nil {
			return err
		}
		if _, err := tx.Shares([]string{w.Recipient.ProjectID}, ids); err != nil {
			return err
		}
		for _, f := range []func([]string) (map[string]int, error){tx.AcceptedCounts, tx.GrantCounts, tx.UnansweredCounts} {
			if _, err := f(ids); err != nil {
				return err
			}
		}
		return nil
	}, write: true},
	{name: "servers, disks and the trail", run: func(tx *store.Tx, w *bigworld.World) error {
		if _, err := tx.Servers(w.Owner.ProjectID, store.ResourceFilter{}, store.Page{Limit: 25}); err != nil {
			return err
		}
		if _, err := tx.Disks(w.Owner.ProjectID, store.ResourceFilter{}, store.Page{Limit: 25}); err != nil {
			return err
		}
		_, err := tx.Trail(w.Owner.AccountID, store.TrailFilter{}, store.Page{Limit: 25, After: &store.Cursor{Time: time.Now(), ID: "100"}})
		return err
	}},
	{name: "console sessions and login throttling", run: func(tx *store.Tx, w *bigworld.World) error {
		if _, _, err := tx.WebSession("0123", time.Now()); err != nil {
			return err
		}
		_, err := tx.AuthFailureOf("user:a/b@127.0.0.1")
		return err
	}},
	{name: "the worker's jobs", run: func(tx *store.Tx, w *bigworld.World) error {
		if _, _, err := tx.ClaimJob(time.Now(), "w1", time.Now().Add(time.Minute)); err != nil {
			return err
		}
		_, err := tx.RunningImageJobs(100)
		return err
	}, write: true},
	{name: "the worker's due images", run: func(tx *store.Tx, w *bigworld.World) error {
		_, err := tx.SavingImages(time.Now(), 100)
		return err
	}, write: true},
}

// cursorOf is the position of the owner's i-th newest image.
func cursorOf(w *bigworld.World, i int) *store.Cursor {
	return &store.Cursor{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(len(w.ImageIDs)-1-i) * time.Second), ID: w.ImageIDs[len(w.ImageIDs)-1-i]}
}

func TestQueryPlansWalkIndexes(t *testing.T) {
	st, w := seed(t, bigworld.Options{Shares: 1500, Password: "plans-password"})
	for _, c := range planCases {
		t.Run(c.name, func(t *testing.T) {
			var stmts []traced
			st.Trace(func(q string, args []any) { stmts = append(stmts, traced{q, args}) })
			scope := st.Read
			if c.write {
				scope = st.Write
			}
			err := scope(context.Background(), func(tx *store.Tx) error { return c.run(tx, w) })
			st.Trace(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(stmts) == 0 {
				t.Fatal("the call ran no statement to check")
			}
			for _, s := range stmts {
				if strings.HasPrefix(strings.TrimSpace(s.query), "BEGIN") || strings.HasPrefix(strings.TrimSpace(s.query), "COMMIT") {
					continue
				}
				plan := explain(t, st, s)
				if bad := badPlan(st.Dialect(), plan, c.scans, c.sorts); bad != "" {
					t.Errorf("%s\nin the plan of\n  %s\n%s", bad, oneLine(s.query), strings.Join(plan, "\n"))
				}
			}
		})
	}
}

type traced struct {
	query string
	args  []any
}

// explain asks the database for a statement's plan, one line per step.
func explain(t *testing.T, st *store.Store, s traced) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := st.ReadDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := s.query
	if s.args != nil {
		q = st.Text(q)
	}
	if st.Dialect() == "postgres" {
		// A tiny test table is cheaper to scan than to search: forbid what
		// the planner can avoid, so that what remains is what it cannot.
		for _, set := range []string{"SET enable_seqscan = off", "SET enable_sort = off"} {
			if _, err := conn.ExecContext(ctx, set); err != nil {
				t.Fatal(err)
			}
		}
		defer func() {
			_, _ = conn.ExecContext(ctx, "RESET enable_seqscan")
			_, _ = conn.ExecContext(ctx, "RESET enable_sort")
		}()
		// The plan made for these values, and the generic plan made once
		// for any values, which PostgreSQL reuses when it costs no more
		// (and always with plan_cache_mode=force_generic_plan, which the
		// README suggests for large installations): both must walk indexes.
		custom, err := conn.QueryContext(ctx, "EXPLAIN "+q, s.args...)
		if err != nil {
			t.Fatalf("explain %s: %v", oneLine(q), err)
		}
		plan := planLines(t, custom)
		if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
			t.Fatal(err)
		}
		defer func() { _, _ = conn.ExecContext(ctx, "RESET plan_cache_mode") }()
		if _, err := conn.ExecContext(ctx, "PREPARE plan_check AS "+q); err != nil {
			t.Fatalf("prepare %s: %v", oneLine(q), err)
		}
		defer func() { _, _ = conn.ExecContext(ctx, "DEALLOCATE plan_check") }()
		// EXECUTE takes its values as literals; untyped quoted text takes
		// each parameter's type. The plan shown is the generic one whatever
		// the values.
		generic, err := conn.QueryContext(ctx, "EXPLAIN "+execute("plan_check", s.args))
		if err != nil {
			t.Fatalf("explain the generic plan of %s: %v", oneLine(q), err)
		}
		return append(append(plan, "-- generic plan:"), planLines(t, generic)...)
	}
	rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, s.args...)
	if err != nil {
		t.Fatalf("explain %s: %v", oneLine(q), err)
	}
	return planLines(t, rows)
}

// execute is the EXECUTE of a prepared statement with these values:
// EXECUTE takes its values as literals, and untyped quoted text takes each
// parameter's type.
func execute(name string, args []any) string {
	params := make([]string, len(args))
	for i, a := range args {
		v := fmt.Sprint(a)
		if t, ok := a.(time.Time); ok {
			v = t.UTC().Format("2006-01-02 15:04:05.999999+00")
		}
		params[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	if len(params) == 0 {
		return "EXECUTE " + name
	}
	return "EXECUTE " + name + "(" + strings.Join(params, ", ") + ")"
}

// On PostgreSQL every list settles on its generic plan: run again and again
// for a tenant with most of the rows, the statement is planned five times
// and then no more (store.Tx.generic). Without that, the plan for a
// tenant's own values looks cheaper than the generic one and PostgreSQL
// plans the statement anew on every run, costing more than running it.
func TestListPlansSettleOnPostgres(t *testing.T) {
	if pg == nil {
		t.Skip("PostgreSQL only: SQLite plans a prepared statement once (the PostgreSQL pass of make test runs this)")
	}
	st, w := seed(t, bigworld.Options{Shares: 3000, Pool: 400, Members: 300, Password: "plans-password"})
	// A database that has been running has statistics (autovacuum): the
	// per-value estimates that make the difference.
	if err := st.Analyze(context.Background()); err != nil {
		t.Fatal(err)
	}
	const countersPage = "console: own images with the page's counters"
	const sharedCountersPage = "console: shared with me with the project's counters"
	const acceptedPage = "console: shared with me, accepted, with the counters and the banner"
	lists := map[string]func(tx *store.Tx) error{
		"console: shared with me": func(tx *store.Tx) error {
			_, err := tx.SharedList(w.Recipient.ProjectID, domain.MemberPending, store.SharedFilter{}, store.Page{Limit: 25})
			return err
		},
		"console: own images": func(tx *store.Tx) error {
			_, err := tx.OwnImages(w.Owner.ProjectID, store.ImageFilter{}, store.Page{Limit: 25})
			return err
		},
		// The page's counters are rows of their own small tables, each
		// read once a statement by its key (an InitPlan): in this world
		// they hold a few pages, which the planner reads whole instead.
		countersPage: func(tx *store.Tx) error {
			_, err := tx.OwnImagesPage(w.Owner.AccountID, bigworld.Region, w.Owner.ProjectID, store.ImageFilter{}, store.Page{Limit: 25})
			return err
		},
		sharedCountersPage: func(tx *store.Tx) error {
			_, err := tx.SharedListPage(w.Recipient.ProjectID, domain.MemberPending, store.SharedFilter{}, store.Page{Limit: 25})
			return err
		},
		acceptedPage: func(tx *store.Tx) error {
			_, _, err := tx.SharedPageWaiting(w.Recipient.ProjectID, domain.MemberAccepted, store.Page{Limit: 25}, 3)
			return err
		},
		"API: shared images": func(tx *store.Tx) error {
			_, _, err := tx.ListImages(store.ImageListQuery{ProjectID: w.Recipient.ProjectID, Own: true, Shared: true, Limit: 25})
			return err
		},
		"API: members": func(tx *store.Tx) error {
			_, err := tx.MemberStates(w.MembersImage, store.Page{Limit: 25})
			return err
		},
	}
	ctx := context.Background()
	for name, list := range lists {
		var stmts []traced
		st.Trace(func(q string, args []any) { stmts = append(stmts, traced{q, args}) })
		err := st.Read(ctx, list)
		st.Trace(nil)
		if err != nil || len(stmts) == 0 {
			t.Fatalf("%s: %d statements, %v", name, len(stmts), err)
		}
		for _, s := range stmts {
			if !strings.Contains(s.query, "ORDER BY") {
				continue // not a list
			}
			conn, err := st.ReadDB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, "PREPARE settle AS "+st.Text(s.query)); err != nil {
				t.Fatalf("%s: prepare: %v", name, err)
			}
			for range 10 {
				if _, err := conn.ExecContext(ctx, execute("settle", s.args)); err != nil {
					t.Fatalf("%s: execute: %v", name, err)
				}
			}
			var generic, custom int
			err = conn.QueryRowContext(ctx, "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'settle'").Scan(&generic, &custom)
			if err != nil || generic == 0 {
				t.Errorf("%s: %d generic and %d custom plans in 10 runs (%v), want it settled on the generic plan:\n  %s", name, generic, custom, err, oneLine(s.query))
			}
			// The plan it settled on walks the list's index, though the
			// statistics say a project has few rows and this one has most
			// (the planner free to sort, unlike in TestQueryPlansWalkIndexes).
			rows, err := conn.QueryContext(ctx, "EXPLAIN "+execute("settle", s.args))
			if err != nil {
				t.Fatal(err)
			}
			// (org_nodes is empty in this world: a scan of it reads nothing.)
			scans := []string{"org_nodes"}
			if name == countersPage || name == sharedCountersPage || name == acceptedPage {
				scans = append(scans, "image_counts", "project_counts", "share_counts")
			}
			if plan := planLines(t, rows); badPlan("postgres", plan, scans, false) != "" {
				t.Errorf("%s: %s in the settled plan of\n  %s\n%s", name, badPlan("postgres", plan, scans, false), oneLine(s.query), strings.Join(plan, "\n"))
			}
			_, _ = conn.ExecContext(ctx, "DEALLOCATE settle")
			conn.Close()
		}
	}
}

// planLines reads an EXPLAIN's rows, one line per step.
func planLines(t *testing.T, rows *sql.Rows) []string {
	t.Helper()
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(vals[len(vals)-1])) // SQLite: detail; PostgreSQL: the plan line
	}
	return plan
}

// badPlan names the first step of a plan that reads a table whole or sorts
// rows outside an index ("" when every step walks an index).
func badPlan(dialect string, plan, scans []string, sorts bool) string {
	allowed := func(table string) bool {
		for _, s := range scans {
			if s == table {
				return true
			}
		}
		return false
	}
	coroutines := map[string]bool{}
	for _, line := range plan {
		l := strings.TrimSpace(line)
		if dialect == "postgres" {
			l = strings.TrimLeft(l, "-> ")
			switch {
			case strings.HasPrefix(l, "Seq Scan on "):
				if !allowed(strings.Fields(l)[3]) {
					return "a whole-table scan"
				}
			case (strings.HasPrefix(l, "Sort ") || strings.HasPrefix(l, "Incremental Sort")) && !sorts:
				return "a sort outside any index"
			}
			continue
		}
		switch {
		case strings.HasPrefix(l, "CO-ROUTINE "):
			// A subquery run as a co-routine: "SCAN" of it reads the rows
			// it yields, not a table.
			coroutines[strings.Fields(l)[1]] = true
		case strings.HasPrefix(l, "SCAN ") && !strings.HasPrefix(l, "SCAN CONSTANT ROW"):
			if name := strings.Fields(l)[1]; !allowed(name) && !coroutines[name] {
				return "a whole-table (or whole-index) scan"
			}
		case strings.Contains(l, "USE TEMP B-TREE FOR") && strings.Contains(l, "ORDER BY") && !sorts:
			return "a sort through a temporary B-tree"
		}
	}
	return ""
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

// seed is a store with bigworld's world, on SQLite or, with
// IMAGESHARE_TEST_BACKEND=postgres, PostgreSQL.
func seed(t *testing.T, o bigworld.Options) (*store.Store, *bigworld.World) {
	t.Helper()
	st := openStore(t)
	w, err := bigworld.Seed(context.Background(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	return st, w
}

// The checker itself must fail on the plans it exists to catch.
func TestBadPlanSpotsScansAndSorts(t *testing.T) {
	for _, c := range []struct {
		dialect string
		plan    []string
		bad     bool
	}{
		{"sqlite", []string{"SEARCH ps USING INDEX idx_share_created (project_id=? AND status=?)"}, false},
		{"sqlite", []string{"SCAN images"}, true},
		{"sqlite", []string{"SCAN ps USING INDEX idx_share_created_all"}, true},
		{"sqlite", []string{"SEARCH images USING INDEX idx_image_owned (project_id=?)", "USE TEMP B-TREE FOR ORDER BY"}, true},
		{"sqlite", []string{"SEARCH images USING INDEX idx_image_owned (project_id=?)", "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"}, true},
		{"sqlite", []string{"COMPOUND QUERY", "CO-ROUTINE half0", "SEARCH images USING INDEX idx_image_owned (project_id=?)", "SCAN half0"}, false},
		{"sqlite", []string{"COMPOUND QUERY", "CO-ROUTINE half0", "SEARCH images USING INDEX idx_image_owned (project_id=?)", "SCAN half1"}, true},
		{"postgres", []string{"Limit  (cost=0.29..8.31 rows=1 width=32)", "  ->  Index Scan Backward using idx_share_created on project_shares ps"}, false},
		{"postgres", []string{"Limit", "  ->  Seq Scan on images  (cost=10000000000.00..10000000001.01 rows=1 width=1)"}, true},
		{"postgres", []string{"Limit", "  ->  Sort  (cost=1.01..1.02 rows=1 width=8)", "        Sort Key: created_at DESC"}, true},
	} {
		if got := badPlan(c.dialect, c.plan, nil, false) != ""; got != c.bad {
			t.Errorf("%s %v: bad = %v, want %v", c.dialect, c.plan, got, c.bad)
		}
	}
	if badPlan("sqlite", []string{"SCAN regions"}, []string{"regions"}, false) != "" {
		t.Error("an allowed scan of a tiny table was refused")
	}
}
