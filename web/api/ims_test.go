package api_test

import (
	"encoding/base64"
	"slices"
	"testing"
	"time"
)

// counts is a job's item counts: success, failed, skipped, and the
// successes by outcome as "outcome:added".
func counts(t *testing.T, job map[string]any) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	ents, _ := job["entities"].(map[string]any)
	c, _ := ents["counts"].(map[string]any)
	for k, v := range c {
		if k == "outcomes" {
			for o, n := range v.(map[string]any) {
				out["outcome:"+o] = n.(float64)
			}
			continue
		}
		out[k] = v.(float64)
	}
	return out
}

// results maps "image/member" to the status of each listed item of a job:
// the failed ones (the others are counted).
func results(t *testing.T, job map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	ents, _ := job["entities"].(map[string]any)
	list, _ := ents["results"].([]any)
	for _, x := range list {
		r := x.(map[string]any)
		out[r["image_id"].(string)+"/"+r["member_id"].(string)] = r["status"].(string)
	}
	return out
}

func jobID(t *testing.T, r response) string {
	t.Helper()
	id, _ := r.JSON(t)["job_id"].(string)
	if id == "" {
		t.Fatalf("no job_id in %s", r.Body)
	}
	return id
}

// The IMS batch member calls run as jobs (INIT → RUNNING → SUCCESS/FAIL)
// with per-item results, and act as the console does (S05, S13, S21).
func TestIMSBatchMembersJobs(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu, centos := f.imageID(f.alice(), "ubuntu-22.04-web"), f.imageID(f.alice(), "centos-7.9-base")

	r := f.do("POST", "/v1/cloudimages/members", f.alice(), map[string]any{"images": []string{ubuntu, centos}, "projects": []string{bobProject, erinProject}})
	job := f.job(f.alice(), jobID(t, r.expect(t, "batch add", 200, "")))
	if job["status"] != "SUCCESS" || job["job_type"] != "imsAddImageMembersJob" || job["begin_time"] == nil || job["end_time"] == nil {
		t.Fatalf("add job got %v, want a finished SUCCESS imsAddImageMembersJob", job)
	}
	if c := counts(t, job); c["success"] != 4 || c["outcome:added"] != 4 || c["failed"] != 0 || len(results(t, job)) != 0 {
		t.Errorf("add job counts %v and lines %v, want 4 added and no failed line", c, results(t, job))
	}
	// S08: sharing again is no error in IMS (unlike Glance's 409).
	again := f.job(f.alice(), jobID(t, f.do("POST", "/v1/cloudimages/members", f.alice(), map[string]any{"images": []string{ubuntu}, "projects": []string{bobProject}})))
	if again["status"] != "SUCCESS" {
		t.Errorf("S08 sharing again: job got %v, want SUCCESS", again)
	}

	// The recipient accepts both; the IMS shared list shows them.
	up := f.job(f.bob(), jobID(t, f.do("PUT", "/v1/cloudimages/members", f.bob(), map[string]any{"images": []string{ubuntu, centos}, "project_id": bobProject, "status": "accepted"})))
	if up["status"] != "SUCCESS" || up["job_type"] != "imsUpdateImageMembersJob" {
		t.Fatalf("accept job got %v, want SUCCESS imsUpdateImageMembersJob", up)
	}
	shared := "/v2/cloudimages?__imagetype=shared&visibility=shared&member_status=accepted"
	got := ids(f.do("GET", shared, f.bob(), nil).expect(t, "bob's shared images", 200, "").JSON(t)["images"])
	if !slices.Contains(got, ubuntu) || !slices.Contains(got, centos) {
		t.Errorf("accepted shared images got %v, want %s and %s", got, ubuntu, centos)
	}
	pending := ids(f.do("GET", "/v2/cloudimages?__imagetype=shared&visibility=shared&member_status=pending", f.erin(), nil).expect(t, "erin's pending", 200, "").JSON(t)["images"])
	if !slices.Contains(pending, ubuntu) {
		t.Errorf("erin's pending images got %v, want %s", pending, ubuntu)
	}
	private := ids(f.do("GET", "/v2/cloudimages?__imagetype=private", f.bob(), nil).expect(t, "bob's private images", 200, "").JSON(t)["images"])
	if slices.Contains(private, ubuntu) {
		t.Errorf("bob's private images got %v: a shared image is not his", private)
	}
	// The status filter: active lists them; deleted (an SDK enum value)
	// is an empty list, not an error; a status IMS does not know is 400.
	if active := ids(f.do("GET", shared+"&status=active", f.bob(), nil).expect(t, "active shared", 200, "").JSON(t)["images"]); !slices.Contains(active, ubuntu) {
		t.Errorf("status=active got %v, want %s in it", active, ubuntu)
	}
	if deleted := ids(f.do("GET", shared+"&status=deleted", f.bob(), nil).expect(t, "deleted shared", 200, "").JSON(t)["images"]); len(deleted) != 0 {
		t.Errorf("status=deleted got %v, want an empty list", deleted)
	}
	f.do("GET", shared+"&status=gone", f.bob(), nil).expect(t, "unknown status", 400, "IMG.0001")

	// S13: the owner deciding fails the job with IMG.0047.
	own := f.job(f.alice(), jobID(t, f.do("PUT", "/v1/cloudimages/members", f.alice(), map[string]any{"images": []string{ubuntu}, "project_id": aliceProject, "status": "accepted"})))
	if own["status"] != "FAIL" || own["error_code"] != "IMG.0047" {
		t.Errorf("S13 owner accepts: job got %v, want FAIL IMG.0047", own)
	}

	// S21: stop sharing; the image leaves the recipient's list.
	del := f.job(f.alice(), jobID(t, f.do("DELETE", "/v1/cloudimages/members", f.alice(), map[string]any{"images": []string{ubuntu}, "projects": []string{bobProject}})))
	if del["status"] != "SUCCESS" || counts(t, del)["success"] != 1 {
		t.Errorf("delete job got %v, want SUCCESS", del)
	}
	got = ids(f.do("GET", shared, f.bob(), nil).expect(t, "bob's shared images", 200, "").JSON(t)["images"])
	if slices.Contains(got, ubuntu) || !slices.Contains(got, centos) {
		t.Errorf("S21 after stop sharing: bob's images got %v, want %s only", got, centos)
	}
}

// S05: a batch is all or nothing; the job says which item failed and that
// the others were skipped (nothing applied).
func TestS05_IMSBatchIsAllOrNothing(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu, secure := f.imageID(f.alice(), "ubuntu-22.04-web"), f.imageID(f.alice(), "secure-euleros")
	job := f.job(f.alice(), jobID(t, f.do("POST", "/v1/cloudimages/members", f.alice(), map[string]any{"images": []string{ubuntu, secure}, "projects": []string{bobProject}})))
	if job["status"] != "FAIL" || job["error_code"] != "IMG.0098" || job["fail_reason"] == nil {
		t.Fatalf("S03 batch with an encrypted image: job got %v, want FAIL IMG.0098 with a reason", job)
	}
	res := results(t, job)
	if c := counts(t, job); len(res) != 1 || res[secure+"/"+bobProject] != "failed" || c["skipped"] != 1 || c["failed"] != 1 {
		t.Errorf("results got %v and counts %v, want the encrypted image failed (one line) and the other skipped", res, c)
	}
	f.do("GET", "/v2/images/"+ubuntu, f.bob(), nil).expect(t, "S05 nothing applied", 404, "")

	unknown := f.job(f.alice(), jobID(t, f.do("POST", "/v1/cloudimages/members", f.alice(), map[string]any{"images": []string{ubuntu}, "projects": []string{bobProject, "0123456789abcdef0123456789abcdef"}})))
	if unknown["status"] != "FAIL" || unknown["error_code"] != "IMG.0108" {
		t.Errorf("S06 unknown project: job got %v, want FAIL IMG.0108", unknown)
	}
}

func TestIMSBatchMembersBadRequests(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	for _, tc := range []struct {
		name, method string
		body         any
		status       int
		code         string
	}{
		{"no images", "POST", map[string]any{"projects": []string{bobProject}}, 400, "IMG.0001"},
		{"no recipients", "POST", map[string]any{"images": []string{ubuntu}}, 400, "IMG.0001"},
		{"not JSON", "POST", "{", 400, "IMG.0001"},
		{"S05 over 100 recipients", "POST", map[string]any{"images": []string{ubuntu}, "projects": manyIDs(101)}, 413, "IMG.0413"},
		{"another project's decision", "PUT", map[string]any{"images": []string{ubuntu}, "project_id": erinProject, "status": "accepted"}, 403, "IMG.0403"},
		{"bad status", "PUT", map[string]any{"images": []string{ubuntu}, "project_id": aliceProject, "status": "pending"}, 400, "IMG.0001"},
		{"delete without recipients", "DELETE", map[string]any{"images": []string{ubuntu}}, 400, "IMG.0001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.do(tc.method, "/v1/cloudimages/members", f.alice(), tc.body).expect(t, tc.name, tc.status, tc.code)
		})
	}
	// A job is its project's: another tenant cannot read it.
	id := jobID(t, f.do("POST", "/v1/cloudimages/members", f.alice(), map[string]any{"images": []string{ubuntu}, "projects": []string{bobProject}}))
	f.do("GET", "/v1/cloudimages/job/"+id, f.bob(), nil).expect(t, "bob reads alice's job", 404, "")
	f.do("GET", "/v1/cloudimages/job/nosuchjob", f.alice(), nil).expect(t, "unknown job", 404, "")
	f.job(f.alice(), id)
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = project("acme", "p"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	return out
}

// The IMS member list pages with a base64 marker; the URL's project must be
// the token's.
func TestIMSMemberListPaging(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	for _, p := range []string{bobProject, erinProject, carolProject} {
		f.do("POST", "/v2/images/"+ubuntu+"/members", f.alice(), map[string]string{"member": p}).expect(t, "share", 200, "")
	}
	base := "/v1/" + aliceProject + "/cloudimages/" + ubuntu + "/members"
	first := f.do("GET", base+"?limit=2", f.alice(), nil).expect(t, "page 1", 200, "").JSON(t)
	info := first["page_info"].(map[string]any)
	marker, _ := info["next_marker"].(string)
	if len(first["members"].([]any)) != 2 || info["current_count"] != 2.0 || marker == "" {
		t.Fatalf("page 1 got %v, want 2 members and a next_marker", first)
	}
	if _, err := base64.URLEncoding.DecodeString(marker); err != nil {
		t.Errorf("next_marker %q is not base64: %v", marker, err)
	}
	second := f.do("GET", base+"?limit=2&marker="+marker, f.alice(), nil).expect(t, "page 2", 200, "").JSON(t)
	if n := len(second["members"].([]any)); n != 1 || second["page_info"].(map[string]any)["next_marker"] != nil {
		t.Errorf("page 2 got %v, want 1 member and no next_marker", second)
	}
	var seen []string
	for _, page := range []map[string]any{first, second} {
		for _, m := range page["members"].([]any) {
			seen = append(seen, m.(map[string]any)["member_id"].(string))
		}
	}
	slices.Sort(seen)
	want := []string{bobProject, erinProject, carolProject}
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Errorf("members over both pages got %v, want %v", seen, want)
	}
	one := f.do("GET", base+"/"+erinProject, f.alice(), nil).expect(t, "one member", 200, "").JSON(t)
	if one["member_id"] != erinProject || one["status"] != "pending" || one["member_type"] != "project" {
		t.Errorf("member got %v, want erin's pending project membership", one)
	}
	f.do("GET", base+"?marker=***", f.alice(), nil).expect(t, "bad marker", 400, "IMG.0001")
	f.do("GET", "/v1/"+bobProject+"/cloudimages/"+ubuntu+"/members", f.alice(), nil).expect(t, "another project's URL", 403, "IMG.0403")
	f.do("GET", "/v1/"+aliceProject+"/cloudimages/"+ubuntu+"/members", f.bob(), nil).expect(t, "bob uses alice's project", 403, "")
	f.do("GET", "/v1/"+project("umbrella", "cn-north-4")+"/cloudimages/"+f.imageID(f.carol(), "globex-analytics")+"/members", f.erin(), nil).expect(t, "S01 erin lists carol's image", 404, "IMG.0027")
}

func TestIMSQuota(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	f.do("POST", "/v2/images/"+ubuntu+"/members", f.alice(), map[string]string{"member": bobProject}).expect(t, "share", 200, "")
	f.do("PUT", "/v2/images/"+ubuntu+"/members/"+bobProject, f.bob(), map[string]string{"status": "accepted"}).expect(t, "accept", 200, "")
	quota := func(token string) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, x := range f.do("GET", "/v1/cloudimages/quota", token, nil).expect(t, "quota", 200, "").JSON(t)["quotas"].(map[string]any)["resources"].([]any) {
			r := x.(map[string]any)
			out[r["type"].(string)] = r
		}
		return out
	}
	a := quota(f.alice())
	// S11: acme's images in cn-north-4, its dev project's included.
	if a["image"]["used"] != 6.0 || a["image"]["quota"] != 50.0 {
		t.Errorf("S11 alice's image quota got %v, want used 6 of 50", a["image"])
	}
	if a["image_member"]["used"] != 1.0 || a["image_member"]["quota"] != 128.0 {
		t.Errorf("S09 alice's image_member quota got %v, want used 1 of 128", a["image_member"])
	}
	b := quota(f.bob())
	if b["image"]["used"] != 0.0 || b["image_shared"]["used"] != 1.0 || b["image_shared"]["quota"] != -1.0 {
		t.Errorf("S11/S10 bob's quotas got %v, want no own images and 1 shared image without limit", b)
	}
}

// S16 and S23 through IMS: replication jobs end when the copy is saved.
func TestS16_S23_IMSCopyJobs(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ubuntu := f.imageID(f.alice(), "ubuntu-22.04-web")
	f.do("POST", "/v2/images/"+ubuntu+"/members", f.alice(), map[string]string{"member": bobProject}).expect(t, "share", 200, "")
	f.do("POST", "/v1/cloudimages/"+ubuntu+"/copy", f.bob(), map[string]string{"name": "bobs-copy"}).expect(t, "S16 copy before accepting", 400, "IMG.0196")
	f.do("PUT", "/v2/images/"+ubuntu+"/members/"+bobProject, f.bob(), map[string]string{"status": "accepted"}).expect(t, "accept", 200, "")

	id := jobID(t, f.do("POST", "/v1/cloudimages/"+ubuntu+"/copy", f.bob(), map[string]string{"name": "bobs-copy"}).expect(t, "S16 copy", 200, ""))
	running := f.do("GET", "/v1/cloudimages/job/"+id, f.bob(), nil).expect(t, "job", 200, "").JSON(t)
	if running["status"] != "RUNNING" {
		t.Errorf("copy job right away got %v, want RUNNING while the copy saves", running["status"])
	}
	time.Sleep(250 * time.Millisecond)
	done := f.job(f.bob(), id)
	copyID, _ := done["entities"].(map[string]any)["image_id"].(string)
	if done["status"] != "SUCCESS" || done["job_type"] != "imsCopyImageInRegionJob" || copyID == "" {
		t.Fatalf("copy job got %v, want SUCCESS with the new image_id", done)
	}
	cp := f.do("GET", "/v2/images/"+copyID, f.bob(), nil).expect(t, "the copy", 200, "").JSON(t)
	if cp["owner"] != bobProject || cp["name"] != "bobs-copy" || cp["status"] != "active" {
		t.Errorf("copy got owner %v, name %v, status %v; want %s, bobs-copy, active", cp["owner"], cp["name"], cp["status"], bobProject)
	}

	// S23: bob's own copy can go to another region; a shared image cannot.
	f.do("POST", "/v1/cloudimages/"+ubuntu+"/cross_region_copy", f.bob(), map[string]string{"region": "cn-east-3", "name": "x"}).expect(t, "S23 shared image across regions", 400, "IMG.0047")
	id = jobID(t, f.do("POST", "/v1/cloudimages/"+copyID+"/cross_region_copy", f.bob(), map[string]string{"region": "cn-east-3", "name": "east"}).expect(t, "S23 copy across", 200, ""))
	time.Sleep(250 * time.Millisecond)
	done = f.job(f.bob(), id)
	ents := done["entities"].(map[string]any)
	if done["status"] != "SUCCESS" || done["job_type"] != "imsCrossRegionCopyImageJob" || ents["region"] != "cn-east-3" || ents["project_id"] != project("bravo", "cn-east-3") {
		t.Errorf("cross-region job got %v, want SUCCESS into bravo's cn-east-3 project", done)
	}
	f.do("POST", "/v1/cloudimages/"+copyID+"/cross_region_copy", f.bob(), map[string]string{"region": "cn-east-3", "project_id": bobProject}).expect(t, "project of another region than region", 400, "IMG.0001")
	f.do("POST", "/v1/cloudimages/"+f.imageID(f.alice(), "secure-euleros")+"/cross_region_copy", f.alice(), map[string]string{"region": "cn-east-3"}).expect(t, "S23 encrypted", 400, "IMG.0181")
}
