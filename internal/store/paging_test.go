package store_test

import (
	"context"
	"slices"
	"testing"

	"imageshare/internal/bigworld"
	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// Every list pages by keyset. Paged through at size (more rows than one
// page and than the largest page, 1,000), forwards and then backwards
// from the end, each finds every row exactly once, in the list's order.

// list reads one page of a list and returns its rows' IDs.
type list func(tx *store.Tx, p store.Page) (ids []string, w store.Window[struct{}], err error)

func ids[T any](w store.Window[T], id func(T) string) ([]string, store.Window[struct{}]) {
	out := make([]string, len(w.Rows))
	for i, r := range w.Rows {
		out[i] = id(r)
	}
	return out, store.Window[struct{}]{Next: w.Next, Prev: w.Prev}
}

func TestEveryListPagesThroughEveryRowOnce(t *testing.T) {
	const shares, members = 1100, 1050
	st, w := seededWith(t, bigworld.Options{Shares: shares, Members: members})
	ownIDs := append(slices.Clone(w.ImageIDs), w.MembersImage)
	pendingIDs, acceptedIDs := []string{}, []string{}
	for i, id := range w.ImageIDs {
		if i%10 == 0 {
			acceptedIDs = append(acceptedIDs, id)
		} else {
			pendingIDs = append(pendingIDs, id)
		}
	}
	for _, c := range []struct {
		name string
		want []string
		read list
	}{
		{"own images", ownIDs, func(tx *store.Tx, p store.Page) ([]string, store.Window[struct{}], error) {
			res, err := tx.OwnImages(w.Owner.ProjectID, store.ImageFilter{}, p)
			got, win := ids(res, func(r store.CountedImage) string { return r.ID })
			return got, win, err
		}},
		{"own images of a type", ownIDs, func(tx *store.Tx, p store.Page) ([]string, store.Window[struct{}], error) {
			res, err := tx.OwnImages(w.Owner.ProjectID, store.ImageFilter{Type: domain.TypeSystem}, p)
			got, win := ids(res, func(r store.CountedImage) string { return r.ID })
			return got, win, err
		}},
		{"pending shared images", pendingIDs, func(tx *store.Tx, p store.Page) ([]string, store.Window[struct{}], error) {
			res, err := tx.SharedImages(w.Recipient.ProjectID, domain.MemberPending, p)
			got, win := ids(res, func(r store.SharedImage) string { return r.ID })
			return got, win, err
		}},
		{"accepted shared images", acceptedIDs, func(tx *store.Tx, p store.Page) ([]string, store.Window[struct{}], error) {
			res, err := tx.SharedImages(w.Recipient.ProjectID, domain.MemberAccepted, p)
			got, win := ids(res, func(r store.SharedImage) string { return r.ID })
			return got, win, err
		}},
		{"members", w.Pool[:members], func(tx *store.Tx, p store.Page) ([]string, store.Window[struct{}], error) {
			res, err := tx.Members(w.MembersImage, p)
			got, win := ids(res, func(m store.Member) string { return m.TargetID })
			return got, win, err
		}},
		{"member states", w.Pool[:members], func(tx *store.Tx, p store.Page) ([]string, store.Window[struct{}], error) {
			res, err := tx.MemberStates(w.MembersImage, p)
			got, win := ids(res, func(m store.Member) string { return m.TargetID })
			return got, win, err
		}},
	} {
		for _, size := range []int{97, store.MaxPage} {
			t.Run(c.name, func(t *testing.T) {
				forward := pageAll(t, st, c.read, store.Page{Limit: size})
				if got, want := sorted(forward.ids), sorted(c.want); !slices.Equal(got, want) {
					t.Fatalf("pages of %d: %d rows (%d distinct), want each of %d once", size, len(forward.ids), len(slices.Compact(got)), len(want))
				}
				// Backwards from the last page, by each page's Prev.
				var back []string
				p := store.Page{Limit: size, After: forward.lastPrev, Backward: true}
				back = append(back, forward.lastPage...)
				for n := 0; p.After != nil; n++ {
					var got []string
					var win store.Window[struct{}]
					err := st.Read(context.Background(), func(tx *store.Tx) (err error) {
						got, win, err = c.read(tx, p)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					back = append(slices.Clone(got), back...)
					p.After = win.Prev
					if n > len(c.want) {
						t.Fatal("paging backwards does not end")
					}
				}
				if !slices.Equal(back, forward.ids) {
					t.Errorf("pages of %d backwards: %d rows, not the %d of the forward pages in their order", size, len(back), len(forward.ids))
				}
			})
		}
	}
}

// paged is a whole list read page by page.
type paged struct {
	ids      []string
	lastPage []string
	lastPrev *store.Cursor // the last page's Prev
}

func pageAll(t *testing.T, st *store.Store, read list, p store.Page) paged {
	t.Helper()
	var out paged
	for n := 0; ; n++ {
		var got []string
		var win store.Window[struct{}]
		err := st.Read(context.Background(), func(tx *store.Tx) (err error) {
			got, win, err = read(tx, p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > p.Limit {
			t.Fatalf("a page of %d rows, want at most %d", len(got), p.Limit)
		}
		if n > 0 && win.Prev == nil {
			t.Fatal("a page after the first has no Prev")
		}
		out.ids = append(out.ids, got...)
		out.lastPage, out.lastPrev = got, win.Prev
		if win.Next == nil {
			return out
		}
		if n > 100_000 {
			t.Fatal("paging does not end")
		}
		p.After = win.Next
	}
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

// The API's image list (own and shared images merged, newest first) pages
// by cursor too: every image once, in order, at every status filter.
func TestAPIImageListPagesThroughEveryImageOnce(t *testing.T) {
	const shares, owns = 1100, 1050
	st, w := seededWith(t, bigworld.Options{Shares: shares, RecipientOwns: owns})
	for _, c := range []struct {
		name    string
		q       store.ImageListQuery
		want    int
		ordered bool
	}{
		{"shared, every status", store.ImageListQuery{ProjectID: w.Recipient.ProjectID, Shared: true}, shares, true},
		{"shared, pending", store.ImageListQuery{ProjectID: w.Recipient.ProjectID, Shared: true, ShareStatus: domain.MemberPending}, shares - shares/10, true},
		{"own and shared of the owner", store.ImageListQuery{ProjectID: w.Owner.ProjectID, Own: true, Shared: true}, shares + 1, true},
		// Both halves of the one statement (UNION ALL) hold more rows than a
		// page, interleaved in time: the merge must take from each in turn.
		{"own and shared of the recipient, interleaved", store.ImageListQuery{ProjectID: w.Recipient.ProjectID, Own: true, Shared: true}, shares + owns, true},
		{"shared, by size (sorted, not walked)", store.ImageListQuery{ProjectID: w.Recipient.ProjectID, Shared: true, SortKey: store.SortSize, Asc: true}, shares, false},
	} {
		for _, limit := range []int{250, store.MaxPage} {
			t.Run(c.name, func(t *testing.T) {
				q := c.q
				q.Limit = limit
				var got []store.SharedImage
				for {
					var page []store.SharedImage
					var more bool
					err := st.Read(context.Background(), func(tx *store.Tx) (err error) {
						page, more, err = tx.ListImages(q)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, page...)
					if !more {
						break
					}
					last := page[len(page)-1]
					q.After = &store.ImageCursor{CreatedAt: last.CreatedAt, ID: last.ID, Name: last.Name, Status: last.Status, SizeGB: last.SizeGB}
				}
				seen := map[string]bool{}
				for i, r := range got {
					if seen[r.ID] {
						t.Fatalf("%s appears twice", r.ID)
					}
					seen[r.ID] = true
					if c.ordered && i > 0 && !(got[i-1].CreatedAt.After(r.CreatedAt) || got[i-1].CreatedAt.Equal(r.CreatedAt) && got[i-1].ID > r.ID) {
						t.Fatalf("row %d is out of order", i)
					}
				}
				if len(got) != c.want {
					t.Errorf("paged through %d images, want %d", len(got), c.want)
				}
			})
		}
	}
}

func seededWith(t *testing.T, o bigworld.Options) (*store.Store, *bigworld.World) {
	t.Helper()
	o.Password = "paging-password"
	return seed(t, o)
}
