package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// report prints the results as a Markdown table: every case at the big
// size with its ratio to the ceiling, the small size's p50 next to it for
// the flatness of lists, and whether the target holds.
func report(w io.Writer, o options, kind string, runs []sizeRun) {
	big := runs[len(runs)-1]
	var small *sizeRun
	if len(runs) > 1 {
		small = &runs[0]
	}
	fmt.Fprintln(w, header(o, kind))
	for _, r := range runs {
		fmt.Fprintf(w, "seeded %d shares in %s; ceiling (bare Echo) %s req/s\n", r.size, r.seedTime.Round(time.Second), ceilingRange(r.ceilings))
	}
	fmt.Fprintln(w)
	cols := []string{"case", fmt.Sprintf("%s: rate", count(big.size)), "p50", "p99", "errors", "ratio to ceiling"}
	if small != nil {
		cols = append(cols, fmt.Sprintf("p50 at %s", count(small.size)), "p50 ratio")
	}
	cols = append(cols, "target", "met")
	fmt.Fprintln(w, "| "+strings.Join(cols, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(cols)))
	for i, name := range big.names {
		r, ceil := big.results[i], big.ceilings[i]
		c := caseNamed(name)
		ratio := r.RPS / ceil.RPS
		row := []string{name, fmt.Sprintf("%s %s", count(int(r.RPS+0.5)), r.Unit), dur(r.P50), dur(r.P99), fmt.Sprint(r.Errors), ratioText(r)}
		if r.Unit == "req/s" {
			row[5] = fmt.Sprintf("%.2f %%", 100*ratio)
		}
		flat := 0.0
		if small != nil {
			if j := indexOf(small.names, name); j >= 0 && small.results[j].P50 > 0 {
				flat = float64(r.P50) / float64(small.results[j].P50)
				row = append(row, dur(small.results[j].P50), fmt.Sprintf("%.2f×", flat))
			} else {
				row = append(row, "—", "—")
			}
		}
		met := r.Errors == 0
		t := c.target
		if t.minRatio > 0 && ratio < t.minRatio {
			met = false
		}
		if t.maxP99 > 0 && r.P99 > t.maxP99 {
			met = false
		}
		if t.minRate > 0 && r.RPS < t.minRate {
			met = false
		}
		if t.flat && small != nil && flat > 1.5 {
			met = false
		}
		verdict := map[bool]string{true: "yes", false: "**no**"}[met]
		if t == (target{}) { // a reference or a case issue 7 sets no target for
			verdict = "—"
		}
		row = append(row, t.String(), verdict)
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
}

func ratioText(r result) string {
	if r.Unit != "req/s" {
		return "—"
	}
	return ""
}

func ceilingRange(cs []result) string {
	if len(cs) == 0 {
		return "—"
	}
	lo, hi := cs[0].RPS, cs[0].RPS
	for _, c := range cs {
		lo, hi = min(lo, c.RPS), max(hi, c.RPS)
	}
	return fmt.Sprintf("%s–%s", count(int(lo)), count(int(hi)))
}

func caseNamed(name string) benchCase {
	for _, c := range cases {
		if c.name == name {
			return c
		}
	}
	return benchCase{}
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// count formats n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
