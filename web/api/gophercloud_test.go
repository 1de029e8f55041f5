package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"

	"imageshare/internal/sharing"
)

// imageClient logs in with gophercloud's Keystone v3 password auth against
// the server and returns its image (Glance v2) client, found in the token's
// catalog for the region.
func imageClient(t *testing.T, srv *httptest.Server, account, user string, scope gophercloud.AuthScope) *gophercloud.ServiceClient {
	t.Helper()
	ctx := context.Background()
	provider, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: srv.URL + "/v3", Username: user, Password: demoPassword, DomainName: account, Scope: &scope,
	})
	if err != nil {
		t.Fatalf("gophercloud login as %s/%s: %v", account, user, err)
	}
	client, err := openstack.NewImageV2(provider, gophercloud.EndpointOpts{Region: "cn-north-4"})
	if err != nil {
		t.Fatalf("image endpoint for %s: %v", user, err)
	}
	return client
}

// TestGophercloudTokens validates and revokes a token with gophercloud's
// identity v3 tokens package.
func TestGophercloudTokens(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := httptest.NewServer(f.e)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	provider, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: srv.URL + "/v3", Username: "alice", Password: demoPassword, DomainName: "acme",
		Scope: &gophercloud.AuthScope{ProjectID: project("acme", "cn-north-4_dev")},
	})
	if err != nil {
		t.Fatal(err)
	}
	id, err := openstack.NewIdentityV3(provider, gophercloud.EndpointOpts{Region: "cn-north-4"})
	if err != nil {
		t.Fatal(err)
	}
	res := tokens.Get(ctx, id, provider.Token())
	proj, err := res.ExtractProject()
	if err != nil || proj.ID != project("acme", "cn-north-4_dev") || proj.Domain.Name != "acme" {
		t.Fatalf("validated token's project got %+v, %v; want acme's cn-north-4_dev", proj, err)
	}
	cat, err := res.ExtractServiceCatalog()
	if err != nil || len(cat.Entries) != 2 {
		t.Fatalf("catalog got %+v, %v; want image and identity", cat, err)
	}
	if err := tokens.Revoke(ctx, id, provider.Token()).Err; err != nil {
		t.Fatalf("revoke: %v", err)
	}
	_, err = tokens.Get(ctx, id, provider.Token()).ExtractProject()
	wantCode(t, "validate a revoked token", err, http.StatusUnauthorized)
}

func listIDs(t *testing.T, c *gophercloud.ServiceClient, opts images.ListOpts) []string {
	t.Helper()
	pages, err := images.List(c, opts).AllPages(context.Background())
	if err != nil {
		t.Fatalf("list %+v: %v", opts, err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, im := range all {
		out = append(out, im.ID)
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code int) {
	t.Helper()
	if !gophercloud.ResponseCodeIs(err, code) {
		t.Errorf("%s: got %v, want HTTP %d", what, err, code)
	}
}

// Stock gophercloud v2 against the real server on 127.0.0.1: two tenants
// authenticate, the owner shares, the recipient accepts, the owner lists
// and removes members; errors come back with Glance's codes.
func TestGophercloudSharingFlow(t *testing.T) {
	f := newFixture(t, fixtureOpts{limits: func(l *sharing.Limits) { l.MaxAccepted = 2 }})
	srv := httptest.NewServer(f.e)
	t.Cleanup(srv.Close)
	ctx := context.Background()

	owner := imageClient(t, srv, "acme", "alice", gophercloud.AuthScope{ProjectName: "cn-north-4", DomainName: "acme"})
	bob := imageClient(t, srv, "bravo", "bob", gophercloud.AuthScope{ProjectID: bobProject})
	erin := imageClient(t, srv, "umbrella", "erin", gophercloud.AuthScope{ProjectName: "cn-north-4", DomainName: "umbrella"})
	carol := imageClient(t, srv, "globex", "carol", gophercloud.AuthScope{ProjectName: "cn-north-4", DomainName: "globex"})

	// Paging follows Glance's next links.
	mine := listIDs(t, owner, images.ListOpts{Visibility: images.ImageVisibilityPrivate, Limit: 2})
	if len(mine) < 5 {
		t.Fatalf("owner's private images got %d, want the demo's 5 or more", len(mine))
	}
	byName := listIDs(t, owner, images.ListOpts{Name: "ubuntu-22.04-web"})
	if len(byName) != 1 {
		t.Fatalf("owner's ubuntu-22.04-web got %v, want one image", byName)
	}
	img := byName[0]

	m, err := members.Create(ctx, owner, img, bobProject).Extract()
	if err != nil {
		t.Fatalf("share with bob: %v", err)
	}
	if m.Status != "pending" || m.MemberID != bobProject || m.ImageID != img || m.CreatedAt.IsZero() {
		t.Errorf("new member got %+v, want bob pending on %s", m, img)
	}
	_, err = members.Create(ctx, owner, img, bobProject).Extract()
	wantCode(t, "share with bob again", err, http.StatusConflict)
	if _, err := members.Create(ctx, owner, img, erinProject).Extract(); err != nil {
		t.Fatalf("share with erin: %v", err)
	}

	shared := images.ListOpts{Visibility: images.ImageVisibilityShared}
	pending := images.ListOpts{Visibility: images.ImageVisibilityShared, MemberStatus: images.ImageMemberStatusPending}
	if got := listIDs(t, bob, pending); !slices.Contains(got, img) {
		t.Errorf("bob's pending images got %v, want %s", got, img)
	}
	if got := listIDs(t, bob, shared); slices.Contains(got, img) {
		t.Errorf("S14 bob's accepted images got %v before accepting", got)
	}
	if _, err := images.Get(ctx, bob, img).Extract(); err != nil {
		t.Errorf("pending recipient reads the image: %v", err)
	}
	_, err = members.Update(ctx, owner, img, bobProject, members.UpdateOpts{Status: "accepted"}).Extract()
	wantCode(t, "S13 owner accepts for bob", err, http.StatusForbidden)
	_, err = members.Update(ctx, bob, img, bobProject, members.UpdateOpts{Status: "sure"}).Extract()
	wantCode(t, "bad status", err, http.StatusBadRequest)

	for name, c := range map[string]*gophercloud.ServiceClient{"bob": bob, "erin": erin} {
		project := map[string]string{"bob": bobProject, "erin": erinProject}[name]
		acc, err := members.Update(ctx, c, img, project, members.UpdateOpts{Status: "accepted"}).Extract()
		if err != nil || acc.Status != "accepted" {
			t.Fatalf("%s accepts: %+v, %v", name, acc, err)
		}
	}
	if got := listIDs(t, bob, shared); !slices.Contains(got, img) {
		t.Errorf("bob's accepted images got %v, want %s", got, img)
	}

	// S09: two accepted recipients is this fixture's limit: 413.
	_, err = members.Create(ctx, owner, img, carolProject).Extract()
	wantCode(t, "S09 share past the accepted limit", err, http.StatusRequestEntityTooLarge)
	// S01: carol is neither owner nor member.
	_, err = images.Get(ctx, carol, img).Extract()
	wantCode(t, "S01 carol reads the image", err, http.StatusNotFound)
	_, err = members.List(carol, img).AllPages(ctx)
	wantCode(t, "S01 carol lists members", err, http.StatusNotFound)

	list := func() []string {
		pages, err := members.List(owner, img).AllPages(ctx)
		if err != nil {
			t.Fatalf("owner lists members: %v", err)
		}
		ms, err := members.ExtractMembers(pages)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.MemberID+" "+m.Status)
		}
		slices.Sort(out)
		return out
	}
	want := []string{bobProject + " accepted", erinProject + " accepted"}
	slices.Sort(want)
	if got := list(); !slices.Equal(got, want) {
		t.Errorf("owner's members got %v, want %v", got, want)
	}
	wantCode(t, "bob removes erin", members.Delete(ctx, bob, img, erinProject).ExtractErr(), http.StatusForbidden)
	if err := members.Delete(ctx, owner, img, erinProject).ExtractErr(); err != nil {
		t.Fatalf("owner removes erin: %v", err)
	}
	if got := list(); !slices.Equal(got, []string{bobProject + " accepted"}) {
		t.Errorf("after removing erin, members got %v, want bob only", got)
	}
	_, err = images.Get(ctx, erin, img).Extract()
	wantCode(t, "S21 erin reads the image after removal", err, http.StatusNotFound)
	wantCode(t, "remove erin again", members.Delete(ctx, owner, img, erinProject).ExtractErr(), http.StatusNotFound)

	// Images made through gophercloud keep their extra properties.
	created, err := images.Create(ctx, owner, images.CreateOpts{Name: "gc-import", ContainerFormat: "bare", DiskFormat: "raw",
		Properties: map[string]string{"__os_version": "Debian 12 64bit", "team": "platform"}}).Extract()
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.Properties["team"] != "platform" || created.Owner != aliceProject {
		t.Errorf("created image properties %v, owner %v; want team=platform, %s", created.Properties, created.Owner, aliceProject)
	}
	if err := images.Delete(ctx, owner, created.ID).ExtractErr(); err != nil {
		t.Errorf("delete: %v", err)
	}
}
