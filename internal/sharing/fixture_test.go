package sharing_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/imagedata"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
	"imageshare/internal/store/storetest"
	"imageshare/internal/world"
)

func init() { identity.PasswordCost = bcrypt.MinCost }

// The test world: region r1 on both sites, cnonly on the Chinese Mainland
// site only, r3 on both. Accounts: owner (with an extra project r1_dev),
// rec and other (cn, in an organization: rec in ou-a, other in ou-b under
// ou-a), intl (intl site, in no organization), and extra cn accounts
// acc000… for limit tests.
const baseWorld = `
sites:
  - {code: cn, name: Chinese Mainland}
  - {code: intl, name: International}
regions:
  - {id: r1, name: Region One, sites: [cn, intl], azs: [r1a, r1b]}
  - {id: cnonly, name: CN only, sites: [cn], azs: [cnonlya]}
  - {id: r3, name: Region Three, sites: [cn, intl], azs: [r3a]}
accounts:
  - name: owner
    site: cn
    users: [{name: u, password: password-1}]
    projects: [{name: r1_dev, region: r1}]
  - {name: rec, site: cn, users: [{name: u, password: password-1}]}
  - {name: other, site: cn, users: [{name: u, password: password-1}]}
  - {name: intl, site: intl, users: [{name: u, password: password-1}]}
%s
organizations:
  - id: o-test1
    name: Test Org
    management_account: owner
    root: r-test
    units:
      - id: ou-a
        name: A
        accounts: [rec]
        units:
          - {id: ou-b, name: B, accounts: [other]}
`

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a loaded test world with a service on a real SQLite file.
type env struct {
	t     *testing.T
	ctx   context.Context
	path  string
	st    *store.Store
	svc   *sharing.Service
	clock *clock
	lim   sharing.Limits
	data  *imagedata.FS
}

// newEnv loads the test world with extra accounts acc000…acc(n-1).
func newEnv(t *testing.T, extraAccounts int, tweak ...func(*sharing.Limits)) *env {
	t.Helper()
	var extra strings.Builder
	for i := 0; i < extraAccounts; i++ {
		fmt.Fprintf(&extra, "  - {name: acc%03d, site: cn}\n", i)
	}
	f, err := world.Parse([]byte(fmt.Sprintf(baseWorld, extra.String())))
	if err != nil {
		t.Fatalf("parse test world: %v", err)
	}
	path := pg.DSN(t)
	st := storetest.Open(t, path)
	ctx := context.Background()
	changed, err := world.Load(ctx, st, f)
	if err != nil {
		t.Fatalf("load world: %v", err)
	}
	lim := sharing.DefaultLimits()
	lim.BuildTime = time.Minute
	for _, fn := range tweak {
		fn(&lim)
	}
	c := &clock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	data, err := imagedata.NewFS(filepath.Join(t.TempDir(), "images"))
	if err != nil {
		t.Fatal(err)
	}
	svc := sharing.New(st, lim, sharing.WithClock(c.Now), sharing.WithImageData(data))
	if err := svc.ResyncAccounts(ctx, changed); err != nil {
		t.Fatalf("resync: %v", err)
	}
	return &env{t: t, ctx: ctx, path: path, st: st, svc: svc, clock: c, lim: lim, data: data}
}

// actor returns the actor for an account's project (default project of r1
// when project is "").
func (e *env) actor(account, project string) sharing.Actor {
	e.t.Helper()
	if project == "" {
		project = "r1"
	}
	tx := e.st.One(e.ctx)
	acc, err := tx.AccountByName(account)
	if err != nil {
		e.t.Fatalf("account %s: %v", account, err)
	}
	p, err := tx.ProjectByName(acc.ID, project)
	if err != nil {
		e.t.Fatalf("project %s/%s: %v", account, project, err)
	}
	return sharing.Actor{AccountID: acc.ID, UserID: "user-" + account, UserName: "u", ProjectID: p.ID}
}

// accountID returns an account's ID.
func (e *env) accountID(name string) string {
	e.t.Helper()
	acc, err := e.st.One(e.ctx).AccountByName(name)
	if err != nil {
		e.t.Fatalf("account %s: %v", name, err)
	}
	return acc.ID
}

// finish lets the build time pass and the worker finish every due image.
func (e *env) finish() {
	e.t.Helper()
	e.clock.Advance(e.lim.BuildTime + time.Second)
	if _, err := e.svc.FinishDue(e.ctx); err != nil {
		e.t.Fatalf("finish: %v", err)
	}
}

// image imports an active image of the given type for a.
func (e *env) image(a sharing.Actor, name string, typ domain.ImageType, mods ...func(*sharing.ImageSpec)) domain.Image {
	e.t.Helper()
	spec := sharing.ImageSpec{Name: name, Type: typ, OS: "Ubuntu 22.04", SizeGB: 40}
	for _, m := range mods {
		m(&spec)
	}
	img, err := e.svc.ImportImage(e.ctx, a, spec)
	if err != nil {
		e.t.Fatalf("import %s: %v", name, err)
	}
	e.finish()
	return img
}

func encrypted(s *sharing.ImageSpec) { s.Encrypted = true }

// share shares and fails the test on error.
func (e *env) share(a sharing.Actor, imageID string, recipients ...string) []sharing.ShareItem {
	e.t.Helper()
	items, err := e.svc.Share(e.ctx, a, []string{imageID}, recipients)
	if err != nil {
		e.t.Fatalf("share %s with %v: %v", imageID, recipients, err)
	}
	return items
}

// must fails the test on err.
func (e *env) must(err error, what string) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// status returns the derived status of an image for a ("" when not shared).
func (e *env) status(a sharing.Actor, imageID string) string {
	e.t.Helper()
	s, ok, err := e.st.One(e.ctx).Share(a.ProjectID, imageID)
	if err != nil {
		e.t.Fatalf("share status: %v", err)
	}
	if !ok {
		return ""
	}
	return s.Status
}

// wantCode checks that err carries the IMS code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	if got := domain.CodeOf(err); got != want {
		t.Fatalf("got error %v (code %s), want code %s", err, got, want)
	}
}

// wantKind checks that err is of kind want.
func wantKind(t *testing.T, err error, want domain.Kind) {
	t.Helper()
	if got := domain.KindOf(err); got != want {
		t.Fatalf("got error %v (kind %q), want kind %q", err, got, want)
	}
}

func ids(rows []sharing.SharedImage) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// shared lists the images shared with a in a status ("" for every status).
func (e *env) shared(a sharing.Actor, status string) []string {
	e.t.Helper()
	statuses := []string{status}
	if status == "" {
		statuses = []string{domain.MemberPending, domain.MemberAccepted, domain.MemberRejected}
	}
	var out []string
	for _, st := range statuses {
		res, err := e.svc.SharedImages(e.ctx, a, st, sharing.Page{Limit: 500})
		if err != nil {
			e.t.Fatalf("shared images: %v", err)
		}
		out = append(out, ids(res.Rows)...)
	}
	return out
}

func (e *env) pending(a sharing.Actor) int {
	e.t.Helper()
	n, err := e.svc.PendingCount(e.ctx, a)
	if err != nil {
		e.t.Fatalf("pending count: %v", err)
	}
	// The badge reads a counter; it, and the other statuses' counters,
	// must always equal the rows they count.
	e.checkCounters(a)
	return n
}

func orgURN(e *env, node string) string {
	e.t.Helper()
	n, err := e.st.One(e.ctx).OrgNode(node)
	if err != nil {
		e.t.Fatalf("node %s: %v", node, err)
	}
	return n.URN()
}

func contextWithCancel(e *env) (context.Context, context.CancelFunc) {
	return context.WithCancel(e.ctx)
}

// checkCounters fails the test when a project's share counters differ from
// the rows they count.
func (e *env) checkCounters(a sharing.Actor) {
	e.t.Helper()
	tx := e.st.One(e.ctx)
	counts, err := tx.ShareCounts(a.ProjectID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, status := range []string{domain.MemberPending, domain.MemberAccepted, domain.MemberRejected} {
		rows, err := tx.CountShared(a.ProjectID, status)
		if err != nil || rows != counts.Of(status) {
			e.t.Fatalf("%s counter = %d, %s rows = %d (%v): the counter drifted", status, counts.Of(status), status, rows, err)
		}
	}
	kept, err := tx.ProjectCounts(a.ProjectID)
	if err != nil {
		e.t.Fatal(err)
	}
	rows, err := tx.CountProjectRows(a.ProjectID)
	if err != nil || kept != rows {
		e.t.Fatalf("project counters %+v, rows %+v (%v): the counters drifted", kept, rows, err)
	}
}
