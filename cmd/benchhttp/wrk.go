package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// result is one measurement.
type result struct {
	RPS      float64       // requests (or, for jobs, image-shares) per second
	P50, P99 time.Duration // latency percentiles (zero for jobs)
	Errors   int           // failed requests: connection errors, non-2xx/3xx answers, failed jobs
	Requests int
	Unit     string // "req/s" or "shares/s"
}

// doneScript makes wrk print its summary as one JSON line.
const doneScript = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCHJSON {\"requests\":%d,\"duration_us\":%d,\"errors\":%d,\"p50_us\":%d,\"p99_us\":%d}\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(99)))
end
`

// threadScript gives each wrk thread its number (tid) for request scripts
// that must not repeat each other's requests.
const threadScript = `
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
`

// runWrk drives url with wrk and the given Lua script (headers, requests).
func runWrk(o options, d time.Duration, dir, url, script string) (result, error) {
	f, err := os.CreateTemp(dir, "case-*.lua")
	if err != nil {
		return result{}, err
	}
	if _, err := f.WriteString(script + doneScript); err != nil {
		return result{}, err
	}
	f.Close()
	cmd := exec.Command("wrk", fmt.Sprintf("-t%d", o.threads), fmt.Sprintf("-c%d", o.connections),
		fmt.Sprintf("-d%ds", max(1, int(d.Seconds()))), "--timeout", "10s", "-s", f.Name(), url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if js, ok := strings.CutPrefix(line, "BENCHJSON "); ok {
			var s struct {
				Requests   int     `json:"requests"`
				DurationUS float64 `json:"duration_us"`
				Errors     int     `json:"errors"`
				P50US      int64   `json:"p50_us"`
				P99US      int64   `json:"p99_us"`
			}
			if err := json.Unmarshal([]byte(js), &s); err != nil {
				return result{}, err
			}
			return result{RPS: float64(s.Requests) / (s.DurationUS / 1e6), P50: time.Duration(s.P50US) * time.Microsecond,
				P99: time.Duration(s.P99US) * time.Microsecond, Errors: s.Errors, Requests: s.Requests, Unit: "req/s"}, nil
		}
	}
	return result{}, fmt.Errorf("wrk printed no summary: %s", out)
}

// luaList is a Lua table constructor of strings.
func luaList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "{" + strings.Join(q, ",") + "}"
}

// headersScript sets fixed request headers.
func headersScript(h map[string]string) string {
	var b strings.Builder
	for k, v := range h {
		fmt.Fprintf(&b, "wrk.headers[%q] = %q\n", k, v)
	}
	return b.String()
}
