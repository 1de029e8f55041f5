package api

import (
	"encoding/json"
	"testing"
	"time"
)

// The hand-written JSON must escape strings exactly as encoding/json does:
// clients parse it, and a name is user input.
func TestJSONStringsEscapeLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rreturn", "\x00\x01\x1f control \b \f",
		"<script>alert(1)</script> & more", "日本語 ünïcödé", "line\u2028sep\u2029para", "bad \xff\xfe utf-8", "\xe2\x82",
	} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

// FuzzJSONStrings holds the same for any string.
func FuzzJSONStrings(f *testing.F) {
	f.Add("a\"b\\c<d>&e\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}

// A body written by jsonw is valid JSON with the structure asked for.
func TestJSONWriterNesting(t *testing.T) {
	w := &jsonw{}
	w.object(func() {
		w.str("a", "x")
		w.key("list")
		w.array(func() {
			w.object(func() { w.int("n", 1) })
			w.object(func() { w.null("n"); w.bool("b", true) })
		})
		w.key("empty")
		w.array(func() {})
		w.strOrNull("s", "")
	})
	var got map[string]any
	if err := json.Unmarshal(w.b, &got); err != nil {
		t.Fatalf("%s: %v", w.b, err)
	}
	want := `{"a":"x","list":[{"n":1},{"n":null,"b":true}],"empty":[],"s":null}`
	if string(w.b) != want {
		t.Errorf("got %s, want %s", w.b, want)
	}
}

// Glance's times are written as time.Format writes them.
func TestGlanceTimesFormatLikeTheLayout(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 11, 30, 9, 8, 7, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.FixedZone("x", 3600)),
	} {
		if got, want := string(appendGlanceTime(nil, tm.UTC())), tm.UTC().Format(glanceTime); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}
