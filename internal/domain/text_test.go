package domain

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		name, in  string
		multiline bool
		ok        bool
	}{
		{"plain", "ubuntu-22.04-web", false, true},
		{"unicode letters", "镜像-Ünïcode", false, true},
		{"newline in a description", "line one\nline two", true, true},
		{"newline in a name", "line one\nline two", false, false},
		{"NUL", "a\x00b", true, false},
		{"invalid UTF-8", "a\xffb", false, false},
		{"bell", "a\ab", true, false},
		{"C1 control", "a\u0085b", true, false},
		{"right-to-left override", "invoice\u202Egpj.exe", false, false},
		{"left-to-right isolate", "a\u2066b", false, false},
		{"zero-width space", "ubuntu\u200B-22.04", false, false},
		{"zero-width joiner", "a\u200Db", false, false},
		{"byte order mark", "\uFEFFubuntu", false, false},
		{"too long", strings.Repeat("x", 129), false, false},
		{"at the limit", strings.Repeat("é", 128), false, true},
	} {
		err := CheckText("name", c.in, 128, c.multiline)
		if (err == nil) != c.ok {
			t.Errorf("%s: CheckText(%q) = %v, want ok=%v", c.name, c.in, err, c.ok)
		}
		if err != nil {
			e := AsError(err)
			if e.Kind != KindInvalid || e.Subject != "name" || len(e.Message) > 200 {
				t.Errorf("%s: error %+v, want an invalid-input error about name with a short message", c.name, e)
			}
		}
	}
	// The message never repeats the value.
	long := strings.Repeat("A", 100_000)
	if err := CheckText("name", long, 128, false); strings.Contains(err.Error(), "AAAA") {
		t.Errorf("the error repeats the value: %.200s", err)
	}
}
