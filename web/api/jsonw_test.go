package api

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// The hand-written JSON must escape strings exactly as encoding/json does:
// clients parse it, and a name is user input.
func TestJSONStringsEscapeLikeEncodingJSON(t *testing.T) {
	strs := []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rreturn", "\x00\x01\x1f control \b \f",
		"<script>alert(1)</script> & more", "日本語 ünïcödé", "line\u2028sep\u2029para", "bad \xff\xfe utf-8", "\xe2\x82",
	}
	// Every byte that needs escaping (or is the edge of those that do not)
	// at every place of short and longer strings, before other text.
	for _, c := range []byte("\"\\<>&\x00\x1f\x7f\x80\xff") {
		for n := 1; n <= 19; n++ {
			for at := range n {
				v := []byte("abcdefgh-ABCDEFGH-0123"[:n])
				v[at] = c
				strs = append(strs, string(v), string(v)+"日本", "\u2028"+string(v))
			}
		}
	}
	for _, s := range strs {
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
		w.intText("t", -5368709120)
	})
	var got map[string]any
	if err := json.Unmarshal(w.b, &got); err != nil {
		t.Fatalf("%s: %v", w.b, err)
	}
	want := `{"a":"x","list":[{"n":1},{"n":null,"b":true}],"empty":[],"s":null,"t":"-5368709120"}`
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

// BenchmarkWriteImages writes a page of a thousand images as the Glance
// list does (the writer alone: no database, no HTTP).
func BenchmarkWriteImages(b *testing.B) {
	created := time.Date(2026, 11, 30, 9, 8, 7, 0, time.UTC)
	rows := make([]sharing.ImageView, 1000)
	for i := range rows {
		rows[i] = sharing.ImageView{Image: domain.Image{
			ID: fmt.Sprintf("00000000-0000-4000-a000-%012d", i), ProjectID: "3065cc75a4417e6af82c16c9a6f65a2f",
			Name: fmt.Sprintf("bench-image-%06d", i), Type: domain.TypeSystem, OS: "Ubuntu 22.04", SizeGB: 40, MinDiskGB: 40,
			Status: domain.StatusActive, OriginKind: domain.OriginServer, CreatedAt: created, UpdatedAt: created,
		}, ShareStatus: domain.MemberPending, OwnerAccountName: "owner"}
	}
	w := &jsonw{}
	b.ReportAllocs()
	for b.Loop() {
		w.b, w.comma = w.b[:0], false
		w.array(func() {
			for _, v := range rows {
				writeImage(w, v, glanceImage)
			}
		})
	}
	b.SetBytes(int64(len(w.b)))
}

// Every test of the package writes its bodies with key's check on: a name
// that needs escaping written through key fails the test that writes it.
func init() { checkNames = true }

// An extra property's name is data: it is escaped like a value, and the
// body stays valid JSON whatever it holds.
func TestImagePropertyNamesAreEscaped(t *testing.T) {
	name := "a\"b\\c<d>\u2028\x01"
	props, err := json.Marshal(map[string]string{name: `v"1`})
	if err != nil {
		t.Fatal(err)
	}
	v := sharing.ImageView{Image: domain.Image{ID: "i", Properties: string(props)}}
	if got := sharing.ImageProperties(v.Image); got[name] != `v"1` {
		t.Fatalf("the test's property did not parse: %q", got)
	}
	w := &jsonw{}
	writeImage(w, v, glanceImage)
	var got map[string]any
	if err := json.Unmarshal(w.b, &got); err != nil {
		t.Fatalf("%s: %v", w.b, err)
	}
	if got[name] != `v"1` || got["self"] != "/v2/images/i" || got["file"] != "/v2/images/i/file" {
		t.Errorf("property %q = %v, self %v, file %v", name, got[name], got["self"], got["file"])
	}
}

// key refuses, in tests, a name that would need escaping.
func TestKeyRefusesANameThatNeedsEscaping(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("key wrote a name with a quote as it is")
		}
	}()
	(&jsonw{}).key(`a"b`)
}

// __image_size is the image's size in bytes as text: its data's size, or
// its size in GB for an image made without data; null while a registered
// image waits for its data. Glance's size is the number, and IMS bodies
// leave it null (the SDK reads it as an int32).
func TestImageSizesAsGlanceAndIMSShowThem(t *testing.T) {
	for _, c := range []struct {
		name      string
		im        domain.Image
		d         imageDialect
		text, num any
	}{
		{"with data", domain.Image{ID: "a", DataKey: "k", SizeBytes: 5368709121, SizeGB: 6}, glanceImage, "5368709121", 5368709121.0},
		{"from a server", domain.Image{ID: "b", OriginKind: domain.OriginServer, SizeGB: 40}, glanceImage, "42949672960", 42949672960.0},
		{"registered, no data yet", domain.Image{ID: "c", OriginKind: domain.OriginRegistered}, glanceImage, nil, nil},
		{"IMS, with data", domain.Image{ID: "d", DataKey: "k", SizeBytes: 7}, imsImage, "7", nil},
	} {
		w := &jsonw{}
		writeImage(w, sharing.ImageView{Image: c.im, Owned: true}, c.d)
		var got map[string]any
		if err := json.Unmarshal(w.b, &got); err != nil {
			t.Fatalf("%s: %s: %v", c.name, w.b, err)
		}
		if got["__image_size"] != c.text || got["size"] != c.num {
			t.Errorf("%s: __image_size %#v, size %#v; want %#v, %#v", c.name, got["__image_size"], got["size"], c.text, c.num)
		}
	}
}
