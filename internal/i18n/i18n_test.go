package i18n

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// verb matches a fmt verb, with its explicit argument index if any.
var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*[\d.]*([a-zA-Z%])`)

// args maps each argument a format uses to its verb: "1:s 2:d".
func args(format string) string {
	var out []string
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[3] == "%" {
			continue
		}
		n := next
		if m[2] != "" {
			fmt.Sscan(m[2], &n)
		}
		out = append(out, fmt.Sprintf("%d:%s", n, m[3]))
		next = n + 1
	}
	sortStrings(out)
	return strings.Join(out, " ")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestEveryMessageHasBothLanguages: a key without its Chinese or English
// text, or whose translation takes other arguments than the English, fails.
func TestEveryMessageHasBothLanguages(t *testing.T) {
	for _, k := range Keys() {
		en, zh := Texts(k)
		if strings.TrimSpace(en) == "" || strings.TrimSpace(zh) == "" {
			t.Errorf("%s: en %q, zh %q: both languages are needed", k, en, zh)
			continue
		}
		if a, b := args(en), args(zh); a != b {
			t.Errorf("%s: the English takes %q, the Chinese %q", k, a, b)
		}
		if base, ok := strings.CutSuffix(k, ".one"); ok && !Has(base) {
			t.Errorf("%s: a singular without its plural %s", k, base)
		}
	}
}

func TestTextRendersInTheLanguage(t *testing.T) {
	if got := Text(ZhCN, "err.image_not_ready", Term("status.saving")); !strings.Contains(got, "创建中") {
		t.Errorf("a term argument is rendered in the message's language: got %q", got)
	}
	if got := Text(En, "err.image_not_ready", Term("status.saving")); !strings.Contains(got, "it is Saving") {
		t.Errorf("English: got %q", got)
	}
	if got := Text(ZhCN, "err.quota", 50, "cn-north-4"); got != "您的账号在 cn-north-4 已有 50 个私有镜像，已达上限。请先删除不再需要的镜像。" {
		t.Errorf("reordered arguments: got %q", got)
	}
	if got := Text(En, "No such key %d.", 3); got != "No such key 3." {
		t.Errorf("a text that is no key is an English format: got %q", got)
	}
	if got, want := Count(En, "count.images", 1), "1 image"; got != want {
		t.Errorf("Count one: got %q, want %q", got, want)
	}
	if got, want := Count(En, "count.images", 12345), "12,345 images"; got != want {
		t.Errorf("Count many: got %q, want %q", got, want)
	}
	if got, want := Count(ZhCN, "count.images", 1), "1 个镜像"; got != want {
		t.Errorf("Count zh: got %q, want %q", got, want)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]Lang{
		"":                             En,
		"zh-CN,zh;q=0.9,en;q=0.8":      ZhCN,
		"en-US,en;q=0.9,zh-CN;q=0.8":   En,
		"fr-FR, zh-TW;q=0.7, en;q=0.5": ZhCN,
		"de":                           En,
		"zh;q=0, en":                   En,
	} {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("Accept-Language %q: got %s, want %s", header, got, want)
		}
	}
}

// sprintf, the shortcut Text takes for plain formats, must give exactly
// what fmt.Sprintf gives whenever it answers, and must answer for the
// plain formats (else the shortcut would be dead and the pages slow): for
// every message of the catalogue in both languages, with string and int
// arguments in every combination its verbs could be given, and for formats
// at the edges.
func TestSprintfIsFmtSprintf(t *testing.T) {
	formats := []string{"", "%", "%%", "100%%", "%s", "%d", "%s%", "%s %d", "a%sb%dc", "%q", "%5s", "%[1]s", "%v",
		"%s and %s", "中文%s文本", "%s\x00%d"}
	for _, e := range catalogue {
		formats = append(formats, e[0], e[1])
	}
	values := [][]any{{}, {"x"}, {7}, {"a<b", -12}, {3, "y"}, {"s", "t", "u"}, {1, 2, 3}, {"镜像", 0}, {int64(5)}, {nil}}
	answered := 0
	for _, f := range formats {
		for _, a := range values {
			got, ok := sprintf(f, a)
			if !ok {
				continue
			}
			answered++
			if want := fmt.Sprintf(f, a...); got != want {
				t.Errorf("sprintf(%q, %v) = %q, fmt.Sprintf gives %q", f, a, got, want)
			}
		}
	}
	for f, a := range map[string][]any{"%s": {"x"}, "%d of %d": {1, 2}, "%s is %d%%": {"x", 5}, "none": {}} {
		if _, ok := sprintf(f, a); !ok {
			t.Errorf("sprintf(%q, %v) declined a plain format", f, a)
		}
	}
	if answered < len(catalogue)/2 {
		t.Errorf("sprintf answered only %d times for %d messages", answered, len(catalogue))
	}
}
