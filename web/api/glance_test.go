package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"imageshare/internal/sharing"
)

func TestGlanceVersionDocuments(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	for _, path := range []string{"/", "/v2", "/v2/"} {
		r := f.do("GET", path, "", nil).expect(t, path, 200, "")
		v := r.JSON(t)["versions"].([]any)[0].(map[string]any)
		if v["status"] != "CURRENT" || !strings.HasPrefix(v["id"].(string), "v2.") {
			t.Errorf("%s: version got %v, want a CURRENT v2.x", path, v)
		}
		if href := v["links"].([]any)[0].(map[string]any)["href"]; href != "http://example.com/v2/" {
			t.Errorf("%s: self link got %v, want http://example.com/v2/", path, href)
		}
	}
	// A browser asking for "/" is the console's, not the API's.
	r := f.do("GET", "/", "", nil, header{"Accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"})
	if strings.Contains(string(r.Body), "versions") {
		t.Errorf("a browser's GET / got the version document: %s", r.Body)
	}
}

// The image bodies state their length instead of being sent in chunks
// (do checks that it is the body's). Small answers, errors among them, get
// theirs from net/http, which measures what fits its buffer.
func TestJSONAnswersStateTheirLength(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	bob := f.bob()
	for _, c := range []struct {
		path, token string
		status      int
	}{
		{"/v2/images?visibility=shared&member_status=all", bob, 200},
		{"/v2/images?visibility=shared&member_status=all&limit=1", bob, 200},
	} {
		r := f.do("GET", c.path, c.token, nil).expect(t, c.path, c.status, "")
		if r.Header.Get("Content-Length") == "" || r.Header.Get("Transfer-Encoding") != "" {
			t.Errorf("%s: Content-Length %q, Transfer-Encoding %q: want the length stated", c.path, r.Header.Get("Content-Length"), r.Header.Get("Transfer-Encoding"))
		}
	}
}

// S01: a tenant that is neither owner nor member gets 404 for another
// tenant's image and its members, whatever it tries.
func TestS01_GlanceTenantIsolation(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	img := f.imageID(f.alice(), "ubuntu-22.04-web")
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v2/images/" + img},
		{"DELETE", "/v2/images/" + img},
		{"GET", "/v2/images/" + img + "/members"},
		{"GET", "/v2/images/" + img + "/members/" + bobProject},
		{"PUT", "/v2/images/" + img + "/members/" + bobProject},
		{"DELETE", "/v2/images/" + img + "/members/" + aliceProject},
	} {
		var body any
		if tc.method == "PUT" {
			body = map[string]string{"status": "accepted"}
		}
		f.do(tc.method, tc.path, f.bob(), body).expect(t, "bob "+tc.method+" "+tc.path, 404, "")
	}
	f.do("POST", "/v2/images/"+img+"/members", f.bob(), map[string]string{"member": bobProject}).expect(t, "bob adds himself", 404, "IMG.0027")
	list := f.do("GET", "/v2/images?member_status=all", f.bob(), nil).expect(t, "bob's list", 200, "").JSON(t)
	if slices.Contains(ids(list["images"]), img) {
		t.Errorf("bob's list shows acme's image %s", img)
	}
	f.do("GET", "/v2/images", "", nil).expect(t, "no token", 401, "IMG.0401")
	f.do("GET", "/v2/images", "not-a-token", nil).expect(t, "bad token", 401, "IMG.0401")
}

// The member flow with Glance's status codes (S08, S13, S14, S21).
func TestGlanceMemberFlow(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	img := f.imageID(f.alice(), "ubuntu-22.04-web")
	members := "/v2/images/" + img + "/members"

	m := f.do("POST", members, f.alice(), map[string]string{"member": bobProject}).expect(t, "share with bob", 200, "").JSON(t)
	for k, want := range map[string]any{"image_id": img, "member_id": bobProject, "status": "pending", "schema": "/v2/schemas/member"} {
		if m[k] != want {
			t.Errorf("new member %s got %v, want %v", k, m[k], want)
		}
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if m[k] == nil || m[k] == "" {
			t.Errorf("new member has no %s", k)
		}
	}
	f.do("POST", members, f.alice(), map[string]string{"member": bobProject}).expect(t, "share with bob again (Glance: 409)", 409, "")
	f.do("POST", members, f.alice(), map[string]string{"member": strings.ToUpper(bobProject)}).expect(t, "same member in capitals", 409, "")

	// S14: pending images are not in the recipient's list, but it can read
	// the image by ID (the openstack client does before accepting).
	if got := ids(f.do("GET", "/v2/images?visibility=shared", f.bob(), nil).expect(t, "bob shared", 200, "").JSON(t)["images"]); slices.Contains(got, img) {
		t.Errorf("S14: a pending image is in the default (accepted) shared list: %v", got)
	}
	if got := ids(f.do("GET", "/v2/images?visibility=shared&member_status=pending", f.bob(), nil).expect(t, "bob pending", 200, "").JSON(t)["images"]); !slices.Contains(got, img) {
		t.Errorf("member_status=pending list got %v, want it to contain %s", got, img)
	}
	v := f.do("GET", "/v2/images/"+img, f.bob(), nil).expect(t, "pending recipient reads the image", 200, "").JSON(t)
	if v["visibility"] != "shared" || v["member_status"] != "pending" || v["owner"] != aliceProject {
		t.Errorf("image as bob sees it: visibility %v, member_status %v, owner %v; want shared, pending, %s", v["visibility"], v["member_status"], v["owner"], aliceProject)
	}

	// S13: the owner cannot decide; bad statuses and bodies are 400.
	f.do("PUT", members+"/"+bobProject, f.alice(), map[string]string{"status": "accepted"}).expect(t, "S13 owner accepts", 403, "IMG.0047")
	f.do("PUT", members+"/"+bobProject, f.bob(), map[string]string{"status": "maybe"}).expect(t, "bad status", 400, "IMG.0001")
	f.do("PUT", members+"/"+bobProject, f.bob(), `{"status":`).expect(t, "bad JSON", 400, "IMG.0001")
	f.do("PUT", members+"/"+erinProject, f.bob(), map[string]string{"status": "accepted"}).expect(t, "bob decides for erin", 404, "")

	a := f.do("PUT", members+"/"+bobProject, f.bob(), map[string]string{"member": bobProject, "status": "accepted"}).expect(t, "bob accepts", 200, "").JSON(t)
	if a["status"] != "accepted" {
		t.Errorf("after accepting, member status got %v, want accepted", a["status"])
	}
	if got := ids(f.do("GET", "/v2/images?visibility=shared", f.bob(), nil).expect(t, "bob shared", 200, "").JSON(t)["images"]); !slices.Contains(got, img) {
		t.Errorf("accepted list got %v, want it to contain %s", got, img)
	}
	if got := ids(f.do("GET", "/v2/images", f.bob(), nil).expect(t, "bob all", 200, "").JSON(t)["images"]); !slices.Contains(got, img) {
		t.Errorf("default list got %v, want the accepted image %s in it", got, img)
	}

	// A recipient sees only its own membership; the owner sees all.
	f.do("POST", members, f.alice(), map[string]string{"member": erinProject}).expect(t, "share with erin", 200, "")
	own := f.do("GET", members, f.bob(), nil).expect(t, "bob lists members", 200, "").JSON(t)["members"].([]any)
	if len(own) != 1 || own[0].(map[string]any)["member_id"] != bobProject {
		t.Errorf("bob's member list got %v, want only his own membership", own)
	}
	all := f.do("GET", members, f.alice(), nil).expect(t, "alice lists members", 200, "").JSON(t)
	if got := len(all["members"].([]any)); got != 2 || all["schema"] != "/v2/schemas/members" {
		t.Errorf("alice's member list got %d members, schema %v; want 2, /v2/schemas/members", got, all["schema"])
	}
	f.do("GET", members+"/"+erinProject, f.alice(), nil).expect(t, "owner shows erin", 200, "")
	f.do("GET", members+"/"+erinProject, f.bob(), nil).expect(t, "bob shows erin", 404, "")
	f.do("GET", members+"/"+carolProject, f.alice(), nil).expect(t, "owner shows a non-member", 404, "")

	// S21: only the owner removes members; then the image is gone for them.
	f.do("DELETE", members+"/"+bobProject, f.bob(), nil).expect(t, "bob removes himself", 403, "IMG.0047")
	f.do("DELETE", members+"/"+bobProject, f.alice(), nil).expect(t, "alice removes bob", 204, "")
	f.do("DELETE", members+"/"+bobProject, f.alice(), nil).expect(t, "alice removes bob again", 404, "")
	f.do("GET", "/v2/images/"+img, f.bob(), nil).expect(t, "S21 bob reads the image after removal", 404, "")
	for _, q := range []string{"?name=" + img, "?os_hidden=True", "?member_status=all"} {
		if got := ids(f.do("GET", "/v2/images"+q, f.bob(), nil).expect(t, "bob lists "+q, 200, "").JSON(t)["images"]); slices.Contains(got, img) {
			t.Errorf("bob's list %s still shows the image: %v", q, got)
		}
	}
}

// S08 and Glance's codes for bad members: a rejected recipient can be
// offered the image again (the console's way: IMS batch); Glance says 409.
func TestGlanceAddMemberErrors(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	img := f.imageID(f.alice(), "ubuntu-22.04-web")
	members := "/v2/images/" + img + "/members"
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"no member", map[string]string{}, 400, "IMG.0001"},
		{"two members", map[string]string{"member": bobProject + "," + erinProject}, 400, "IMG.0001"},
		{"malformed ID", map[string]string{"member": "bob"}, 400, "IMG.0001"},
		{"S06 unknown project", map[string]string{"member": strings.Repeat("ab", 16)}, 400, "IMG.0108"},
		{"S06 project of another region", map[string]string{"member": project("bravo", "cn-east-3")}, 400, "IMG.0108"},
		{"S06 yourself", map[string]string{"member": aliceProject}, 400, "IMG.0076"},
		{"not JSON", "member=x", 400, "IMG.0001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.do("POST", members, f.alice(), tc.body).expect(t, tc.name, tc.status, tc.code)
		})
	}
	enc := f.imageID(f.alice(), "secure-euleros")
	f.do("POST", "/v2/images/"+enc+"/members", f.alice(), map[string]string{"member": bobProject}).expect(t, "S03 encrypted", 403, "IMG.0098")
	// S06: another project of the same account in the region is allowed.
	f.do("POST", members, f.alice(), map[string]string{"member": project("acme", "cn-north-4_dev")}).expect(t, "S06 own dev project", 200, "")
}

// S09: at the accepted-recipient limit a new member is 413.
func TestS09_GlanceMemberLimitIs413(t *testing.T) {
	f := newFixture(t, fixtureOpts{limits: func(l *sharing.Limits) { l.MaxAccepted = 1 }})
	img := f.imageID(f.alice(), "ubuntu-22.04-web")
	members := "/v2/images/" + img + "/members"
	f.do("POST", members, f.alice(), map[string]string{"member": bobProject}).expect(t, "share with bob", 200, "")
	f.do("PUT", members+"/"+bobProject, f.bob(), map[string]string{"status": "accepted"}).expect(t, "bob accepts", 200, "")
	f.do("POST", members, f.alice(), map[string]string{"member": erinProject}).expect(t, "share past the limit", 413, "IMG.0088")
}

func TestGlanceCreateAndDeleteImage(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	body := map[string]any{
		"name": "imported-web", "container_format": "bare", "disk_format": "raw", "min_disk": 20,
		"__os_version": "Ubuntu 24.04 server 64bit", "team": "web",
		"owner_specified.openstack.md5": "", "owner_specified.openstack.sha256": "", "owner_specified.openstack.object": "images/imported-web",
	}
	r := f.do("POST", "/v2/images", f.alice(), body).expect(t, "create", http.StatusCreated, "")
	im := r.JSON(t)
	for k, want := range map[string]any{
		"name": "imported-web", "status": "saving", "visibility": "private", "owner": aliceProject, "min_disk": 20.0,
		"size": float64(20 << 30), "team": "web", "owner_specified.openstack.object": "images/imported-web",
		"disk_format": "raw", "container_format": "bare", "__os_version": "Ubuntu 24.04 server 64bit", "__imagetype": "private",
	} {
		if im[k] != want {
			t.Errorf("created image %s got %v, want %v", k, im[k], want)
		}
	}
	id := im["id"].(string)
	time.Sleep(250 * time.Millisecond) // the fixture's build time
	f.finishImages()
	if got := f.do("GET", "/v2/images/"+id, f.alice(), nil).expect(t, "show", 200, "").JSON(t)["status"]; got != "active" {
		t.Errorf("after saving, status got %v, want active", got)
	}
	data := f.do("POST", "/v2/images", f.alice(), map[string]any{"name": "vol", "virtual_env_type": "DataImage", "min_disk": 100}).expect(t, "create data image", 201, "").JSON(t)
	if data["virtual_env_type"] != "DataImage" || data["__whole_image"] != false {
		t.Errorf("data image: virtual_env_type %v, __whole_image %v; want DataImage, false", data["virtual_env_type"], data["__whole_image"])
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
	}{
		{"full-ECS image without OS", map[string]any{"name": "x", "__whole_image": true}, 400},
		{"non-string property", map[string]any{"name": "x", "__os_version": "Debian", "cores": 4}, 400},
		{"read-only attribute", map[string]any{"name": "x", "__os_version": "Debian", "owner": bobProject}, 403},
		{"public visibility", map[string]any{"name": "x", "__os_version": "Debian", "visibility": "public"}, 400},
		{"tags not a list", map[string]any{"name": "x", "__os_version": "Debian", "tags": "a"}, 400},
		{"negative size", map[string]any{"name": "x", "__os_version": "Debian", "min_disk": -1}, 400},
	} {
		f.do("POST", "/v2/images", f.alice(), tc.body).expect(t, tc.name, tc.status, "")
	}
	f.do("DELETE", "/v2/images/"+id, f.bob(), nil).expect(t, "bob deletes alice's image", 404, "")
	f.do("DELETE", "/v2/images/"+id, f.alice(), nil).expect(t, "delete", 204, "")
	f.do("GET", "/v2/images/"+id, f.alice(), nil).expect(t, "deleted image", 404, "IMG.0027")
}

// S01: a recipient cannot delete an image shared with it (IMG.0092, 403).
func TestS01_GlanceRecipientCannotDelete(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	img := f.imageID(f.alice(), "ubuntu-22.04-web")
	f.do("POST", "/v2/images/"+img+"/members", f.alice(), map[string]string{"member": bobProject}).expect(t, "share", 200, "")
	f.do("DELETE", "/v2/images/"+img, f.bob(), nil).expect(t, "recipient deletes", 403, "IMG.0092")
}

// Lists page with limit and marker; next links carry the query on.
func TestS10_GlanceListPaging(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	want := ids(f.do("GET", "/v2/images?limit=100", f.alice(), nil).expect(t, "whole list", 200, "").JSON(t)["images"])
	if len(want) < 5 {
		t.Fatalf("alice's list has %d images, want the demo's 5 or more", len(want))
	}
	var got []string
	next := "/v2/images?limit=2&visibility=all"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		page := f.do("GET", next, f.alice(), nil).expect(t, next, 200, "").JSON(t)
		rows := ids(page["images"])
		if len(rows) > 2 {
			t.Fatalf("page %s has %d rows, want at most 2", next, len(rows))
		}
		got = append(got, rows...)
		next, _ = page["next"].(string)
		if next != "" {
			u, _ := url.Parse(next)
			if u.Query().Get("visibility") != "all" || u.Query().Get("limit") != "2" {
				t.Errorf("next link %s lost the query", next)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged list got %v, want %v", got, want)
	}
	bobs := f.imageID(f.token("globex", "carol", "cn-north-4"), "globex-analytics")
	f.do("GET", "/v2/images?marker="+bobs, f.alice(), nil).expect(t, "marker of an image alice cannot see", 400, "IMG.0001")
	f.do("GET", "/v2/images?limit=0", f.alice(), nil).expect(t, "limit 0", 400, "IMG.0001")
	f.do("GET", "/v2/images?visibility=everything", f.alice(), nil).expect(t, "bad visibility", 400, "IMG.0001")
	f.do("GET", "/v2/images?member_status=maybe", f.alice(), nil).expect(t, "bad member_status", 400, "IMG.0001")
	if got := ids(f.do("GET", "/v2/images?visibility=public", f.alice(), nil).expect(t, "public", 200, "").JSON(t)["images"]); len(got) != 0 {
		t.Errorf("public images got %v, want none", got)
	}
}

func TestGlanceSchemas(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	for _, name := range []string{"image", "images", "member", "members"} {
		if got := f.do("GET", "/v2/schemas/"+name, f.alice(), nil).expect(t, name, 200, "").JSON(t)["name"]; got != name {
			t.Errorf("schema %s: name got %v", name, got)
		}
	}
	f.do("GET", "/v2/schemas/nothing", f.alice(), nil).expect(t, "unknown schema", 404, "")
	f.do("GET", "/v2/nothing", f.alice(), nil).expect(t, "unknown path", 404, "")
}
