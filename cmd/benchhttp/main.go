// Command benchhttp measures ImageShare the way a user does: the real
// server, built from this tree, over HTTP on 127.0.0.1, on a database seeded
// with N shares, next to a bare Echo handler (the ceiling) measured in the
// same run, right before and right after each case. It prints req/s, p50,
// p99, errors and the ratio to the ceiling for every case, at a small size
// and at N, and checks the targets of issue 7 (ratios hold on a noisy
// machine; absolute times do not).
//
//	go run ./cmd/benchhttp                 # SQLite, 1,000 and 100,000 shares
//	go run ./cmd/benchhttp -pg             # a throwaway PostgreSQL cluster
//	go run ./cmd/benchhttp -dsn postgres://postgres@127.0.0.1:5432/postgres
//	go run ./cmd/benchhttp -compare        # SQLite and PostgreSQL, case by case
//
// It needs wrk (Debian package wrk) as the load generator.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

type options struct {
	sizes       []int
	duration    time.Duration
	ceilingDur  time.Duration
	connections int
	threads     int
	dsn         string // a PostgreSQL server to create databases on ("" = SQLite)
	pg          bool   // start a throwaway PostgreSQL cluster
	cases       *regexp.Regexp
	bin         string
	keep        bool
	pprof       string // case name whose server to profile
	compare     bool   // SQLite and PostgreSQL in one run, alternating case by case
}

func main() {
	var o options
	var n, small int
	var cases string
	flag.IntVar(&n, "n", 100_000, "shares in the big world")
	flag.IntVar(&small, "small", 1_000, "shares in the small world (latency flatness); 0 skips it")
	flag.DurationVar(&o.duration, "d", 5*time.Second, "duration of each case")
	flag.DurationVar(&o.ceilingDur, "ceiling-d", 3*time.Second, "duration of each ceiling run")
	flag.IntVar(&o.connections, "c", 8, "wrk connections")
	flag.IntVar(&o.threads, "t", 2, "wrk threads")
	flag.StringVar(&o.dsn, "dsn", "", "postgres:// URL of a PostgreSQL server to create the benchmark databases on (default: SQLite)")
	flag.BoolVar(&o.pg, "pg", false, "start a throwaway PostgreSQL cluster for the run")
	flag.StringVar(&cases, "cases", "", "run only the cases matching this regular expression")
	flag.StringVar(&o.bin, "bin", "", "a prebuilt imageshare binary (default: build ./cmd/imageshare)")
	flag.BoolVar(&o.keep, "keep", false, "keep the data directories")
	flag.StringVar(&o.pprof, "pprof", "", "write a CPU profile of the server during the case of this name (cpu-<database>-<N>.pprof)")
	flag.BoolVar(&o.compare, "compare", false, "run every case on SQLite and on PostgreSQL (-pg's throwaway cluster, or -dsn) at N, alternately, and print SQLite ÷ PostgreSQL")
	flag.Parse()
	o.cases = regexp.MustCompile(cases)
	if small > 0 && small < n {
		o.sizes = append(o.sizes, small)
	}
	o.sizes = append(o.sizes, n)
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "benchhttp:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("wrk is not installed (apt-get install wrk)")
	}
	work, err := os.MkdirTemp("", "imageshare-bench-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(work)
	}
	if o.bin == "" {
		o.bin = filepath.Join(work, "imageshare")
		fmt.Fprintln(os.Stderr, "building the server…")
		build := exec.Command("go", "build", "-o", o.bin, "./cmd/imageshare")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	if o.compare {
		return runCompare(ctx, o, work)
	}
	db, err := newDatabases(o, work)
	if err != nil {
		return err
	}
	defer db.close()
	ceiling, err := startCeiling()
	if err != nil {
		return err
	}
	defer ceiling.Close()

	var runs []sizeRun
	for _, size := range o.sizes {
		r, err := runSize(ctx, o, db, work, ceiling.URL, size)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	report(os.Stdout, o, db.kind, runs)
	return nil
}

// header describes the machine and the run.
func header(o options, kind string) string {
	host, _ := os.Hostname()
	return fmt.Sprintf("ImageShare HTTP benchmark — %s, %d CPUs (%s), %s, wrk -t%d -c%d -d%s (ceiling -d%s), %s",
		time.Now().UTC().Format("2006-01-02 15:04"), runtime.NumCPU(), host, kind, o.threads, o.connections, o.duration, o.ceilingDur,
		strings.TrimSpace(goVersion()))
}

func goVersion() string {
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		return runtime.Version()
	}
	return string(out)
}
