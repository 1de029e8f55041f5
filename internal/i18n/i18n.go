// Package i18n is ImageShare's one message catalogue: every sentence the
// console shows and every message of the services, in Simplified Chinese
// and English. What crosses a package boundary is a key with its
// arguments (domain.Error carries them); each edge renders it in its
// reader's language: the console in the user's, the API in English.
// It imports nothing of the project.
package i18n

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Lang is a language of the console.
type Lang string

// The languages.
const (
	En   Lang = "en"
	ZhCN Lang = "zh-CN"
)

// Langs lists the languages in the order the console offers them.
var Langs = []Lang{ZhCN, En}

// Name is the language's name in itself, for the switch.
func (l Lang) Name() string {
	if l == ZhCN {
		return "中文"
	}
	return "English"
}

func (l Lang) index() int {
	if l == ZhCN {
		return 1
	}
	return 0
}

// Parse reads a language code; ok is false for one the console does not have.
func Parse(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "en-us", "en-gb":
		return En, true
	case "zh", "zh-cn", "zh-hans", "zh-hans-cn":
		return ZhCN, true
	}
	return En, false
}

// FromAcceptLanguage picks the language an Accept-Language header prefers
// among the console's (English when it names none of them): any Chinese
// reads Simplified Chinese, any English English.
func FromAcceptLanguage(header string) Lang {
	best, bestQ := En, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		var l Lang
		switch base {
		case "zh":
			l = ZhCN
		case "en":
			l = En
		default:
			continue
		}
		if q > bestQ && q > 0 {
			best, bestQ = l, q
		}
	}
	return best
}

// Term is an argument that is itself a message key (an image type, a
// status): it is rendered in the language of the message around it.
type Term string

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// Text renders a message in a language: the catalogue's text of key with
// args (fmt verbs; a translation may reorder them with %[n]s). A key the
// catalogue lacks is taken as an English format itself, so that messages
// no reader of another language sees (the command line's, the API's own)
// need no entry.
func Text(l Lang, key string, args ...any) string {
	format := key
	if e, ok := catalogue[key]; ok {
		format = e[l.index()]
		if format == "" {
			format = e[0]
		}
	}
	if len(args) == 0 {
		return format
	}
	cloned := false
	for i, a := range args {
		if t, ok := a.(Term); ok {
			if !cloned { // args is the caller's
				args, cloned = slices.Clone(args), true
			}
			args[i] = Text(l, string(t))
		}
	}
	if s, ok := sprintf(format, args); ok {
		return s
	}
	return fmt.Sprintf(format, args...)
}

// sprintf is fmt.Sprintf for the formats most messages are made of: %s of
// a string, %d of an int and %%, in order, each argument used once. It
// gives exactly what fmt.Sprintf gives, without its reflection; ok is
// false for anything else (a width, %q, %[n]s, another type, a count that
// does not match), which the caller hands to fmt. A page of a long list
// renders a few such messages for every row.
func sprintf(format string, args []any) (string, bool) {
	var b strings.Builder
	b.Grow(len(format) + 16*len(args))
	n := 0
	for i := 0; i < len(format); i++ {
		if j := strings.IndexByte(format[i:], '%'); j != 0 { // the text up to the next verb, in one piece
			if j < 0 {
				b.WriteString(format[i:])
				break
			}
			b.WriteString(format[i : i+j])
			i += j
		}
		if i+1 == len(format) {
			return "", false
		}
		i++
		if format[i] == '%' {
			b.WriteByte('%')
			continue
		}
		if n == len(args) {
			return "", false
		}
		switch v := args[n].(type) {
		case string:
			if format[i] != 's' {
				return "", false
			}
			b.WriteString(v)
		case int:
			if format[i] != 'd' {
				return "", false
			}
			var digits [20]byte
			b.Write(strconv.AppendInt(digits[:0], int64(v), 10))
		default:
			return "", false
		}
		n++
	}
	return b.String(), n == len(args)
}

// Count renders a message about n things: key+".one" for one where the
// language has a singular (English), else key. n is its first argument,
// written with thousands separators.
func Count(l Lang, key string, n int, args ...any) string {
	if n == 1 && l == En && Has(key+".one") {
		key += ".one"
	}
	return Text(l, key, append([]any{Number(n)}, args...)...)
}

// Number writes n with thousands separators: 12,345.
func Number(n int) string {
	digits := strconv.Itoa(n)
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Keys lists every key of the catalogue, sorted (tests).
func Keys() []string {
	out := make([]string, 0, len(catalogue))
	for k := range catalogue {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Texts returns a key's English and Chinese texts (tests).
func Texts(key string) (en, zh string) {
	e := catalogue[key]
	return e[0], e[1]
}
