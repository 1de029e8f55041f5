package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"imageshare/internal/bigworld"
	"imageshare/internal/testworld"
	"imageshare/web"
)

// The console's lists at size: with more images than many pages, Next
// links walk every row once, and Previous links walk them back in the same
// order; the counts the pages show agree with the rows (keyset paging: a
// deep page costs what the first does, issue 7).
func TestConsoleListsPageThroughEveryRowOnce(t *testing.T) {
	const shares = 260 // a little over ten pages of 25
	f := &fixture{t: t, now: time.Now()}
	tw, w := testworld.NewBig(t, bigworld.Options{Shares: shares}, testworld.Options{Web: web.Options{Now: func() time.Time { return f.now }}})
	f.sh, f.id, f.w = tw.Sharing, tw.Identity, tw
	f.srv = httptest.NewServer(tw.Handler)
	t.Cleanup(f.srv.Close)

	owner := f.loginAs(w.Owner)
	rec := f.loginAs(w.Recipient)
	for _, c := range []struct {
		who   *client
		start string
		row   string
		want  int
	}{
		{owner, "/images", "tr[data-image-id]", shares + 1},
		{rec, "/shared?view=pending", "tr[data-image-id]", shares - shares/10},
		{rec, "/shared", "tr[data-image-id]", shares / 10},
	} {
		var forward [][]string
		var pageURLs []string
		links := 0
		for next := c.start; next != ""; {
			r := c.who.get(next).want(http.StatusOK)
			var ids []string
			r.doc.Find(c.row).Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-image-id", "")) })
			forward = append(forward, ids)
			links += checkRowLinks(t, c.who, r, c.row, c.start)
			pageURLs = append(pageURLs, next)
			next = r.doc.Find(`nav.pager a[rel="next"]`).AttrOr("href", "")
			if len(forward) > shares {
				t.Fatalf("%s: the Next links do not end", c.start)
			}
		}
		if c.who == owner && links < c.want { // every own image can at least be shared and deleted
			t.Errorf("%s: %d action links on %d rows", c.start, links, c.want)
		}
		all := slices.Concat(forward...)
		if len(all) != c.want || len(slices.Compact(sortedCopy(all))) != c.want {
			t.Fatalf("%s: %d rows over %d pages (%d distinct), want each of %d once", c.start, len(all), len(forward), len(slices.Compact(sortedCopy(all))), c.want)
		}
		// Back from the last page by Previous: the same pages, reversed.
		last := c.who.get(pageURLs[len(pageURLs)-1]).want(http.StatusOK)
		prev := last.doc.Find(`nav.pager a[rel="prev"]`).AttrOr("href", "")
		for i := len(forward) - 2; i >= 0; i-- {
			if prev == "" {
				t.Fatalf("%s: page %d has no Previous link", c.start, i+2)
			}
			r := c.who.get(prev).want(http.StatusOK)
			var ids []string
			r.doc.Find(c.row).Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-image-id", "")) })
			if !slices.Equal(ids, forward[i]) {
				t.Fatalf("%s: page %d by Previous shows other rows than by Next", c.start, i+1)
			}
			prev = r.doc.Find(`nav.pager a[rel="prev"]`).AttrOr("href", "")
		}
		if prev != "" {
			t.Errorf("%s: the first page has a Previous link", c.start)
		}
	}
	// A cursor the server never gave out is refused, not a 500.
	rec.get("/shared?view=pending&after=" + url.QueryEscape("not-a-cursor")).want(http.StatusUnprocessableEntity)
}

// checkRowLinks checks the action links of every row of a list page: each
// names its own row's image, and a dialog's return is the list it was
// opened from. The links of the page's last row are followed, and each
// answers. It returns how many links the page has.
func checkRowLinks(t *testing.T, c *client, r *response, row, list string) int {
	t.Helper()
	back, _, _ := strings.Cut(list, "?")
	n := 0
	var last []string
	r.doc.Find(row).Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("data-image-id", "")
		last = last[:0]
		s.Find("td.ops a.act").Each(func(_ int, a *goquery.Selection) {
			href := a.AttrOr("href", "")
			u, err := url.Parse(href)
			if err != nil || (!strings.Contains(u.Path, "/"+id+"/") && u.Query().Get("image") != id) {
				t.Errorf("%s: row %s has the action link %q, not of its image", list, id, href)
			}
			if strings.HasSuffix(u.Path, "/share") && u.Query().Get("back") != back {
				t.Errorf("%s: row %s's %q does not return to %s", list, id, href, back)
			}
			last = append(last, href)
			n++
		})
	})
	for _, href := range last {
		c.get(href).want(http.StatusOK)
	}
	return n
}

func sortedCopy(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

// loginAs logs a bigworld tenant's user in to the console.
func (f *fixture) loginAs(te bigworld.Tenant) *client {
	f.t.Helper()
	c := f.client()
	r := c.submit("/login", url.Values{"account": {te.Account}, "user": {te.User}, "password": {testworld.Password}})
	if r.status != http.StatusSeeOther {
		f.t.Fatalf("login %s/%s: status %d, want 303; body: %s", te.Account, te.User, r.status, r.text())
	}
	c.get("/images").want(http.StatusOK)
	return c
}
