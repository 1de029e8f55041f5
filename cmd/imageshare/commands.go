package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
	"imageshare/internal/world"
	"imageshare/server"
	"imageshare/web"
)

// usageError is a mistake on the command line (exit code 2).
type usageError string

func (e usageError) Error() string { return string(e) }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

const usage = `usage: imageshare COMMAND [flags]

commands:
  serve                                     start the console and API
  world load FILE                           load a world file (YAML or JSON)
  world demo                                print the built-in demo world
  backup FILE                               online, consistent copy of the SQLite database
  account create NAME --site SITE [--id HEX32]
  user create ACCOUNT USER [--password PW]  (password read from stdin when not given)
  user passwd ACCOUNT USER [--password PW]  (ends the user's sessions and tokens)
  user disable ACCOUNT USER                 (no more logins; ends sessions and tokens)
  user enable ACCOUNT USER
  project create ACCOUNT NAME --region REGION
  org create ID --name NAME --management ACCOUNT [--root r-ID]
  ou create ID --parent NODE_ID --name NAME
  org attach ACCOUNT NODE_ID
  access-key create ACCOUNT USER            prints "AK SK" on its last line (the SK only then)
  access-key list ACCOUNT USER
  access-key delete ACCOUNT AK

Run "imageshare COMMAND -h" for a command's flags.`

// run dispatches a command line.
func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError(usage)
	}
	cmd := args[0]
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && cmd != "serve" && cmd != "backup" {
		cmd += " " + args[1]
		args = args[1:]
	}
	rest := args[1:]
	switch cmd {
	case "serve":
		return serve(rest, stdout)
	case "world load":
		return withAdmin(rest, 1, stdout, nil, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			f, err := world.ReadFile(pos[0])
			if err != nil {
				return "", err
			}
			if err := loadWorld(ctx, st, f); err != nil {
				return "", err
			}
			return fmt.Sprintf("loaded %s: %d accounts, %d regions, %d organizations", pos[0], len(f.Accounts), len(f.Regions), len(f.Organizations)), nil
		})
	case "backup":
		return withAdmin(rest, 1, stdout, nil, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			if err := st.Backup(ctx, pos[0]); err != nil {
				return "", err
			}
			return fmt.Sprintf("backed up the database to %s (to restore: stop the server, replace the database file with it, start the server)", pos[0]), nil
		})
	case "world demo":
		_, err := stdout.Write(world.DemoYAML())
		return err
	case "account create":
		var site, id string
		return withAdmin(rest, 1, stdout, func(fs *flag.FlagSet) {
			fs.StringVar(&site, "site", "", "site code: cn or intl (required)")
			fs.StringVar(&id, "id", "", "account ID, 32 hex characters (default: derived from the name)")
		}, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			if site == "" {
				return "", usageError("account create: --site is required (cn or intl)")
			}
			acc, err := world.NewAdmin(st).CreateAccount(ctx, pos[0], site, id)
			return fmt.Sprintf("created account %s (%s) on site %s", acc.Name, acc.ID, acc.Site), err
		})
	case "user create", "user passwd":
		var password string
		return withAdmin(rest, 2, stdout, func(fs *flag.FlagSet) {
			fs.StringVar(&password, "password", "", "the password (default: read the first line of standard input)")
		}, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			if password == "" {
				line, err := bufio.NewReader(stdin).ReadString('\n')
				if err != nil && line == "" {
					return "", usageError("give the password with --password or on standard input")
				}
				password = strings.TrimRight(line, "\r\n")
			}
			ad := world.NewAdmin(st)
			if cmd == "user create" {
				return fmt.Sprintf("created user %s of %s", pos[1], pos[0]), ad.CreateUser(ctx, pos[0], pos[1], password)
			}
			return fmt.Sprintf("changed the password of %s of %s", pos[1], pos[0]), ad.SetPassword(ctx, pos[0], pos[1], password)
		})
	case "user disable", "user enable":
		return withAdmin(rest, 2, stdout, nil, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			ad := world.NewAdmin(st)
			if cmd == "user enable" {
				return fmt.Sprintf("enabled user %s of %s", pos[1], pos[0]), ad.EnableUser(ctx, pos[0], pos[1])
			}
			n, err := ad.DisableUser(ctx, pos[0], pos[1])
			return fmt.Sprintf("disabled user %s of %s; ended %d console session(s) and API token(s)", pos[1], pos[0], n), err
		})
	case "project create":
		var region string
		return withAdmin(rest, 2, stdout, func(fs *flag.FlagSet) {
			fs.StringVar(&region, "region", "", "region ID (required)")
		}, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			if region == "" {
				return "", usageError("project create: --region is required")
			}
			p, err := world.NewAdmin(st).CreateProject(ctx, pos[0], pos[1], region)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("created project %s (%s) in %s", p.Name, p.ID, p.RegionID), resync(ctx, st, p.AccountID)
		})
	case "org create":
		var name, mgmt, root string
		return withAdmin(rest, 1, stdout, func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "organization name")
			fs.StringVar(&mgmt, "management", "", "management account name (required)")
			fs.StringVar(&root, "root", "", "root ID, r-… (default: derived)")
		}, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			if mgmt == "" {
				return "", usageError("org create: --management is required")
			}
			r, err := world.NewAdmin(st).CreateOrganization(ctx, pos[0], name, mgmt, root)
			return fmt.Sprintf("created organization %s with root %s (%s)", pos[0], r.ID, r.URN()), err
		})
	case "ou create":
		var parent, name string
		return withAdmin(rest, 1, stdout, func(fs *flag.FlagSet) {
			fs.StringVar(&parent, "parent", "", "parent root or OU ID (required)")
			fs.StringVar(&name, "name", "", "OU name")
		}, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			if parent == "" {
				return "", usageError("ou create: --parent is required")
			}
			ou, err := world.NewAdmin(st).CreateOU(ctx, parent, pos[0], name)
			return fmt.Sprintf("created OU %s (%s)", ou.ID, ou.URN()), err
		})
	case "access-key create", "access-key list", "access-key delete":
		return accessKeyCommand(cmd, rest, stdout)
	case "org attach":
		return withAdmin(rest, 2, stdout, nil, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			accID, err := world.NewAdmin(st).Attach(ctx, pos[0], pos[1])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("attached %s to %s", pos[0], pos[1]), resync(ctx, st, accID)
		})
	}
	return usageError(fmt.Sprintf("unknown command %q\n\n%s", cmd, usage))
}

// withAdmin parses an admin command's flags and positional arguments, opens
// the database, runs fn, and prints its message.
func withAdmin(args []string, npos int, stdout io.Writer, flags func(*flag.FlagSet), fn func(context.Context, *store.Store, []string) (string, error)) error {
	var c config
	fs := flag.NewFlagSet("imageshare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbFlags(fs, &c)
	if flags != nil {
		flags(fs)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError(err.Error())
	}
	if len(pos) != npos {
		return usageError(fmt.Sprintf("expected %d argument(s), got %d\n\n%s", npos, len(pos), usage))
	}
	st, err := store.Open(c.dsn())
	if err != nil {
		return err
	}
	defer st.Close()
	msg, err := fn(context.Background(), st, pos)
	if err != nil {
		return humanError(err)
	}
	_, err = fmt.Fprintln(stdout, msg)
	return err
}

// humanError turns a domain error into its plain message.
func humanError(err error) error {
	var u usageError
	if errors.As(err, &u) {
		return err
	}
	var e *domain.Error
	if errors.As(err, &e) {
		return errors.New(e.Message)
	}
	return err
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func resync(ctx context.Context, st *store.Store, accountIDs ...string) error {
	return sharing.New(st, sharing.DefaultLimits()).ResyncAccounts(ctx, accountIDs)
}

func loadWorld(ctx context.Context, st *store.Store, f *world.File) error {
	changed, err := world.Load(ctx, st, f)
	if err != nil {
		return err
	}
	return resync(ctx, st, changed...)
}

// serve starts the console and the API on the configured address until
// SIGINT or SIGTERM, then shuts down gracefully: it stops accepting, lets
// requests in flight and the running job finish, and exits within
// --shutdown-timeout.
func serve(args []string, stdout io.Writer) error {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	serveFlags(fs, &c)
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("serve takes no arguments, got %q", fs.Args()))
	}
	if err := c.check(); err != nil {
		return err
	}
	tuneGC()
	log, err := c.logger(os.Stderr)
	if err != nil {
		return err
	}
	key, err := c.sessionKey()
	if err != nil {
		return err
	}
	secret, err := c.secretKey()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	publicURL, _ := c.publicURL(ln.Addr().String())
	proxies, _ := c.trustedProxies()
	lim := sharing.DefaultLimits()
	lim.BuildTime, lim.MaxImagesPerRegion, lim.MaxBatchImages, lim.JobRetention = c.BuildTime, c.MaxImages, c.MaxBatchImages, c.JobRetention
	lim.JobLease, lim.UploadLease = c.JobLease, c.UploadLease
	lim.MaxImageBytes, _ = c.maxImageBytes() // checked at start
	srv, err := server.Open(server.Config{
		DSN: c.dsn(), ImageDir: c.imageDir(), Limits: lim, Throttling: identity.DefaultThrottling(), SecretKey: secret, TokenTTL: c.TokenTTL, PublicURL: publicURL,
		Web:    web.Options{SessionKey: key, SecureCookies: c.SecureCookies, TokenTTL: c.TokenTTL, TrustedProxies: proxies, Concurrency: c.Concurrency},
		Logger: log, LockSQLite: true, MetricsOnMain: c.MetricsAddr == "", WorkerInterval: c.WorkerInterval,
	})
	if err != nil {
		return humanError(err)
	}
	defer srv.Close()
	// After server.Open, which sizes the admission gate (0: by default) by
	// the Ps Go started with, one per core.
	tuneProcs()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	demo := c.WorldFile == ""
	switch c.WorldFile {
	case "none":
	case "":
		err = srv.LoadWorld(ctx, world.Demo())
	default:
		var f *world.File
		if f, err = world.ReadFile(c.WorldFile); err == nil {
			err = srv.LoadWorld(ctx, f)
		}
	}
	if err != nil {
		return humanError(err)
	}

	work, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	workDone := make(chan struct{})
	go func() { defer close(workDone); srv.Run(work) }()
	httpSrv := &http.Server{Handler: srv.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	servers := []*http.Server{httpSrv}
	errs := make(chan error, 2)
	if c.MetricsAddr != "" {
		mln, err := net.Listen("tcp", c.MetricsAddr)
		if err != nil {
			return err
		}
		defer mln.Close()
		msrv := &http.Server{Handler: srv.Metrics, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, msrv)
		go func() { errs <- msrv.Serve(mln) }()
	}
	if c.PprofAddr != "" {
		if err := servePprof(work, c.PprofAddr, log); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "ImageShare is running at %s/ (console; API: Keystone /v3, Glance /v2, IMS /v1; database: %s)\n", publicURL, srv.Store.Dialect())
	if demo {
		fmt.Fprintln(stdout, "Demo logins (account / user, password ImageShare-demo1):")
		for _, a := range world.Demo().Accounts {
			for _, u := range a.Users {
				fmt.Fprintf(stdout, "  %-9s / %-6s  site %s\n", a.Name, u.Name, a.Site)
			}
		}
	}
	go func() { errs <- httpSrv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			stopWork()
			<-workDone
			return err
		}
	}
	log.Info("shutting down", "deadline", c.ShutdownTimeout.String())
	srv.Drain()
	deadline, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(deadline); err != nil {
			log.Warn("requests still running at the shutdown deadline", "err", err)
		}
	}
	stopWork()
	select {
	case <-workDone:
	case <-deadline.Done():
		// The job's lease runs out and another server (or this one after
		// a restart) takes it over.
		log.Warn("a job was still running at the shutdown deadline; another server will take it over")
	}
	log.Info("stopped")
	return nil
}

// serverGCPercent is the garbage collector's target for serve unless GOGC
// says otherwise. The server's live heap is small (tens of MB) while every
// request allocates its page: at Go's default of 100 the collector took
// about a tenth of the CPU of a busy list; at 400 the heap may grow to
// five times the live one, still small, and a busy server answers 10-30 %
// more requests (make bench-http). GOMEMLIMIT, when set, still bounds it.
const serverGCPercent = 400

// tuneProcs gives the Go scheduler twice as many Ps as it would use,
// unless GOMAXPROCS says otherwise. The admission gate already keeps the
// requests that compute to about one per core; the spare Ps are for the
// rest: with every P busy, no thread waits in the network poller, and a
// request that arrived is noticed only when a P runs out of work. Doubling
// took a busy Glance list's p99 from 16-27 ms to 7-8 ms (README,
// "Admission"); without the gate, more Ps only share the cores among more
// requests.
func tuneProcs() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2 * runtime.GOMAXPROCS(0))
	}
}

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
