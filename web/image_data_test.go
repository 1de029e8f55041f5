package web_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"imageshare/internal/domain"
)

// multipartForm is an upload form: the fields in order, then the file.
func multipartForm(t *testing.T, fields [][2]string, fileField string, data []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, "disk.raw")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &buf
}

// upload posts an upload form to an image, with extra headers.
func (c *client) upload(imageID string, fields [][2]string, fileField string, data []byte, headers ...string) *response {
	c.t.Helper()
	ct, body := multipartForm(c.t, fields, fileField, data)
	req, _ := http.NewRequest(http.MethodPost, c.f.srv.URL+"/images/"+imageID+"/upload", body)
	req.Header.Set("Content-Type", ct)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// registered registers a queued image through the console's Create Image
// dialog (Upload Image File) and returns its ID, from the redirect to its
// upload dialog.
func (c *client) registered(name string) string {
	c.t.Helper()
	r := c.submit("/images/create", url.Values{"source": {"upload"}, "name": {name}, "disk_format": {"qcow2"}})
	loc := r.want(http.StatusSeeOther).header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/images/"), "/upload")
	if !strings.HasSuffix(loc, "/upload") || len(id) != 36 {
		c.t.Fatalf("after registering, redirect to %q, want an image's upload dialog", loc)
	}
	return id
}

// The console uploads an image file without JavaScript (a plain multipart
// form, the CSRF token first), shows the size and checksum, and downloads
// the data for the owner and accepted recipients (S01).
func TestConsoleUploadAndDownload(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	id := alice.registered("console-upload")
	page := alice.get("/images/" + id + "/upload").want(http.StatusOK)
	page.wantHas(`form#upload-form[enctype="multipart/form-data"] input[type=file][name=file]`)
	if first, _ := page.doc.Find("form#upload-form input").First().Attr("name"); first != "_csrf" {
		t.Errorf("the upload form's first field is %q, want _csrf (read before the file)", first)
	}
	list := alice.get("/images").want(http.StatusOK)
	list.wantText("#img-"+id+" .status", "Waiting for upload")
	list.wantHas("#img-" + id + " a.act-upload")
	if list.has("#img-" + id + " a.act-download") {
		t.Error("a queued image offers Download")
	}

	data := bytes.Repeat([]byte("console "), 400000) // 3.2 MB: over the 1 MiB limit of forms
	r := alice.upload(id, [][2]string{{"_csrf", alice.csrf}}, "file", data)
	if r.want(http.StatusSeeOther).header.Get("Location") != "/images" {
		t.Errorf("after the upload, redirect to %q", r.header.Get("Location"))
	}
	sum := md5.Sum(data)
	if flash := alice.follow(r).flash(); !strings.Contains(flash, hex.EncodeToString(sum[:])) {
		t.Errorf("flash %q, want the MD5", flash)
	}
	detail := alice.get("/images/" + id).want(http.StatusOK)
	detail.wantText("#image-checksum", hex.EncodeToString(sum[:]))
	detail.wantText("#image-data-size", "3,200,000 bytes")
	detail.wantText("#image-size", "3.1 MB")
	detail.wantHas("a.act-download")

	dl := alice.get("/images/" + id + "/download").want(http.StatusOK)
	if dl.body != string(data) || dl.header.Get("Content-MD5") != hex.EncodeToString(sum[:]) ||
		dl.header.Get("Content-Disposition") != `attachment; filename=console-upload.qcow2` {
		t.Errorf("download: %d bytes, Content-MD5 %q, Content-Disposition %q", len(dl.body), dl.header.Get("Content-MD5"), dl.header.Get("Content-Disposition"))
	}
	if part := alice.get("/images/"+id+"/download", "Range", "bytes=8-15").want(http.StatusPartialContent); part.body != "console " {
		t.Errorf("range: %q", part.body)
	}

	// S01: a recipient downloads once it accepted; anyone else learns nothing.
	bob := f.login("bravo", "bob")
	bob.get("/images/" + id + "/download").want(http.StatusNotFound)
	f.share(f.actor("acme", "cn-north-4"), id, f.actor("bravo", "cn-north-4").ProjectID)
	bob.get("/images/" + id + "/download").want(http.StatusForbidden)
	if err := f.sh.Accept(context.Background(), f.actor("bravo", "cn-north-4"), []string{id}); err != nil {
		t.Fatal(err)
	}
	bob.get("/shared").want(http.StatusOK).wantHas("#shared-" + id + " a.act-download")
	if got := bob.get("/images/" + id + "/download").want(http.StatusOK); got.body != string(data) {
		t.Errorf("bob downloads %d bytes, want %d", len(got.body), len(data))
	}
	bob.upload(id, [][2]string{{"_csrf", bob.csrf}}, "file", []byte("x")).want(http.StatusForbidden)
	f.login("globex", "carol").get("/images/" + id + "/download").want(http.StatusNotFound)
	// An image made without data has none to download.
	alice.get("/images/" + f.imageID("acme", "cn-north-4", "ubuntu-22.04-web") + "/download").want(http.StatusConflict)
}

// The streamed upload keeps the console's CSRF rules: the token as the
// form's first field or in the X-CSRF-Token header; none, a wrong one, one
// after the file or a cross-site request is refused and stores nothing.
func TestConsoleUploadCSRF(t *testing.T) {
	f := newFixture(t)
	alice := f.login("acme", "alice")
	id := alice.registered("csrf-upload")
	data := []byte("image data")
	for _, tc := range []struct {
		name    string
		fields  [][2]string
		headers []string
		status  int
	}{
		{"no token", nil, nil, http.StatusBadRequest},
		{"a wrong token", [][2]string{{"_csrf", "forged"}}, nil, http.StatusForbidden},
		{"a wrong header", nil, []string{"X-CSRF-Token", "forged"}, http.StatusForbidden},
		{"cross-site", [][2]string{{"_csrf", alice.csrf}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	} {
		if r := alice.upload(id, tc.fields, "file", data, tc.headers...); r.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, r.status, tc.status)
		}
	}
	// The token after the file comes too late: the file is never read unchecked.
	ct, body := multipartForm(t, nil, "file", data)
	raw := strings.Replace(body.String(), "--"+strings.TrimPrefix(ct, "multipart/form-data; boundary=")+"--",
		"--"+strings.TrimPrefix(ct, "multipart/form-data; boundary=")+"\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n"+alice.csrf+"\r\n--"+strings.TrimPrefix(ct, "multipart/form-data; boundary=")+"--", 1)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/images/"+id+"/upload", strings.NewReader(raw))
	req.Header.Set("Content-Type", ct)
	alice.do(req).want(http.StatusBadRequest)
	v, err := f.sh.Image(context.Background(), f.actor("acme", "cn-north-4"), id)
	if err != nil || v.Status != domain.StatusQueued || v.HasData() {
		t.Fatalf("after refused uploads: %s, data %v (%v); want queued without data", v.Status, v.HasData(), err)
	}
	// With JavaScript: the token in the header, answered as to htmx.
	r := alice.upload(id, [][2]string{{"_csrf", "ignored: the header was checked"}}, "file", data, "X-CSRF-Token", alice.csrf, "HX-Request", "true", "HX-Target", "dialog")
	if r.want(http.StatusNoContent).header.Get("HX-Location") != "/images" {
		t.Errorf("HX-Location %q, want /images", r.header.Get("HX-Location"))
	}
	// A refusal re-renders the dialog with the reason (the image has data now).
	r = alice.upload(id, [][2]string{{"_csrf", alice.csrf}}, "file", data, "HX-Request", "true", "HX-Target", "dialog")
	r.want(http.StatusConflict).wantHas("#upload-dialog #upload-reason")
	// No file chosen.
	other := alice.registered("no-file")
	alice.upload(other, [][2]string{{"_csrf", alice.csrf}}, "", nil).want(http.StatusUnprocessableEntity).wantHas("#upload-error")
}
