// Package datastream serves and receives image data over HTTP for the API
// and the console alike: request and response bodies of any size, which
// the server's whole-request deadlines would cut off, kept alive instead
// by an idle deadline that moves while data flows.
package datastream

import (
	"io"
	"mime"
	"net/http"
	"time"
)

// Idle is how long a transfer may stall before its connection is closed.
const Idle = 2 * time.Minute

// Body returns body (the request's, or a part of it) read with the
// server's read deadline lifted: each read moves it Idle ahead, so that an
// upload of any length lives as long as it moves, and a stalled one ends.
func Body(w http.ResponseWriter, body io.Reader) io.Reader {
	rc := http.NewResponseController(w)
	// Writing the answer comes after the whole upload.
	_ = rc.SetWriteDeadline(time.Time{})
	return &idleReader{r: body, rc: rc}
}

type idleReader struct {
	r     io.Reader
	rc    *http.ResponseController
	moved time.Time
}

func (b *idleReader) Read(p []byte) (int, error) {
	// A deadline costs a timer reset: move it a few times per Idle, not
	// on every read.
	if now := time.Now(); now.Sub(b.moved) > Idle/8 {
		_ = b.rc.SetReadDeadline(now.Add(Idle)) // not every writer has one (tests)
		b.moved = now
	}
	return b.r.Read(p)
}

// idleWriter moves the write deadline as the answer is written.
type idleWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	moved time.Time
}

func (w *idleWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(w.moved) > Idle/8 {
		_ = w.rc.SetWriteDeadline(now.Add(Idle))
		w.moved = now
	}
	return w.ResponseWriter.Write(p)
}

func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Serve answers r with obj (seekable, so that a Range request reads only
// what it asks for): 200 with the whole data, or 206 with the
// ranges asked for (http.ServeContent: Range, If-Range against the ETag,
// HEAD), as application/octet-stream. md5 is the data's MD5 in hex: the
// ETag, and Content-MD5 of a whole answer (what Glance clients verify).
// A filename makes the answer a download of that name.
func Serve(w http.ResponseWriter, r *http.Request, obj io.ReadSeeker, md5 string, modified time.Time, filename string) {
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	if md5 != "" {
		h.Set("ETag", `"`+md5+`"`)
		if r.Header.Get("Range") == "" {
			h.Set("Content-MD5", md5)
		}
	}
	if filename != "" {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	http.ServeContent(&idleWriter{ResponseWriter: w, rc: rc}, r, "", modified, obj)
}
