package views

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

// hostile is text that breaks out of an attribute or an element, or opens
// a script, wherever it is written unescaped.
const hostile = `x"' ><script>alert(1)</script>&amp;<b>`

// rowPage renders messages and URLs with their arguments inside, so that
// hostile arguments reach the markup through them too.
func rowPage(url string) Page {
	return Page{
		T: func(key string, args ...any) string { return key + ":" + fmt.Sprint(args...) },
		URL: func(name string, params ...any) string {
			if url != "" {
				return url
			}
			return "/" + name + "/" + fmt.Sprint(params...)
		},
	}
}

// parseRow renders a row inside a table and parses it as a browser does.
func parseRow(t *testing.T, c templ.Component) *goquery.Selection {
	t.Helper()
	var b strings.Builder
	b.WriteString("<table><tbody>")
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	b.WriteString("</tbody></table>")
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find("script, b").Length(); n != 0 {
		t.Fatalf("hostile text became %d elements: %s", n, b.String())
	}
	tr := doc.Find("tbody > tr")
	if tr.Length() != 1 {
		t.Fatalf("%d rows, want 1: %s", tr.Length(), b.String())
	}
	return tr
}

// wantAttr checks that the first element sel finds has attribute name with
// the value exactly.
func wantAttr(t *testing.T, s *goquery.Selection, sel, name, want string) {
	t.Helper()
	got, ok := s.Find(sel).AddBack().Filter(sel).First().Attr(name)
	if !ok || got != want {
		t.Errorf("%s[%s] = %q (present %v), want %q", sel, name, got, ok, want)
	}
}

func wantText(t *testing.T, s *goquery.Selection, sel, want string) {
	t.Helper()
	if got := s.Find(sel).First().Text(); got != want {
		t.Errorf("%s text = %q, want %q", sel, got, want)
	}
}

// The list rows are written in Go for speed (rows.go); they must escape as
// templ does. A browser's parser, given hostile values in every field,
// finds each value back exactly where it was put, and no element that a
// value opened.
func TestRowsEscapeEverything(t *testing.T) {
	acts := []Action{{Of: "img-" + hostile, Name: "share", Class: hostile, Label: hostile, Href: "/share?x=" + hostile},
		{Of: "img-" + hostile, Name: "delete", Class: "act-delete", Label: hostile, Why: hostile, Code: hostile}}
	img := ImageRow{ID: hostile, Name: hostile, Description: hostile, Type: hostile, OS: hostile, Size: hostile,
		Status: "saving", StatusLabel: hostile, Progress: 42, Encrypted: true, Recipients: 3, Accepted: 1, AcceptedMax: 128,
		Created: hostile, Actions: acts}
	tr := parseRow(t, ImageTableRow(rowPage(""), img))
	for _, a := range []string{"id", "data-image-id", "data-name", "hx-get"} {
		want := map[string]string{"id": "img-" + hostile, "hx-get": "/image.row/" + hostile}[a]
		if want == "" {
			want = hostile
		}
		wantAttr(t, tr, "tr", a, want)
	}
	wantAttr(t, tr, "input.row-check", "value", hostile)
	wantAttr(t, tr, "input.row-check", "aria-label", "table.select:"+hostile)
	if _, disabled := tr.Find("input.row-check").Attr("disabled"); !disabled {
		t.Error("a row that cannot be selected has an enabled check box")
	}
	wantAttr(t, tr, "a.image-link", "href", "/image/"+hostile)
	wantText(t, tr, "a.image-link", hostile)
	wantText(t, tr, "td.name .sub", hostile)
	wantText(t, tr, "code.copy-value", hostile)
	wantAttr(t, tr, "code.copy-value", "id", "id-"+hostile)
	wantAttr(t, tr, "button.copy-btn", "aria-label", "copy.label:image.id_of:"+hostile)
	wantText(t, tr, "td:nth-child(4)", hostile)
	wantText(t, tr, "td:nth-child(5)", hostile)
	wantText(t, tr, "td:nth-child(6)", hostile)
	wantAttr(t, tr, "progress", "value", "42")
	wantText(t, tr, "td.time", hostile)
	wantAttr(t, tr, "td.ops a", "id", "img-"+hostile+"-share")
	wantAttr(t, tr, "td.ops a", "class", "act "+hostile)
	wantAttr(t, tr, "td.ops a", "href", "/share?x="+hostile)
	wantText(t, tr, "td.ops a", hostile)
	wantAttr(t, tr, "td.ops details", "data-code", hostile)
	wantText(t, tr, "td.ops .why", hostile)

	// An uploading image's label, and a status as a class.
	img.Status, img.Uploading = hostile, true
	tr = parseRow(t, ImageTableRow(rowPage(""), img))
	wantText(t, tr, "progress", hostile)
	img.Uploading = false
	tr = parseRow(t, ImageTableRow(rowPage(""), img))
	wantAttr(t, tr, "span.status", "class", "status status-"+hostile)
	wantText(t, tr, "span.status", hostile)

	shared := SharedRow{ID: hostile, Name: hostile, OwnerAccount: hostile, Type: hostile, OS: hostile, Size: hostile,
		Status: hostile, StatusLabel: hostile, SharedAt: hostile, Actions: acts}
	tr = parseRow(t, sharedRow(rowPage(""), shared))
	wantAttr(t, tr, "tr", "id", "shared-"+hostile)
	wantAttr(t, tr, "tr", "data-name", hostile)
	wantAttr(t, tr, "input.row-check", "value", hostile)
	wantText(t, tr, "a.image-link", hostile)
	wantText(t, tr, "td.owner", hostile)
	wantAttr(t, tr, "span.status", "class", "status member-"+hostile)
	wantText(t, tr, "td.time", hostile)
	wantText(t, tr, "td.ops a", hostile)

	// A link that is not one is written as templ writes a URL that failed
	// its sanitizer, in both rows.
	for _, c := range []templ.Component{ImageTableRow(rowPage("javascript:alert(1)"), img), sharedRow(rowPage("javascript:alert(1)"), shared)} {
		wantAttr(t, parseRow(t, c), "a.image-link", "href", "about:invalid#TemplFailedSanitizationURL")
	}
}

// bytesOnly is a writer without WriteString.
type bytesOnly struct{ b []byte }

func (w *bytesOnly) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// A row written to a writer that takes only bytes is the same row.
func TestRowsWriteToAnyWriter(t *testing.T) {
	img := ImageRow{ID: "i1", Name: hostile, Status: "active", StatusLabel: "Normal", Created: "2026-01-02 03:46:39",
		Actions: []Action{{Of: "img-i1", Name: "share", Label: "Share", Href: "/share"}}}
	var s strings.Builder
	var b bytesOnly
	for _, w := range []io.Writer{&s, &b} {
		if err := ImageTableRow(rowPage(""), img).Render(context.Background(), w); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() == 0 || string(b.b) != s.String() {
		t.Errorf("written to a bytes-only writer:\n%s\nto a string writer:\n%s", b.b, s.String())
	}
}
