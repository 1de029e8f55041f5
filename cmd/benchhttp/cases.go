package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// target is what issue 7 asks of a case at the big size.
type target struct {
	minRatio float64       // of the ceiling (0: none)
	maxP99   time.Duration // (0: none)
	minRate  float64       // image-shares per second, for jobs (0: none)
	flat     bool          // a list: p50 at N at most 1.5 × p50 at the small size
}

func (t target) String() string {
	var parts []string
	if t.minRatio > 0 {
		parts = append(parts, fmt.Sprintf("≥ %g %%", t.minRatio*100))
	}
	if t.maxP99 > 0 {
		parts = append(parts, fmt.Sprintf("p99 ≤ %s", t.maxP99))
	}
	if t.minRate > 0 {
		parts = append(parts, fmt.Sprintf("≥ %.0f/s", t.minRate))
	}
	if t.flat {
		parts = append(parts, "flat")
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// benchCase is one thing a user does, measured.
type benchCase struct {
	name   string
	target target
	// wrk builds the Lua script and the URL for wrk; nil for a job case.
	wrk func(s *server, threads int) (url, script string)
	// jobs drives a batch case itself for about d.
	jobs func(ctx context.Context, s *server, d time.Duration) (result, error)
}

var (
	listTarget  = target{minRatio: 0.10, maxP99: 10 * time.Millisecond, flat: true}
	pageTarget  = target{minRatio: 0.05, flat: true}
	writeTarget = target{minRatio: 0.03, maxP99: 50 * time.Millisecond}
)

// get is a GET of one path with fixed headers.
func get(path string, headers func(s *server) map[string]string) func(*server, int) (string, string) {
	return func(s *server, _ int) (string, string) {
		return s.url + path, headersScript(headers(s))
	}
}

func ownerAPI(s *server) map[string]string {
	return map[string]string{"X-Auth-Token": s.ownerToken, "Accept": "application/json"}
}
func recAPI(s *server) map[string]string {
	return map[string]string{"X-Auth-Token": s.recToken, "Accept": "application/json"}
}
func ownerPage(s *server) map[string]string {
	return map[string]string{"Cookie": s.ownerCookies, "Accept": "text/html"}
}
func recPoll(s *server) map[string]string {
	return map[string]string{"Cookie": s.recCookies, "HX-Request": "true"}
}
func recPage(s *server) map[string]string {
	return map[string]string{"Cookie": s.recCookies, "Accept": "text/html"}
}

// sample returns up to n of the IDs, spread over all of them.
func sample(ids []string, n int) []string {
	if len(ids) <= n {
		return ids
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, ids[i*len(ids)/n])
	}
	return out
}

// cases are run in this order: the floor (see floor.go), reads, then the
// writes that change what later reads would see.
var cases = []benchCase{
	floorCase(1),
	floorCase(2),
	{name: "Glance shared images, member_status=all (25)", target: listTarget,
		wrk: get("/v2/images?visibility=shared&member_status=all", recAPI)},
	{name: "Glance shared images, accepted (default, 25)", target: listTarget,
		wrk: get("/v2/images?visibility=shared", recAPI)},
	{name: "Glance shared images, pending (25)", target: listTarget,
		wrk: get("/v2/images?visibility=shared&member_status=pending", recAPI)},
	{name: "Glance shared images, limit=1000", target: target{minRatio: 0.005, flat: true},
		wrk: get("/v2/images?visibility=shared&member_status=all&limit=1000", recAPI)},
	{name: "Glance one image", target: target{minRatio: 0.20},
		wrk: func(s *server, _ int) (string, string) {
			return s.url + "/v2/images", headersScript(recAPI(s)) + fmt.Sprintf(`
local ids = %s
local i = 0
function request()
  i = i + 1
  return wrk.format(nil, "/v2/images/" .. ids[(i %% #ids) + 1])
end
`, luaList(sample(s.world.ImageIDs, 2000)))
		}},
	{name: "Glance members of a 128-member image", target: target{minRatio: 0.05, flat: true},
		wrk: func(s *server, _ int) (string, string) {
			return s.url + "/v2/images/" + s.world.MembersImage + "/members", headersScript(ownerAPI(s))
		}},
	{name: "console Private Images (owner of N)", target: pageTarget, wrk: get("/images", ownerPage)},
	{name: "console Images Shared with Me (recipient of N)", target: pageTarget, wrk: get("/shared", recPage)},
	{name: "console Shared with Me, pending view", target: pageTarget, wrk: get("/shared?view=pending", recPage)},
	// The badge polls every 10 s from every open console page: a changed
	// count (known=0 here) is its dearest answer.
	{name: "console badge poll (recipient of N)", target: listTarget, wrk: get("/pending?known=0", recPoll)},
	{name: "Glance add a member (a new one each request)", target: writeTarget,
		wrk: func(s *server, threads int) (string, string) {
			return s.url + "/v2/images", headersScript(ownerAPI(s)) + threadScript + fmt.Sprintf(`
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local ids = %s
local pool = %s
local n = 0
function request()
  local k = n * %d + tid
  n = n + 1
  local img = ids[(k %% #ids) + 1]
  local member = pool[(math.floor(k / #ids) %% #pool) + 1]
  return wrk.format(nil, "/v2/images/" .. img .. "/members", nil, '{"member": "' .. member .. '"}')
end
`, luaList(sample(s.world.ImageIDs, 5000)), luaList(s.world.Pool[128:256]), threads)
		}},
	{name: "Glance recipient changes its member status", target: writeTarget,
		wrk: func(s *server, threads int) (string, string) {
			return s.url + "/v2/images", headersScript(recAPI(s)) + threadScript + fmt.Sprintf(`
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
local ids = %s
local me = %q
local statuses = {"accepted", "rejected"}
local n = 0
function request()
  local k = n * %d + tid
  n = n + 1
  local img = ids[(k %% #ids) + 1]
  local status = statuses[(math.floor(k / #ids) %% 2) + 1]
  return wrk.format(nil, "/v2/images/" .. img .. "/members/" .. me, nil, '{"status": "' .. status .. '"}')
end
`, luaList(sample(s.world.ImageIDs, 5000)), s.world.Recipient.ProjectID, threads)
		}},
	{name: "IMS batch share, jobs of 1,000 images × 1 project", target: target{minRate: 5000}, jobs: batchShare},
	{name: "IMS batch accept, jobs of 1,000 images", jobs: batchAccept},
	// Two users take turns: more than four logins of one user from one
	// address at once are held back as guessing (issue 8's throttling).
	{name: "Keystone token issue (bcrypt)", wrk: func(s *server, _ int) (string, string) {
		return s.url + "/v3/auth/tokens", fmt.Sprintf(`
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%q, %q}
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n %% 2) + 1])
end
`, tokenBody(s.world.Owner), tokenBody(s.world.Recipient))
	}},
}

// sizeRun is every case measured at one size.
type sizeRun struct {
	size     int
	seedTime time.Duration
	ceilings []result // the ceiling of each case: the mean of a run right before and one right after it
	results  []result
	names    []string
}

// runSize seeds a world of n shares, starts the server on it and runs the cases.
func runSize(ctx context.Context, o options, dbs *databases, work, ceiling string, n int) (sizeRun, error) {
	run := sizeRun{size: n}
	dir := filepath.Join(work, fmt.Sprintf("world-%d", n))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return run, err
	}
	dsn, err := dbs.new(n)
	if err != nil {
		return run, err
	}
	fmt.Fprintf(os.Stderr, "seeding %d shares…\n", n)
	start := time.Now()
	w, err := seed(ctx, dsn, n)
	if err != nil {
		return run, fmt.Errorf("seed: %w", err)
	}
	run.seedTime = time.Since(start)
	s, err := startServer(o.bin, dsn, dir, w, n)
	if err != nil {
		return run, err
	}
	defer s.stop()
	floor, floorDB, err := startFloor(dsn)
	if err != nil {
		return run, fmt.Errorf("floor: %w", err)
	}
	defer floorDB.Close()
	defer floor.Close()
	s.floor = floor.URL
	for _, c := range cases {
		if !o.cases.MatchString(c.name) {
			continue
		}
		ceil, err := runWrk(o, o.ceilingDur, dir, ceiling+"/", "")
		if err != nil {
			return run, err
		}
		var prof chan error
		if o.pprof != "" && strings.Contains(c.name, o.pprof) {
			prof = make(chan error, 1)
			go func() { prof <- s.profile(o.duration, fmt.Sprintf("cpu-%d.pprof", n)) }()
		}
		var r result
		if c.jobs != nil {
			r, err = c.jobs(ctx, s, o.duration)
		} else {
			url, script := c.wrk(s, o.threads)
			r, err = runWrk(o, o.duration, dir, url, script)
		}
		if err != nil {
			return run, fmt.Errorf("%s: %w", c.name, err)
		}
		if prof != nil {
			if err := <-prof; err != nil {
				fmt.Fprintln(os.Stderr, "profile:", err)
			}
		}
		// The machine's speed drifts during a run: the ceiling is measured
		// on both sides of the case.
		after, err := runWrk(o, o.ceilingDur, dir, ceiling+"/", "")
		if err != nil {
			return run, err
		}
		ceil.RPS = (ceil.RPS + after.RPS) / 2
		fmt.Fprintf(os.Stderr, "%8d  %-52s %9.0f %-8s p50 %-9s p99 %-9s errors %d  (ceiling %.0f req/s)\n",
			n, c.name, r.RPS, r.Unit, r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Errors, ceil.RPS)
		run.names = append(run.names, c.name)
		run.ceilings = append(run.ceilings, ceil)
		run.results = append(run.results, r)
	}
	return run, nil
}
