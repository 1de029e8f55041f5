package store

import (
	"database/sql"
	"path/filepath"
	"reflect"
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

// A packed row reads back what was packed, whatever the text holds: SQLite
// packs it (concat_ws, length-prefixed free text) and the reader splits it.
func TestPackedRowsReadBackAnyText(t *testing.T) {
	db, err := sql.Open(sqliteDriver, sqliteDSN(filepath.Join(t.TempDir(), "pack.db"), "deferred"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	texts := []string{"", "a:b:c", "12:x", "ünï\x1fcödé", "\x1f", "\x1f\x1f3\x1f", "3", "x\x1f"}
	r := pack(txt("?1"), key("?2"), val("?3"), txt("?4"), val("NULL"), key("NULL"), txt("NULL"), txt("?4"))
	for _, a := range texts {
		for _, b := range texts {
			var s string
			if err := db.QueryRow("SELECT "+r.packed, a, "id-1", 42, b).Scan(&s); err != nil {
				t.Fatal(err)
			}
			u := &unpacked{s: s, free: r.free}
			got := []any{u.str(), u.str(), u.int(), u.str(), u.int(), u.str(), u.str(), u.str()}
			want := []any{a, "id-1", 42, b, 0, "", "", b}
			if u.err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("packed %q: read %q (%v), want %q", s, got, u.err, want)
			}
			if u.str(); u.err == nil {
				t.Errorf("packed %q: reading past the end is not an error", s)
			}
		}
	}
}

// A packed row that does not have the columns described is an error, not
// a misread: a separator in a key column, a column missing, a bad length.
func TestUnpackRefusesMalformedRows(t *testing.T) {
	r := pack(key("a"), txt("b"), key("c"))
	for _, s := range []string{
		"x\x1fy\x1f1\x1fz\x1fw", // a separator inside a key: one column too many
		"x\x1f1\x1fz",           // the last column missing
		"x\x1f9\x1fz\x1fw",      // a length past the end
		"x\x1f-1\x1fz\x1fw",     // a negative length
		"x\x1fq\x1fz\x1fw",      // no length
		"x\x1f1\x1fzz\x1fw",     // the text longer than its length
	} {
		u := &unpacked{s: s, free: r.free}
		u.str()
		u.str()
		u.str()
		if u.err == nil {
			t.Errorf("%q: read without an error", s)
		}
	}
}
