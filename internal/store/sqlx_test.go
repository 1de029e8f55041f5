package store

import (
	"strconv"
	"testing"
	"time"
)

// parseTime reads the times both databases write, and refuses the rest.
func TestParseTimeReadsBothDatabasesFormats(t *testing.T) {
	want := time.Date(2026, 11, 30, 9, 8, 7, 123456000, time.UTC)
	for _, s := range []string{
		"2026-11-30 09:08:07.123456+00:00",    // SQLite, as the driver writes it
		"2026-11-30 09:08:07.123456000+00:00", // nine digits
		"2026-11-30T09:08:07.123456Z",
		"2026-11-30 09:08:07.123456+00",    // PostgreSQL
		"2026-11-30 14:38:07.123456+05:30", // PostgreSQL in another zone
		"2026-11-30 01:08:07.123456-08",
		"2026-11-30 09:08:07.123456+00:00:00",
	} {
		got, err := parseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: got %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := parseTime("0001-01-01 00:00:00+00:00"); err != nil || !got.IsZero() {
		t.Errorf("the zero time: got %v, %v", got, err)
	}
	for _, s := range []string{"", "2026-11-30", "2026-11-30 09:08:07.+00:00", "2026-11-30 09:08:07+5", "2026-11-30 09:o8:07", "2026-11-30 09:08:07.1234567890Z", "2026-11-30 09:08:07+05.30"} {
		if _, err := parseTime(s); err == nil {
			t.Errorf("%q: read as a time", s)
		}
	}
}

// A packed row reads back what was packed, whatever the text holds.
func TestUnpackReadsAnyText(t *testing.T) {
	var packed string
	for _, v := range []string{"", "a:b:c", "12:x", "ünï\x00cödé", "3"} {
		packed += strconv.Itoa(len(v)) + ":" + v
	}
	u := &unpacked{s: packed}
	for _, want := range []string{"", "a:b:c", "12:x", "ünï\x00cödé"} {
		if got := u.str(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if n := u.int(); n != 3 || u.err != nil {
		t.Errorf("int: %d, %v", n, u.err)
	}
	u.str() // past the end
	if u.err == nil {
		t.Error("reading past the end is not an error")
	}
}
