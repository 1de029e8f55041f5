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
	// write: the case changes the database; reference: the floor.
	write, reference bool
}

// read is whether the case is one of the reads issue 7 compares between
// the databases.
func (c benchCase) read() bool { return !c.write && !c.reference }

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
	{name: "Glance add a member (a new one each request)", target: writeTarget, write: true,
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
	{name: "Glance recipient changes its member status", target: writeTarget, write: true,
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
	{name: "IMS batch share, jobs of 1,000 images × 1 project", target: target{minRate: 5000}, jobs: batchShare, write: true},
	{name: "IMS batch accept, jobs of 1,000 images", jobs: batchAccept, write: true},
	// Two users take turns: more than four logins of one user from one
	// address at once are held back as guessing (issue 8's throttling).
	{name: "Keystone token issue (bcrypt)", write: true, wrk: func(s *server, _ int) (string, string) {
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
	w, err := openWorld(ctx, o, dbs, filepath.Join(work, fmt.Sprintf("world-%d", n)), n)
	if err != nil {
		return run, err
	}
	defer w.close()
	run.seedTime = w.seedTime
	for _, c := range cases {
		if !o.cases.MatchString(c.name) {
			continue
		}
		r, ceil, err := measure(ctx, o, w, ceiling, c)
		if err != nil {
			return run, err
		}
		run.add(c.name, r, ceil)
	}
	return run, nil
}

func (run *sizeRun) add(name string, r, ceil result) {
	run.names = append(run.names, name)
	run.ceilings = append(run.ceilings, ceil)
	run.results = append(run.results, r)
}

// world is a seeded database with the server and the floor running on it.
type world struct {
	n        int
	kind     string // "SQLite" or "PostgreSQL"
	dir      string // the server's data directory and log
	seedTime time.Duration
	s        *server
	stops    []func()
}

// openWorld seeds a world of n shares in a new database of dbs and starts
// the server and the floor on it, with the server's files in dir.
func openWorld(ctx context.Context, o options, dbs *databases, dir string, n int) (w *world, err error) {
	w = &world{n: n, kind: dbs.kind, dir: dir}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	dsn, err := dbs.new(n)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "seeding %d shares (%s)…\n", n, dbs.kind)
	start := time.Now()
	bw, err := seed(ctx, dsn, n)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	w.seedTime = time.Since(start)
	if w.s, err = startServer(o.bin, dsn, dir, bw, n); err != nil {
		return nil, err
	}
	w.stops = append(w.stops, w.s.stop)
	floor, floorDB, err := startFloor(dsn, o.connections)
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	w.stops = append(w.stops, floor.Close, func() { _ = floorDB.Close() })
	w.s.floor = floor.URL
	return w, nil
}

func (w *world) close() {
	for i := len(w.stops) - 1; i >= 0; i-- {
		w.stops[i]()
	}
	w.stops = nil
}

// measure runs one case on a world, with the ceiling measured right before
// and right after it (the machine's speed drifts during a run) and
// averaged.
func measure(ctx context.Context, o options, w *world, ceiling string, c benchCase) (r, ceil result, err error) {
	if ceil, err = runWrk(o, o.ceilingDur, w.dir, ceiling+"/", ""); err != nil {
		return r, ceil, err
	}
	var prof chan error
	if o.pprof != "" && strings.Contains(c.name, o.pprof) {
		prof = make(chan error, 1)
		go func() { prof <- w.s.profile(o.duration, fmt.Sprintf("cpu-%s-%d.pprof", strings.ToLower(w.kind), w.n)) }()
	}
	if c.jobs != nil {
		r, err = c.jobs(ctx, w.s, o.duration)
	} else {
		url, script := c.wrk(w.s, o.threads)
		r, err = runWrk(o, o.duration, w.dir, url, script)
	}
	if prof != nil {
		if perr := <-prof; perr != nil {
			fmt.Fprintln(os.Stderr, "profile:", perr)
		}
	}
	if err != nil {
		return r, ceil, fmt.Errorf("%s: %w", c.name, err)
	}
	after, err := runWrk(o, o.ceilingDur, w.dir, ceiling+"/", "")
	if err != nil {
		return r, ceil, err
	}
	ceil.RPS = (ceil.RPS + after.RPS) / 2
	fmt.Fprintf(os.Stderr, "%8d  %-10s %-52s %9.0f %-8s p50 %-9s p99 %-9s errors %d  (ceiling %.0f req/s)\n",
		w.n, w.kind, c.name, r.RPS, r.Unit, r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Errors, ceil.RPS)
	return r, ceil, nil
}
