package domain

import (
	"unicode"
	"unicode/utf8"
)

// CheckText is the one validation of text a person or client types (names,
// descriptions, filters, login fields, token bodies): valid UTF-8, at most
// max characters, and none of the characters that corrupt storage or fool
// a reader — NUL and other control characters (tab and newline only where
// multiline is true), bidirectional overrides and isolates, and zero-width
// characters that make look-alike names. The error names the field and
// never repeats the value, which may be long or unprintable.
func CheckText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return ErrInvalid(field, "err.not_utf8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return ErrInvalid(field, "err.text_too_long", field, max, n)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if bad := forbiddenRune(r); bad != "" {
			return ErrInvalid(field, "err.text_bad_char", field, bad, r)
		}
	}
	return nil
}

// forbiddenRune names the class of a rune text must not contain, or "".
func forbiddenRune(r rune) string {
	switch {
	case r == 0:
		return "a NUL character"
	case unicode.IsControl(r):
		return "a control character"
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return "a bidirectional formatting character"
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF, r == 0x180E, r == 0x00AD:
		return "an invisible (zero-width) character"
	case r == utf8.RuneError:
		return "a replacement character"
	}
	return ""
}

// Clip shortens s to at most n characters, marking the cut with "…": what
// an error, a form refill or the trail keeps of a long input.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:max(n-1, 0)]) + "…"
}
