package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"imageshare/internal/domain"
)

// The console's lists at size: more rows than a page, names and times that
// repeat (ties broken by ID), every sort order, with and without filters
// (the filtered ones with a scan budget smaller than the list, so that pages
// end early and resume), walked forward to the end and back to the start.

const (
	listProject = "p0000000000000000000000000000001"
	listAccount = "a0000000000000000000000000000001"
	ownerAcct   = "a0000000000000000000000000000002"
)

func openListStore(t *testing.T) *Store {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "lists.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// walk pages a list forward to its end, then back from the last page to
// the first, and checks both against want (the whole list in order).
func walk[T any](t *testing.T, name string, want []string, size int, list func(Page) (Window[T], error), id func(T) string) {
	t.Helper()
	var got []string
	var pages [][]string
	var nexts []*Cursor
	p := Page{Limit: size}
	for i := 0; ; i++ {
		if i > len(want)+5 {
			t.Fatalf("%s: paging does not end", name)
		}
		w, err := list(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ids []string
		for _, r := range w.Rows {
			ids = append(ids, id(r))
		}
		if len(ids) > size {
			t.Fatalf("%s: page of %d rows, more than %d", name, len(ids), size)
		}
		got = append(got, ids...)
		pages = append(pages, ids)
		nexts = append(nexts, w.Prev)
		if w.Next == nil {
			break
		}
		p = Page{Limit: size, After: w.Next}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s forward: got %d rows %v…, want %d rows %v…", name, len(got), head(got), len(want), head(want))
	}
	// Back: from the last page's Prev, page by page, to the start.
	var back []string
	prev := nexts[len(nexts)-1]
	for i := 0; prev != nil; i++ {
		if i > len(want)+5 {
			t.Fatalf("%s: paging back does not end", name)
		}
		w, err := list(Page{Limit: size, After: prev, Backward: true})
		if err != nil {
			t.Fatalf("%s back: %v", name, err)
		}
		var ids []string
		for _, r := range w.Rows {
			ids = append(ids, id(r))
		}
		back = append(ids, back...)
		prev = w.Prev
	}
	if want := want[:len(want)-len(pages[len(pages)-1])]; !slices.Equal(back, want) {
		t.Fatalf("%s backward: got %d rows %v…, want %d rows %v…", name, len(back), head(back), len(want), head(want))
	}
}

func head(s []string) []string { return s[:min(len(s), 4)] }

type listRow struct {
	id, name string
	at       time.Time
	typ      domain.ImageType
	owner    string
}

// order sorts rows as a list sorted by s does.
func order(rows []listRow, s ListSort) []string {
	rs := slices.Clone(rows)
	slices.SortFunc(rs, func(a, b listRow) int {
		c := a.at.Compare(b.at)
		if s.ByName {
			c = strings.Compare(a.name, b.name)
		}
		if c == 0 {
			c = strings.Compare(a.id, b.id)
		}
		if s.desc() {
			c = -c
		}
		return c
	})
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.id
	}
	return out
}

func keep(rows []listRow, match func(listRow) bool) []listRow {
	var out []listRow
	for _, r := range rows {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

var sorts = []ListSort{{}, {Reverse: true}, {ByName: true}, {ByName: true, Reverse: true}}

func sortName(s ListSort) string { return fmt.Sprintf("byName=%v reverse=%v", s.ByName, s.Reverse) }

// TestIssue10_ListsPageEveryWayAtEverySortOrder: Private Images, Images
// Shared with Me, Servers and Disks.
func TestIssue10_ListsPageEveryWayAtEverySortOrder(t *testing.T) {
	defer func(b int) { scanBudget = b }(scanBudget)
	scanBudget = 9 // smaller than the list and a few pages: filtered pages end early
	st := openListStore(t)
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 61
	var rows []listRow
	var images []domain.Image
	var shares []domain.ProjectShare
	var servers []domain.Server
	var disks []domain.Disk
	types := []domain.ImageType{domain.TypeSystem, domain.TypeData, domain.TypeFullECS}
	for i := 0; i < n; i++ {
		r := listRow{
			id:    fmt.Sprintf("00000000-0000-4000-8000-%012d", (i*37)%n), // IDs not in time order
			name:  fmt.Sprintf("img-%c%02d", 'a'+i%5, i%7),                // names repeat
			at:    base.Add(time.Duration(i/3) * time.Minute),             // times repeat
			typ:   types[i%3],
			owner: map[bool]string{true: "owner", false: "other"}[i%4 == 0],
		}
		rows = append(rows, r)
		owner := listAccount
		if r.owner == "owner" {
			owner = ownerAcct
		}
		images = append(images, domain.Image{ID: r.id, ProjectID: listProject, AccountID: owner, RegionID: "r1", Name: r.name,
			Type: r.typ, SizeGB: 10, MinDiskGB: 10, Status: domain.StatusActive, OriginKind: domain.OriginImport, CreatedAt: r.at, UpdatedAt: r.at})
		shares = append(shares, domain.ProjectShare{ProjectID: listProject, ImageID: r.id, Status: domain.MemberPending,
			OwnerAccountID: owner, ImageCreatedAt: r.at, ImageName: r.name, SharedAt: r.at, UpdatedAt: r.at})
		servers = append(servers, domain.Server{ID: r.id, ProjectID: listProject, AccountID: listAccount, RegionID: "r1", AZ: "r1a",
			Name: r.name, DiskGB: 10, Status: "running", CreatedAt: r.at, UpdatedAt: r.at})
		disks = append(disks, domain.Disk{ID: r.id, ProjectID: listProject, AccountID: listAccount, RegionID: "r1", AZ: "r1a",
			Name: r.name, SizeGB: 10, Status: "available", CreatedAt: r.at})
	}
	err := st.Write(ctx, func(tx *Tx) error {
		for _, a := range []domain.Account{{ID: listAccount, Name: "other", Site: "cn"}, {ID: ownerAcct, Name: "owner", Site: "cn"}} {
			if err := tx.Create(&a); err != nil {
				return err
			}
		}
		for _, batch := range []any{images, shares, servers, disks} {
			if err := tx.CreateBatch(batch, 100); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tx := st.One(ctx)
	for _, s := range sorts {
		for _, size := range []int{1, 7, 25} {
			name := fmt.Sprintf("%s size=%d", sortName(s), size)
			walk(t, "own images "+name, order(rows, s), size, func(p Page) (Window[CountedImage], error) {
				return tx.OwnImages(listProject, ImageFilter{Sort: s}, p)
			}, func(c CountedImage) string { return c.ID })
			walk(t, "own images of a type "+name, order(keep(rows, func(r listRow) bool { return r.typ == domain.TypeData }), s), size,
				func(p Page) (Window[CountedImage], error) {
					return tx.OwnImages(listProject, ImageFilter{Type: domain.TypeData, Sort: s}, p)
				}, func(c CountedImage) string { return c.ID })
			walk(t, "own images named "+name, order(keep(rows, func(r listRow) bool { return strings.Contains(r.name, "B") || strings.Contains(r.name, "b") }), s), size,
				func(p Page) (Window[CountedImage], error) {
					return tx.OwnImages(listProject, ImageFilter{Name: "B", Sort: s}, p)
				}, func(c CountedImage) string { return c.ID })
			walk(t, "shared "+name, order(rows, s), size, func(p Page) (Window[SharedImage], error) {
				return tx.SharedList(listProject, domain.MemberPending, SharedFilter{Sort: s}, p)
			}, func(r SharedImage) string { return r.ID })
			walk(t, "shared by an owner "+name, order(keep(rows, func(r listRow) bool { return r.owner == "owner" }), s), size,
				func(p Page) (Window[SharedImage], error) {
					return tx.SharedList(listProject, domain.MemberPending, SharedFilter{Owner: "OWN", Sort: s}, p)
				}, func(r SharedImage) string { return r.ID })
			walk(t, "shared of a type and name "+name, order(keep(rows, func(r listRow) bool {
				return r.typ == domain.TypeFullECS && strings.Contains(r.name, "-d")
			}), s), size, func(p Page) (Window[SharedImage], error) {
				return tx.SharedList(listProject, domain.MemberPending, SharedFilter{Type: domain.TypeFullECS, Name: "-D", Sort: s}, p)
			}, func(r SharedImage) string { return r.ID })
			walk(t, "servers "+name, order(rows, s), size, func(p Page) (Window[domain.Server], error) {
				return tx.Servers(listProject, ResourceFilter{Sort: s}, p)
			}, func(r domain.Server) string { return r.ID })
			walk(t, "disks named "+name, order(keep(rows, func(r listRow) bool { return strings.Contains(r.name, "c0") }), s), size,
				func(p Page) (Window[domain.Disk], error) {
					return tx.Disks(listProject, ResourceFilter{Name: "C0", Sort: s}, p)
				}, func(r domain.Disk) string { return r.ID })
		}
	}
}
