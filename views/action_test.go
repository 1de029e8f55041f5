package views

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

func renderAction(t *testing.T, a Action) string {
	t.Helper()
	var b strings.Builder
	p := Page{T: func(key string, _ ...any) string { return "<" + key + ">" }}
	if err := action(p, a).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	inner, opened := strings.CutPrefix(b.String(), actionsOpen)
	inner, closed := strings.CutSuffix(inner, "</span>")
	if !opened || !closed {
		t.Fatalf("an action outside the holder that opens dialogs in place: %s", b.String())
	}
	return inner
}

// action is written in Go for speed; it must escape like templ does: every
// value escaped, every link sanitized, in each of its three forms.
func TestActionEscapesEverything(t *testing.T) {
	hostile := Action{Of: `x"><script>`, Name: `1</script>`, Class: `act-share" onclick="x`, Label: `<b>Share</b> & "more"`,
		Href: `/images/1/share?back=%2F&tab="stop"`, Why: `<img src=x onerror=alert(1)>`, Code: `IMS."0001"`}
	for _, c := range []struct {
		name string
		a    Action
		want string
	}{
		{"offered", hostile, `<a id="x&#34;&gt;&lt;script&gt;-1&lt;/script&gt;" class="act act-share&#34; onclick=&#34;x" ` +
			`href="/images/1/share?back=%2F&amp;tab=&#34;stop&#34;">&lt;b&gt;Share&lt;/b&gt; &amp; &#34;more&#34;</a>`},
		{"file", func(a Action) Action { a.File, a.Why = true, ""; return a }(hostile), `<a id="x&#34;&gt;&lt;script&gt;-1&lt;/script&gt;" ` +
			`class="act act-share&#34; onclick=&#34;x" href="/images/1/share?back=%2F&amp;tab=&#34;stop&#34;" hx-boost="false" download>` +
			`&lt;b&gt;Share&lt;/b&gt; &amp; &#34;more&#34;</a>`},
		{"refused", func(a Action) Action { a.Why = hostile.Why; return a }(hostile), `<details id="x&#34;&gt;&lt;script&gt;-1&lt;/script&gt;" ` +
			`class="act act-share&#34; onclick=&#34;x disabled" data-code="IMS.&#34;0001&#34;"><summary aria-describedby="x&#34;&gt;&lt;script&gt;-1&lt;/script&gt;-why">` +
			`&lt;b&gt;Share&lt;/b&gt; &amp; &#34;more&#34;<span class="sr-only">&lt;action.unavailable&gt;</span></summary>` +
			`<span class="why" id="x&#34;&gt;&lt;script&gt;-1&lt;/script&gt;-why" role="note">&lt;img src=x onerror=alert(1)&gt;</span></details>`},
	} {
		a := c.a
		if c.name == "offered" {
			a.Why = ""
		}
		if got := renderAction(t, a); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	// A link that is not one (javascript:, data:) is written as templ writes
	// a URL that failed its sanitizer.
	for _, href := range []string{"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>1</script>"} {
		for _, file := range []bool{false, true} {
			got := renderAction(t, Action{Of: "a", Name: "b", Class: "act-x", Label: "x", Href: href, File: file})
			if strings.Contains(strings.ToLower(got), "script:") || strings.Contains(got, "data:") || !strings.Contains(got, "about:invalid#TemplFailedSanitizationURL") {
				t.Errorf("href %q (file %v) written as %s", href, file, got)
			}
		}
	}
}

// copyable is written in Go too: the value, its ID and the translated
// words escaped, as templ wrote them.
func TestCopyableEscapesEverything(t *testing.T) {
	var b strings.Builder
	p := Page{T: func(key string, args ...any) string {
		if len(args) > 0 {
			return "<" + key + " " + args[0].(string) + ">"
		}
		return "<" + key + ">"
	}}
	if err := copyable(p, `id-"x"`, `urn:<b>&`, `"what"`).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	want := `<span class="copyable"><code class="mono copy-value" id="id-&#34;x&#34;">urn:&lt;b&gt;&amp;</code> ` +
		`<button type="button" class="copy-btn" data-copy="id-&#34;x&#34;" data-done="&lt;copy.done&gt;" hidden ` +
		`aria-label="&lt;copy.label &#34;what&#34;&gt;">&lt;copy&gt;</button></span>`
	if got := b.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// escape's shortcut for values with nothing to escape must give exactly
// what templ's escaping gives, for every byte and for values that hold a
// special byte anywhere (first, last, alone, among multi-byte text).
func TestEscapeIsTemplsEscaping(t *testing.T) {
	values := []string{"", "img-0099999", "Ubuntu 22.04 server 64bit", "镜像 名称", hostile, "a\x00b\x1fc\x7f"}
	for b := range 256 {
		c := string(rune(b))
		if b >= 0x80 {
			c = string([]byte{byte(b)}) // a lone byte, not valid UTF-8
		}
		values = append(values, c, "x"+c, c+"x", "镜像"+c+"名称")
	}
	for _, c := range `<>&'"` + "\x00\x80\xff=;" { // each place in a word and the tail, among other bytes
		for n := 1; n <= 19; n++ {
			for at := range n {
				v := []byte(strings.Repeat("aZ9-\x7f\x01镜", 3)[:n])
				v[at] = byte(c)
				values = append(values, string(v))
			}
		}
	}
	for _, v := range values {
		if got, want := escape(v), templ.EscapeString(v); got != want {
			t.Errorf("escape(%q) = %q, templ's escaping gives %q", v, got, want)
		}
	}
}

// FuzzEscape holds escape to templ's escaping for any value, with the
// special bytes many times over and anywhere after the first (go test
// runs the seeds; go test -fuzz FuzzEscape ./views looks further).
func FuzzEscape(f *testing.F) {
	for _, v := range []string{"", "/images/9f3c/share?back=%2Fimages&tab=stop", `It isn't "shared" <yet> & won't be`,
		hostile, "&&&&&&&&&&", "abcdefg&", "abcdefgh&'<>\"", "镜像'名称\"<>&", "\xff&\x00'"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := escape(v), templ.EscapeString(v); got != want {
			t.Errorf("escape(%q) = %q, templ's escaping gives %q", v, got, want)
		}
	})
}
