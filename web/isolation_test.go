package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// snapshot describes everything two accounts own in cn-north-4, to prove a
// refused request changed nothing.
func (f *fixture) snapshot(projects ...sharing.Actor) string {
	f.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, a := range projects {
		own, err := f.sh.OwnImages(ctx, a, sharing.ImageFilter{}, sharing.Page{Limit: sharing.MaxPage})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, im := range own.Rows {
			fmt.Fprintf(&b, "image %s %s %s %d/%d\n", im.ID, im.Name, im.Status, im.Accepted, im.Recipients)
			rs, err := f.sh.Recipients(ctx, a, im.ID, sharing.Page{Limit: sharing.MaxPage})
			if err != nil {
				f.t.Fatal(err)
			}
			for _, r := range rs.Rows {
				fmt.Fprintf(&b, "  member %s %s\n", r.Label, r.Status)
			}
		}
		for _, status := range []string{domain.MemberPending, domain.MemberAccepted, domain.MemberRejected} {
			shared, _ := f.sh.SharedImages(ctx, a, status, sharing.Page{Limit: sharing.MaxPage})
			for _, s := range shared.Rows {
				fmt.Fprintf(&b, "shared %s %s\n", s.ID, s.Status)
			}
		}
		servers, _ := f.sh.Servers(ctx, a, sharing.Page{Limit: sharing.MaxPage})
		for _, s := range servers.Rows {
			fmt.Fprintf(&b, "server %s %s %s\n", s.ID, s.ImageID, s.OS)
		}
		disks, _ := f.sh.Disks(ctx, a, sharing.Page{Limit: sharing.MaxPage})
		for _, d := range disks.Rows {
			fmt.Fprintf(&b, "disk %s %s\n", d.ID, d.ImageID)
		}
	}
	return b.String()
}

// TestTenantIsolation: for every console route that takes an ID, another
// account's ID gives 404 and changes nothing (S01: never a hint that it
// exists).
func TestTenantIsolation(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.actor("acme", "cn-north-4"), f.actor("bravo", "cn-north-4")
	img := f.imageID("acme", "cn-north-4", "ubuntu-22.04-web")
	data := f.imageID("acme", "cn-north-4", "app-data-2024")
	srv := f.serverID("acme", "cn-north-4")
	disk := f.diskID("acme", "cn-north-4")
	bobServer := f.serverID("bravo", "cn-north-4")
	// Alice shares one image with bob, so that bob's project has shares
	// whose state a foreign request must not touch either.
	f.share(alice, f.imageID("acme", "cn-north-4", "centos-7.9-base"), bob.ProjectID)
	before := f.snapshot(alice, bob)

	c := f.login("bravo", "bob")
	gets := []string{
		"/images/" + img, "/images/" + img + "/row", "/images/" + img + "/share", "/images/" + img + "/share?tab=stop",
		"/images/share?image=" + img, "/images/" + img + "/replicate", "/images/" + img + "/delete",
		"/servers/new?image=" + img, "/disks/new?image=" + data, "/shared/accept?image=" + img,
		"/servers/" + srv + "/change-os", "/servers/" + srv + "/reinstall", "/disks/" + disk + "/restore",
		"/images/no-such-image", "/servers/no-such-server/change-os",
		"/images/" + img + "/upload", "/images/" + img + "/download",
	}
	for _, path := range gets {
		t.Run("GET "+path, func(t *testing.T) {
			c.t = t
			r := c.get(path).want(http.StatusNotFound)
			if strings.Contains(r.body, "ubuntu-22.04-web") || strings.Contains(r.body, "web-01") || strings.Contains(r.body, "data-vol-01") {
				t.Errorf("the 404 page names the foreign object")
			}
		})
	}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/images/share", url.Values{"image": {img}, "recipients": {bob.ProjectID}}},
		{"/images/" + img + "/stop", url.Values{"all": {"true"}}},
		{"/images/" + img + "/stop", url.Values{"member": {bob.ProjectID}}},
		{"/images/" + img + "/stop", url.Values{"all": {"true"}, "confirmed": {"true"}}},
		{"/images/" + img + "/stop", url.Values{"member": {bob.ProjectID}, "confirmed": {"true"}}},
		{"/shared/reject", url.Values{"image": {img}}},
		{"/images/" + img + "/replicate", url.Values{"name": {"stolen"}}},
		{"/images/" + img + "/replicate-region", url.Values{"project": {bob.ProjectID}}},
		{"/images/" + img + "/delete", nil},
		{"/shared/decide", url.Values{"op": {"reject"}, "image": {img}}},
		{"/shared/decide", url.Values{"op": {"accept"}, "image": {img}}},
		{"/shared/accept", url.Values{"image": {img}}},
		{"/servers", url.Values{"image": {img}, "az": {"cn-north-4a"}}},
		{"/servers/" + srv + "/change-os", url.Values{"image": {img}}},
		{"/servers/" + bobServer + "/change-os", url.Values{"image": {img}}},
		{"/servers/" + srv + "/reinstall", nil},
		{"/disks", url.Values{"image": {data}, "az": {"cn-north-4a"}}},
		{"/disks/" + disk + "/restore", url.Values{"image": {data}}},
		{"/images/create", url.Values{"source": {"server"}, "server": {srv}, "name": {"stolen"}}},
		{"/images/create", url.Values{"source": {"disk"}, "disk": {disk}, "name": {"stolen"}}},
	}
	for _, p := range posts {
		t.Run("POST "+p.path+" "+p.form.Encode(), func(t *testing.T) {
			c.t = t
			c.submit(p.path, p.form).want(http.StatusNotFound)
		})
	}
	t.Run("POST /images/"+img+"/upload", func(t *testing.T) {
		c.t = t
		c.upload(img, [][2]string{{"_csrf", c.csrf}}, "file", []byte("not mine")).want(http.StatusNotFound)
	})
	c.t = t
	if after := f.snapshot(alice, bob); after != before {
		t.Errorf("foreign requests changed state:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestTrailIsPerAccount shows an account only its own trail (S25).
func TestTrailIsPerAccount(t *testing.T) {
	f := newFixture(t)
	f.login("acme", "alice")
	r := f.login("bravo", "bob").get("/trace").want(http.StatusOK)
	r.doc.Find("#trace-table tbody tr[data-action]").Each(func(_ int, s *goquerySelection) {
		if strings.Contains(s.Text(), "alice") {
			t.Errorf("bob's trail shows alice's event: %s", strings.Join(strings.Fields(s.Text()), " "))
		}
	})
	if got := r.find("#trace-table tbody tr[data-action=login]"); !strings.Contains(got, "bob") {
		t.Errorf("bob's trail: got %q, want his login", got)
	}
}
