package web_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"imageshare/internal/sharing"
)

// rowsOf are the data-name attributes of a table's rows.
func rowsOf(r *response, table string) []string {
	var out []string
	r.doc.Find(table + " tbody tr[data-name]").Each(func(_ int, s *goquerySelection) { out = append(out, s.AttrOr("data-name", "")) })
	return out
}

// TestIssue10_TablesSortPageCountAndSearch: Servers with more rows than a
// page: the page size the user picks, the total from the project's
// counter, sorting by name either way (aria-sort says which), Next and
// Previous keeping sort and size, and a name search; Images Shared with Me
// searched by name, owner and type; the recipients list says its order.
func TestIssue10_TablesSortPageCountAndSearch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bob := f.actor("bravo", "cn-north-4")
	ubuntu := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	f.share(f.actor("acme", "cn-north-4"), ubuntu, bob.ProjectID)
	if err := f.sh.Accept(ctx, bob, []string{ubuntu}); err != nil {
		t.Fatal(err)
	}
	names := []string{"bravo-app-01"}
	for i := 0; i < 23; i++ {
		name := fmt.Sprintf("srv-%02d-%c", (i*7)%23, 'a'+i%3)
		if _, err := f.sh.CreateServer(ctx, bob, sharing.ServerSpec{ImageID: ubuntu, AZ: "cn-north-4a", Name: name}); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	c := f.login("bravo", "bob")
	r := c.get("/servers?size=10&sort=name").want(http.StatusOK)
	sort.Strings(names)
	if got := rowsOf(r, "#servers-table"); strings.Join(got, ",") != strings.Join(names[:10], ",") {
		t.Errorf("first page by name: got %v, want %v", got, names[:10])
	}
	if got := r.find(".pager-page"); got != "24 servers" {
		t.Errorf("total: got %q, want 24 servers", got)
	}
	if got := r.doc.Find(`#servers-table th[aria-sort="ascending"] a[data-sort="name"]`).Length(); got != 1 {
		t.Errorf("the name column does not say it sorts ascending")
	}
	next, _ := r.doc.Find(`.pager a[rel="next"]`).Attr("href")
	if !strings.Contains(next, "sort=name") || !strings.Contains(next, "size=10") {
		t.Fatalf("Next loses the sort or the size: %q", next)
	}
	r2 := c.get(next).want(http.StatusOK)
	if got := rowsOf(r2, "#servers-table"); strings.Join(got, ",") != strings.Join(names[10:20], ",") {
		t.Errorf("second page by name: got %v, want %v", got, names[10:20])
	}
	prev, _ := r2.doc.Find(`.pager a[rel="prev"]`).Attr("href")
	if got := rowsOf(c.get(prev), "#servers-table"); strings.Join(got, ",") != strings.Join(names[:10], ",") {
		t.Errorf("Previous: got %v, want the first page", got)
	}
	toggle, _ := r.doc.Find(`#servers-table a[data-sort="name"]`).Attr("href")
	desc := rowsOf(c.get(toggle), "#servers-table")
	if len(desc) == 0 || desc[0] != names[len(names)-1] {
		t.Errorf("name, Z to A: got %v first, want %s", desc, names[len(names)-1])
	}
	found := rowsOf(c.get("/servers?name=-B"), "#servers-table")
	for _, n := range found {
		if !strings.HasSuffix(n, "-b") {
			t.Errorf("search -B found %s", n)
		}
	}
	if len(found) != 8 {
		t.Errorf("search -B: %d servers, want 8", len(found))
	}

	// Images Shared with Me: search by name, owner and type.
	shared := c.get("/shared?owner=ACM&type=system&name=ubuntu").want(http.StatusOK)
	if got := rowsOf(shared, "#shared-table"); len(got) != 1 || got[0] != "ubuntu-22.04-web" {
		t.Errorf("shared search: got %v", got)
	}
	if got := rowsOf(c.get("/shared?type=data"), "#shared-table"); len(got) != 0 {
		t.Errorf("shared of type data: got %v", got)
	}
	if got := rowsOf(c.get("/shared?owner=globex"), "#shared-table"); len(got) != 0 {
		t.Errorf("shared by globex: got %v", got)
	}
	c.get("/servers?size=7").want(http.StatusOK) // not a size on offer: the default
	if n := len(rowsOf(c.get("/servers?size=7"), "#servers-table")); n != 24 {
		t.Errorf("size 7 is not offered: got %d rows, want the default page (25)", n)
	}

	alice := f.login("acme", "alice")
	d := alice.get("/images/" + ubuntu).want(http.StatusOK)
	if got := d.find("#recipients-order"); got != "Oldest first" {
		t.Errorf("recipients order: got %q", got)
	}
	if got := d.find("#image-details .pager-page"); got != "1 recipient" {
		t.Errorf("recipients total: got %q", got)
	}
}
