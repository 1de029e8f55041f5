package web

import (
	"math/rand/v2"
	"testing"
	"time"
)

// fmtTime writes its digits itself; it must read as time.Format does, in
// UTC, for any time: every field at its edges, other zones, and years that
// do not fit four digits (which it leaves to time.Format).
func TestFmtTimeIsFormat(t *testing.T) {
	east := time.FixedZone("east", 8*3600+30*60)
	times := []time.Time{
		time.Date(2026, 1, 2, 3, 46, 39, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2026, 12, 31, 23, 59, 59, 0, east),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-5, 6, 7, 8, 9, 10, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10_000 {
		times = append(times, time.Unix(r.Int64N(400_000_000_000)-62_000_000_000, r.Int64N(1e9)).In(east))
	}
	for _, tm := range times {
		if got, want := fmtTime(tm), tm.UTC().Format(timeLayout); got != want {
			t.Fatalf("fmtTime(%v) = %q, want %q", tm, got, want)
		}
	}
	if got := fmtTime(time.Time{}); got != "-" {
		t.Errorf("fmtTime(zero) = %q, want -", got)
	}
}
