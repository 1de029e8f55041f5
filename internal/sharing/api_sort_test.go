package sharing_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// TestListImagesSortedPaging pages through own and shared images (more than
// one page) in every IMS sort order, and gets each image once, in order.
func TestListImagesSortedPaging(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	var all []domain.Image
	for i, name := range []string{"b", "a", "c", "a", "Z", "b", "é"} {
		size := 40 + (i%3)*10
		all = append(all, e.image(owner, name, domain.TypeSystem, func(s *sharing.ImageSpec) { s.SizeGB = size }))
	}
	for _, name := range []string{"a", "d", "b", "a", "c"} {
		img := e.image(rec, name, domain.TypeData)
		e.share(rec, img.ID, owner.ProjectID)
		all = append(all, img)
	}
	// One image still saving: status differs.
	saving, err := e.svc.ImportImage(e.ctx, owner, sharing.ImageSpec{Name: "s", Type: domain.TypeData, SizeGB: 45})
	e.must(err, "import")
	all = append(all, saving)
	// Reload: the worker changed statuses and times.
	for i := range all {
		v, err := e.svc.Image(e.ctx, owner, all[i].ID)
		e.must(err, "read")
		all[i] = v.Image
	}
	keys := map[string]func(a, b domain.Image) int{
		"created_at": func(a, b domain.Image) int { return a.CreatedAt.Compare(b.CreatedAt) },
		"name":       func(a, b domain.Image) int { return strings.Compare(a.Name, b.Name) },
		"status":     func(a, b domain.Image) int { return strings.Compare(a.Status, b.Status) },
		"size":       func(a, b domain.Image) int { return cmp.Compare(a.SizeGB, b.SizeGB) },
		"id":         func(a, b domain.Image) int { return 0 },
	}
	for key, by := range keys {
		for _, asc := range []bool{true, false} {
			want := slices.Clone(all)
			slices.SortFunc(want, func(a, b domain.Image) int {
				c := by(a, b)
				if c == 0 {
					c = strings.Compare(a.ID, b.ID)
				}
				if !asc {
					c = -c
				}
				return c
			})
			var got []string
			q := sharing.ImageQuery{Own: true, Shared: true, SortKey: key, Asc: asc, Limit: 3}
			for pages := 0; ; pages++ {
				rows, more, err := e.svc.ListImages(e.ctx, owner, q)
				e.must(err, "list "+key)
				for _, r := range rows {
					got = append(got, r.ID)
				}
				if !more || pages > 10 {
					break
				}
				q.Marker = rows[len(rows)-1].ID
			}
			var wantIDs []string
			for _, w := range want {
				wantIDs = append(wantIDs, w.ID)
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("sort %s asc=%v: got %d rows %v\nwant %d rows %v", key, asc, len(got), got, len(wantIDs), wantIDs)
			}
		}
	}
	// A status filter and a bad sort key.
	rows, _, err := e.svc.ListImages(e.ctx, owner, sharing.ImageQuery{Own: true, Status: domain.StatusSaving})
	e.must(err, "status filter")
	if len(rows) != 1 || rows[0].ID != saving.ID {
		t.Errorf("status=saving: %d rows, want the one saving image", len(rows))
	}
	if _, _, err := e.svc.ListImages(e.ctx, owner, sharing.ImageQuery{Own: true, SortKey: "owner"}); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("sort_key=owner: %v, want invalid", err)
	}
}

// TestS01_ActorsProjectIsTrustedOnlyAsAuthenticated: an API token's
// request carries its project as authentication read it, and the service
// uses it instead of reading it again; a project that does not name the
// actor's own project and account is ignored, and the project is read and
// checked as before (another account's project is not found).
func TestS01_ActorsProjectIsTrustedOnlyAsAuthenticated(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec := e.actor("owner", ""), e.actor("rec", "")
	img := e.image(owner, "img", domain.TypeSystem)
	q := sharing.ImageQuery{Own: true, Shared: true}
	want, _, err := e.svc.ListImages(e.ctx, owner, q)
	e.must(err, "list")

	withProject := owner
	withProject.Project, err = e.st.One(e.ctx).Project(owner.ProjectID)
	e.must(err, "project")
	got, _, err := e.svc.ListImages(e.ctx, withProject, q)
	e.must(err, "list with the authenticated project")
	if len(got) != len(want) || len(got) == 0 || got[0].ID != img.ID {
		t.Errorf("with the authenticated project: %d images, want %d (%s first)", len(got), len(want), img.ID)
	}

	// A project that is not the actor's own is not taken on trust.
	forged := rec
	forged.ProjectID = owner.ProjectID
	forged.Project = domain.Project{ID: owner.ProjectID, AccountID: owner.AccountID}
	if _, _, err := e.svc.ListImages(e.ctx, forged, q); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("another account's project given as the actor's: %v, want not found", err)
	}
}
