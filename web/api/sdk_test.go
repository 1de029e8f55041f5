package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	ims "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2/model"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/world"
)

// sdkUser is a demo user with an access key, and the cloud SDK's IMS client
// signing with it.
type sdkUser struct {
	ak, sk, project string
	p               identity.Principal
	c               *ims.ImsClient
}

// sdkClient builds the IMS client exactly as a user of the cloud's Go SDK
// does: basic credentials (AK, SK, project ID) and the server's endpoint.
func sdkClient(endpoint, ak, sk, projectID string) *ims.ImsClient {
	cred := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(projectID).Build()
	return ims.NewImsClient(ims.ImsClientBuilder().WithEndpoints([]string{endpoint}).WithCredential(cred).Build())
}

// sdkUserOf creates an access key for a demo user (as My Credentials does)
// and a client acting in one of its projects.
func (f *fixture) sdkUserOf(endpoint, account, user, projectID string) sdkUser {
	f.t.Helper()
	ctx := context.Background()
	p, err := f.id.UserPrincipal(ctx, account, user)
	if err != nil {
		f.t.Fatal(err)
	}
	k, sk, err := f.id.CreateAccessKey(ctx, p, "console")
	if err != nil {
		f.t.Fatal(err)
	}
	return sdkUser{ak: k.ID, sk: sk, project: projectID, p: p, c: sdkClient(endpoint, k.ID, sk, projectID)}
}

// sdkError returns the SDK's ServiceResponseError (nil when err is not one).
func sdkError(err error) *sdkerr.ServiceResponseError {
	var se *sdkerr.ServiceResponseError
	if errors.As(err, &se) {
		return se
	}
	return nil
}

// wantSDKError fails unless err is the SDK's ServiceResponseError with the
// HTTP status and the IMS code.
func wantSDKError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	se := sdkError(err)
	if se == nil {
		t.Fatalf("%s: got %v (%T), want a ServiceResponseError %d %s", what, err, err, status, code)
	}
	if se.StatusCode != status || se.ErrorCode != code {
		t.Fatalf("%s: got %d %s (%s), want %d %s", what, se.StatusCode, se.ErrorCode, se.ErrorMessage, status, code)
	}
}

func str(s string) *string { return &s }
func i32(n int32) *int32   { return &n }

// waitJob follows a job with ShowJob on the project path until it ends.
func (f *fixture) waitJob(u sdkUser, jobID *string) *model.ShowJobResponse {
	f.t.Helper()
	if jobID == nil || *jobID == "" {
		f.t.Fatal("no job ID")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := u.c.ShowJob(&model.ShowJobRequest{JobId: *jobID})
		if err != nil {
			f.t.Fatalf("ShowJob %s: %v", *jobID, err)
		}
		if s := j.Status.Value(); s == "SUCCESS" || s == "FAIL" {
			return j
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("job %s did not finish", *jobID)
		}
		f.work()
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSDKSeedFlow drives the real server on 127.0.0.1 with the cloud's own
// Go SDK (services/ims/v2), two tenants through the seed's whole flow.
func TestSDKSeedFlow(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := f.server()
	alice := f.sdkUserOf(srv.URL, "acme", "alice", aliceProject)
	bob := f.sdkUserOf(srv.URL, "bravo", "bob", bobProject)

	// The owner finds its image.
	list, err := alice.c.ListImages(&model.ListImagesRequest{
		Imagetype: ptrTo(model.GetListImagesRequestImagetypeEnum().PRIVATE), Name: str("ubuntu-22.04-web"), Limit: i32(10)})
	if err != nil {
		t.Fatalf("ListImages: %v", err)
	}
	if list.Images == nil || len(*list.Images) != 1 {
		t.Fatalf("ListImages found %v, want ubuntu-22.04-web", list.Images)
	}
	img := (*list.Images)[0]
	if img.Name != "ubuntu-22.04-web" || img.Owner != aliceProject || img.Imagetype.Value() != "private" || img.Status.Value() != "active" {
		t.Errorf("image %s owner %s type %s status %s", img.Name, img.Owner, img.Imagetype.Value(), img.Status.Value())
	}
	id := img.Id

	// It shares it in a batch and waits on the job.
	add, err := alice.c.BatchAddMembers(&model.BatchAddMembersRequest{Body: &model.BatchAddMembersRequestBody{Images: []string{id}, Projects: []string{bobProject}}})
	if err != nil {
		t.Fatalf("BatchAddMembers: %v", err)
	}
	// Results are compact (issue 8): only failed items are listed, and
	// the SDK reads an empty list; every item is counted in entities.counts,
	// which the SDK's model does not know, so the test reads it raw.
	job := f.waitJob(alice, add.JobId)
	if job.Status.Value() != "SUCCESS" || job.Entities == nil || job.Entities.Results == nil || len(*job.Entities.Results) != 0 {
		t.Fatalf("share job: %+v", job)
	}
	ents, _ := f.do("GET", "/v1/"+aliceProject+"/jobs/"+*add.JobId, f.alice(), nil).expect(t, "share job", http.StatusOK, "").JSON(t)["entities"].(map[string]any)
	counts, _ := ents["counts"].(map[string]any)
	if outcomes, _ := counts["outcomes"].(map[string]any); counts["success"] != 1.0 || counts["failed"] != 0.0 || outcomes["added"] != 1.0 {
		t.Errorf("share job entities %v, want one success, added", ents)
	}
	progress, err := alice.c.ShowJobProgress(&model.ShowJobProgressRequest{JobId: *add.JobId})
	if err != nil || progress.Status.Value() != "SUCCESS" || *progress.JobType != domain.JobAddMembers {
		t.Errorf("ShowJobProgress: %+v, %v", progress, err)
	}

	// The recipient lists it pending, accepts, reads it.
	pending, err := bob.c.ListImages(&model.ListImagesRequest{
		Imagetype: ptrTo(model.GetListImagesRequestImagetypeEnum().SHARED), MemberStatus: ptrTo(model.GetListImagesRequestMemberStatusEnum().PENDING)})
	if err != nil {
		t.Fatalf("recipient ListImages pending: %v", err)
	}
	if !slices.ContainsFunc(*pending.Images, func(i model.ImageInfo) bool { return i.Id == id && i.Imagetype.Value() == "shared" }) {
		t.Fatalf("bob's pending images %v do not include %s", pending.Images, id)
	}
	upd, err := bob.c.BatchUpdateMembers(&model.BatchUpdateMembersRequest{Body: &model.BatchUpdateMembersRequestBody{
		Images: []string{id}, ProjectId: bobProject, Status: model.GetBatchUpdateMembersRequestBodyStatusEnum().ACCEPTED}})
	if err != nil {
		t.Fatalf("BatchUpdateMembers: %v", err)
	}
	if j := f.waitJob(bob, upd.JobId); j.Status.Value() != "SUCCESS" {
		t.Fatalf("accept job: %s %v", j.Status.Value(), j.FailReason)
	}
	shown, err := bob.c.GlanceShowImage(&model.GlanceShowImageRequest{ImageId: id})
	if err != nil || *shown.Id != id || *shown.Visibility != model.GetGlanceShowImageResponseVisibilityEnum().SHARED {
		t.Fatalf("recipient GlanceShowImage: %+v, %v", shown, err)
	}

	// The owner lists members, reads the quota, renames the image.
	members, err := alice.c.ListImageMembers(&model.ListImageMembersRequest{ImageId: id})
	if err != nil || members.Members == nil || len(*members.Members) != 1 || (*members.Members)[0].Status != "accepted" || (*members.Members)[0].MemberId != bobProject {
		t.Fatalf("ListImageMembers: %+v, %v", members, err)
	}
	member, err := alice.c.ShowImageMember(&model.ShowImageMemberRequest{ImageId: id, MemberId: bobProject})
	if err != nil || *member.Status != "accepted" || *member.MemberType != "project" {
		t.Fatalf("ShowImageMember: %+v, %v", member, err)
	}
	quota, err := alice.c.ShowImageQuota(&model.ShowImageQuotaRequest{})
	if err != nil || quota.Quotas == nil {
		t.Fatalf("ShowImageQuota: %v", err)
	}
	used := map[string]int32{}
	for _, r := range quota.Quotas.Resources {
		used[r.Type] = r.Used
	}
	if used["image_member"] != 1 || used["image"] < 1 {
		t.Errorf("quota: %+v, want one accepted member and some images", quota.Quotas.Resources)
	}
	renamed, err := alice.c.UpdateImage(&model.UpdateImageRequest{ImageId: id, Body: &[]model.UpdateImageRequestBody{
		{Op: model.GetUpdateImageRequestBodyOpEnum().REPLACE, Path: "/name", Value: "ubuntu-22.04-web-v2"},
		{Op: model.GetUpdateImageRequestBodyOpEnum().REPLACE, Path: "/min_disk", Value: "50"}}})
	if err != nil || *renamed.Name != "ubuntu-22.04-web-v2" || *renamed.MinDisk != 50 {
		t.Fatalf("UpdateImage: %+v, %v", renamed, err)
	}
	if seen, err := bob.c.GlanceShowImage(&model.GlanceShowImageRequest{ImageId: id}); err != nil || *seen.Name != "ubuntu-22.04-web-v2" {
		t.Errorf("recipient sees the new name: %v, %v", seen, err)
	}

	// It stops sharing; the recipient then gets 404.
	del, err := alice.c.BatchDeleteMembers(&model.BatchDeleteMembersRequest{Body: &model.BatchAddMembersRequestBody{Images: []string{id}, Projects: []string{bobProject}}})
	if err != nil {
		t.Fatalf("BatchDeleteMembers: %v", err)
	}
	if j := f.waitJob(alice, del.JobId); j.Status.Value() != "SUCCESS" {
		t.Fatalf("stop sharing job: %s", j.Status.Value())
	}
	_, err = bob.c.GlanceShowImage(&model.GlanceShowImageRequest{ImageId: id})
	wantSDKError(t, "recipient reads the image after stop sharing", err, http.StatusNotFound, domain.CodeImageNotFound)
	_, err = bob.c.ShowImageMember(&model.ShowImageMemberRequest{ImageId: id, MemberId: bobProject})
	wantSDKError(t, "recipient reads its membership after stop sharing", err, http.StatusNotFound, domain.CodeImageNotFound)
}

func ptrTo[T any](v T) *T { return &v }

// TestSDKRefusalsCarryIMSCodes: the rules' refusals reach the SDK as
// ServiceResponseError with the IMS code in ErrorCode, and in the job's
// error_code for the batch calls.
func TestSDKRefusalsCarryIMSCodes(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := f.server()
	alice := f.sdkUserOf(srv.URL, "acme", "alice", aliceProject)
	bob := f.sdkUserOf(srv.URL, "bravo", "bob", bobProject)
	ctx := context.Background()
	web := f.imageID(f.alice(), "ubuntu-22.04-web")
	owner := sharing.Actor{AccountID: world.AccountID("acme"), UserName: "alice", ProjectID: aliceProject}
	if _, err := f.sh.Share(ctx, owner, []string{web}, []string{bobProject}); err != nil {
		t.Fatal(err)
	}

	// A recipient's share attempt (S04).
	_, err := bob.c.GlanceAddImageMember(&model.GlanceAddImageMemberRequest{ImageId: web, Body: &model.GlanceAddImageMemberRequestBody{Member: erinProject}})
	wantSDKError(t, "recipient shares on", err, http.StatusForbidden, domain.CodeOwnerOnly)
	add, err := bob.c.BatchAddMembers(&model.BatchAddMembersRequest{Body: &model.BatchAddMembersRequestBody{Images: []string{web}, Projects: []string{erinProject}}})
	if err != nil {
		t.Fatal(err)
	}
	if j := f.waitJob(bob, add.JobId); j.Status.Value() != "FAIL" || *j.ErrorCode != domain.CodeOwnerOnly {
		t.Errorf("recipient's batch share: %s %v, want FAIL %s", j.Status.Value(), j.ErrorCode, domain.CodeOwnerOnly)
	}

	// An encrypted image (S03).
	secure := f.imageID(f.alice(), "secure-euleros")
	_, err = alice.c.GlanceAddImageMember(&model.GlanceAddImageMemberRequest{ImageId: secure, Body: &model.GlanceAddImageMemberRequestBody{Member: bobProject}})
	wantSDKError(t, "share an encrypted image", err, http.StatusForbidden, domain.CodeEncrypted)

	// A full-ECS image's 11th accept (S09): ten other projects accepted it.
	erp := f.imageID(f.alice(), "erp-full-ecs")
	extra := f.w.AddProjects(t, "acme", "cn-north-4", 10)
	if _, err := f.sh.Share(ctx, owner, []string{erp}, append(slices.Clone(extra), bobProject)); err != nil {
		t.Fatal(err)
	}
	for _, p := range extra {
		if err := f.sh.Accept(ctx, sharing.Actor{AccountID: world.AccountID("acme"), UserName: "alice", ProjectID: p}, []string{erp}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = bob.c.GlanceUpdateImageMember(&model.GlanceUpdateImageMemberRequest{ImageId: erp, MemberId: bobProject,
		Body: &model.GlanceUpdateImageMemberRequestBody{Status: model.GetGlanceUpdateImageMemberRequestBodyStatusEnum().ACCEPTED}})
	wantSDKError(t, "11th accept of a full-ECS image", err, http.StatusRequestEntityTooLarge, domain.CodeMemberLimit)
	upd, err := bob.c.BatchUpdateMembers(&model.BatchUpdateMembersRequest{Body: &model.BatchUpdateMembersRequestBody{
		Images: []string{erp}, ProjectId: bobProject, Status: model.GetBatchUpdateMembersRequestBodyStatusEnum().ACCEPTED}})
	if err != nil {
		t.Fatal(err)
	}
	if j := f.waitJob(bob, upd.JobId); j.Status.Value() != "FAIL" || *j.ErrorCode != domain.CodeMemberLimit {
		t.Errorf("11th accept by batch: %s %v, want FAIL %s", j.Status.Value(), j.ErrorCode, domain.CodeMemberLimit)
	}

	// A recipient renaming the owner's image (S01), and a stranger (404).
	_, err = bob.c.UpdateImage(&model.UpdateImageRequest{ImageId: web, Body: &[]model.UpdateImageRequestBody{
		{Op: model.GetUpdateImageRequestBodyOpEnum().REPLACE, Path: "/name", Value: "mine"}}})
	wantSDKError(t, "recipient renames", err, http.StatusBadRequest, domain.CodeOwnerOnly)
	carol := f.sdkUserOf(srv.URL, "globex", "carol", carolProject)
	_, err = carol.c.UpdateImage(&model.UpdateImageRequest{ImageId: web, Body: &[]model.UpdateImageRequestBody{
		{Op: model.GetUpdateImageRequestBodyOpEnum().REPLACE, Path: "/name", Value: "mine"}}})
	wantSDKError(t, "stranger renames", err, http.StatusNotFound, domain.CodeImageNotFound)
}

// TestSDKAuthenticationRefusals: a wrong SK, a replayed request with an
// old date, a disabled key and another account's project are refused; a
// token still works beside access keys.
func TestSDKAuthenticationRefusals(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := f.server()
	alice := f.sdkUserOf(srv.URL, "acme", "alice", aliceProject)
	list := func(c *ims.ImsClient, date string) error {
		req := &model.ListImagesRequest{Limit: i32(1)}
		if date != "" {
			req.XSdkDate = &date // the SDK signs with the date it is given
		}
		_, err := c.ListImages(req)
		return err
	}
	if err := list(alice.c, ""); err != nil {
		t.Fatalf("good key: %v", err)
	}
	wrong := sdkClient(srv.URL, alice.ak, "0123456789012345678901234567890123456789", aliceProject)
	wantSDKError(t, "wrong SK", list(wrong, ""), http.StatusUnauthorized, domain.CodeUnauthorized)
	old := time.Now().UTC().Add(-20 * time.Minute).Format(identity.SdkDateFormat)
	wantSDKError(t, "old date", list(alice.c, old), http.StatusUnauthorized, domain.CodeUnauthorized)
	other := sdkClient(srv.URL, alice.ak, alice.sk, bobProject)
	wantSDKError(t, "another account's project", list(other, ""), http.StatusForbidden, "IMG.0403")
	if err := f.id.SetAccessKeyEnabled(context.Background(), alice.p, alice.ak, false, "console"); err != nil {
		t.Fatal(err)
	}
	wantSDKError(t, "disabled key", list(alice.c, ""), http.StatusUnauthorized, domain.CodeUnauthorized)
	// Tokens keep working.
	f.do("GET", "/v2/cloudimages?limit=1", f.alice(), nil).expect(t, "token", http.StatusOK, "")
	// A signed body is read whole to check the signature, within the bound
	// of every JSON body.
	huge := `{"images": ["` + strings.Repeat("a", 2<<20) + `"]}`
	f.do("POST", "/v1/cloudimages/members", "", huge, header{"Authorization": "SDK-HMAC-SHA256 Access=" + alice.ak + ", SignedHeaders=x-sdk-date, Signature=00"}).
		expect(t, "a signed 2 MiB body", http.StatusRequestEntityTooLarge, "")
}

// TestSDKCreatesAndCopiesImages: CreateImage (from a server and from a
// disk), CreateWholeImage, CreateDataImage, CopyImageInRegion and
// CopyImageCrossRegion each return a job that ends when the new image is
// active, and the image is the caller's.
func TestSDKCreatesAndCopiesImages(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	srv := f.server()
	alice := f.sdkUserOf(srv.URL, "acme", "alice", aliceProject)
	ctx := context.Background()
	owner := sharing.Actor{AccountID: world.AccountID("acme"), UserName: "alice", ProjectID: aliceProject}
	serverPage, err := f.sh.Servers(ctx, owner, sharing.Page{})
	servers := serverPage.Rows
	if err != nil || len(servers) == 0 {
		t.Fatalf("alice's servers: %v %v", servers, err)
	}
	diskPage, err := f.sh.Disks(ctx, owner, sharing.Page{})
	disks := diskPage.Rows
	if err != nil || len(disks) == 0 {
		t.Fatalf("alice's disks: %v %v", disks, err)
	}
	web := f.imageID(f.alice(), "ubuntu-22.04-web")

	type made struct {
		name  string
		jobID *string
		err   error
		want  domain.ImageType
	}
	var jobs []made
	r1, err := alice.c.CreateImage(&model.CreateImageRequest{Body: &model.CreateImageRequestBody{Name: str("from-server"), InstanceId: &servers[0].ID}})
	jobs = append(jobs, made{"from-server", jobIDOf(r1), err, domain.TypeSystem})
	r2, err := alice.c.CreateImage(&model.CreateImageRequest{Body: &model.CreateImageRequestBody{Name: str("from-disk"), VolumeId: &disks[0].ID}})
	jobs = append(jobs, made{"from-disk", jobIDOf(r2), err, domain.TypeData})
	r3, err := alice.c.CreateWholeImage(&model.CreateWholeImageRequest{Body: &model.CreateWholeImageRequestBody{Name: "whole", InstanceId: servers[0].ID}})
	jobs = append(jobs, made{"whole", jobIDOf(r3), err, domain.TypeFullECS})
	r4, err := alice.c.CreateDataImage(&model.CreateDataImageRequest{Body: &model.CreateDataImageRequestBody{Name: "data-file", ImageUrl: "bucket:data.qcow2", MinDisk: 60}})
	jobs = append(jobs, made{"data-file", jobIDOf(r4), err, domain.TypeData})
	r5, err := alice.c.CopyImageInRegion(&model.CopyImageInRegionRequest{ImageId: web, Body: &model.CopyImageInRegionRequestBody{Name: "copy-here"}})
	jobs = append(jobs, made{"copy-here", jobIDOf(r5), err, domain.TypeSystem})
	for _, m := range jobs {
		if m.err != nil {
			t.Fatalf("%s: %v", m.name, m.err)
		}
		if j := f.waitJob(alice, m.jobID); j.Status.Value() != "SUCCESS" || j.Entities == nil || j.Entities.ImageId == nil {
			t.Fatalf("%s: job %s %v", m.name, j.Status.Value(), j.FailReason)
		} else if v, err := f.sh.Image(ctx, owner, *j.Entities.ImageId); err != nil || v.Name != m.name || v.Type != m.want || v.Status != domain.StatusActive {
			t.Errorf("%s: image %q type %s status %s (%v), want it active, of type %s", m.name, v.Name, v.Type, v.Status, err, m.want)
		}
	}
	// Across regions, into the project the SDK names.
	cross, err := alice.c.CopyImageCrossRegion(&model.CopyImageCrossRegionRequest{ImageId: web, Body: &model.CopyImageCrossRegionRequestBody{
		Name: "east", Region: "cn-east-3", ProjectName: "cn-east-3", AgencyName: "ims_admin_agency"}})
	if err != nil {
		t.Fatalf("CopyImageCrossRegion: %v", err)
	}
	if j := f.waitJob(alice, cross.JobId); j.Status.Value() != "SUCCESS" {
		t.Fatalf("cross-region job: %s %v", j.Status.Value(), j.FailReason)
	}
	east := sharing.Actor{AccountID: owner.AccountID, UserName: "alice", ProjectID: world.ProjectID("acme", "cn-east-3")}
	rows, _, err := f.sh.ListImages(ctx, east, sharing.ImageQuery{Own: true, Name: "east"})
	if err != nil || len(rows) != 1 {
		t.Errorf("the copy in cn-east-3: %d rows, %v", len(rows), err)
	}
	// What cannot be made says what to give.
	_, err = alice.c.CreateImage(&model.CreateImageRequest{Body: &model.CreateImageRequestBody{Name: str("nothing")}})
	wantSDKError(t, "CreateImage from nothing", err, http.StatusBadRequest, domain.CodeInvalid)
}

// jobIDOf reads the job ID of any of the SDK's job responses.
func jobIDOf(resp any) *string {
	switch r := resp.(type) {
	case *model.CreateImageResponse:
		if r != nil {
			return r.JobId
		}
	case *model.CreateWholeImageResponse:
		if r != nil {
			return r.JobId
		}
	case *model.CreateDataImageResponse:
		if r != nil {
			return r.JobId
		}
	case *model.CopyImageInRegionResponse:
		if r != nil {
			return r.JobId
		}
	}
	return nil
}

// TestSDKSignatureFailuresAreThrottled: failed signatures count like
// failed logins, in the same throttling (per user at an address, issue 8);
// once the user is held back there even a good signature gets 429, and so
// does the user's password login from that address, while the password
// still works from another.
func TestSDKSignatureFailuresAreThrottled(t *testing.T) {
	f := newFixture(t, fixtureOpts{maxFails: 2})
	srv := f.server()
	alice := f.sdkUserOf(srv.URL, "acme", "alice", aliceProject)
	wrong := sdkClient(srv.URL, alice.ak, "0123456789012345678901234567890123456789", aliceProject)
	for range 2 {
		_, err := wrong.ShowImageQuota(&model.ShowImageQuotaRequest{})
		wantSDKError(t, "wrong SK", err, http.StatusUnauthorized, domain.CodeUnauthorized)
	}
	_, err := alice.c.ShowImageQuota(&model.ShowImageQuotaRequest{})
	wantSDKError(t, "good key while blocked", err, http.StatusTooManyRequests, domain.CodeUnauthorized)
	login, err := json.Marshal(passwordLogin("acme", "alice", demoPassword, byName("acme", "cn-north-4")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL+"/v3/auth/tokens", "application/json", bytes.NewReader(login))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("password login from the same address while blocked: %d, want 429", resp.StatusCode)
	}
	f.do("POST", "/v3/auth/tokens", "", passwordLogin("acme", "alice", demoPassword, byName("acme", "cn-north-4"))).
		expect(t, "password login from another address", http.StatusCreated, "")
}
