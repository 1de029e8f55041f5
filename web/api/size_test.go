package api_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"imageshare/internal/bigworld"
	"imageshare/internal/testworld"
)

// The API at size: more images and members than one page and than the
// largest page (1,000). Followed the way clients follow them (Glance's
// "next" links, IMS's markers), the lists give every row exactly once; the
// members of an image with more than 1,000 are all listed (they were once
// cut to the first 50).
func TestAPIListsAtSizeGiveEveryRowOnce(t *testing.T) {
	const shares, members = 1050, 1030
	tw, w := testworld.NewBig(t, bigworld.Options{Shares: shares, Members: members}, testworld.Options{DSN: pg.DSN(t), BuildTime: time.Second})
	f := &fixture{t: t, e: tw.Handler, sh: tw.Sharing, id: tw.Identity, w: tw, dbPath: tw.DSN, tokens: map[string]string{}}
	owner, rec := tenantToken(t, tw.Handler, w.Owner), tenantToken(t, tw.Handler, w.Recipient)

	// Glance's list, following "next" as the openstack client does.
	for _, c := range []struct {
		path string
		want int
	}{
		{"/v2/images?visibility=shared&member_status=all&limit=100", shares},
		{"/v2/images?visibility=shared&member_status=pending", shares - shares/10},
		{"/v2/images?visibility=shared&member_status=all&limit=1000", shares},
		{"/v2/cloudimages?__imagetype=shared&member_status=accepted&limit=40", shares / 10},
	} {
		var got []string
		for next, pages := c.path, 0; next != ""; pages++ {
			body := f.do("GET", next, rec, nil).expect(t, next, 200, "").JSON(t)
			got = append(got, ids(body["images"])...)
			next, _ = body["next"].(string)
			if pages > shares {
				t.Fatalf("%s: the next links do not end", c.path)
			}
		}
		if len(got) != c.want || len(slices.Compact(sortedCopy(got))) != c.want {
			t.Errorf("%s: %d images (%d distinct), want each of %d once", c.path, len(got), len(slices.Compact(sortedCopy(got))), c.want)
		}
	}

	// Glance's member list: all of them, in one answer.
	body := f.do("GET", "/v2/images/"+w.MembersImage+"/members", owner, nil).expect(t, "members", 200, "").JSON(t)
	var all []string
	for _, m := range body["members"].([]any) {
		all = append(all, m.(map[string]any)["member_id"].(string))
	}
	if !slices.Equal(sortedCopy(all), sortedCopy(w.Pool[:members])) {
		t.Errorf("Glance members: %d, want all %d", len(all), members)
	}

	// IMS's member list, page by page with its markers.
	for _, limit := range []string{"100", "1000"} {
		var paged []string
		base := "/v1/" + w.Owner.ProjectID + "/cloudimages/" + w.MembersImage + "/members?limit=" + limit
		for marker, pages := "", 0; ; pages++ {
			p := base
			if marker != "" {
				p += "&marker=" + url.QueryEscape(marker)
			}
			body := f.do("GET", p, owner, nil).expect(t, p, 200, "").JSON(t)
			for _, m := range body["members"].([]any) {
				paged = append(paged, m.(map[string]any)["member_id"].(string))
			}
			marker, _ = body["page_info"].(map[string]any)["next_marker"].(string)
			if marker == "" || pages > members {
				break
			}
		}
		if !slices.Equal(sortedCopy(paged), sortedCopy(w.Pool[:members])) {
			t.Errorf("IMS members by %s: %d, want each of %d once", limit, len(paged), members)
		}
	}

	// A recipient still sees only its own membership.
	body = f.do("GET", "/v2/images/"+w.ImageIDs[0]+"/members", rec, nil).expect(t, "recipient's members", 200, "").JSON(t)
	if got := body["members"].([]any); len(got) != 1 || !strings.EqualFold(got[0].(map[string]any)["member_id"].(string), w.Recipient.ProjectID) {
		t.Errorf("a recipient's member list: %v, want only its own membership", got)
	}
}

func sortedCopy(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
