package world_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/store"
	"imageshare/internal/world"
)

func init() { identity.PasswordCost = bcrypt.MinCost }

func open(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

type counts struct{ accounts, projects, images, servers, disks int }

func count(t *testing.T, st *store.Store) counts {
	t.Helper()
	var c counts
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		accs, err := tx.Accounts()
		if err != nil {
			return err
		}
		c.accounts = len(accs)
		for _, a := range accs {
			ps, err := tx.Projects(a.ID, "")
			if err != nil {
				return err
			}
			c.projects += len(ps)
			for _, p := range ps {
				ims, err := tx.OwnImages(p.ID, store.ImageFilter{}, store.Page{Limit: store.MaxPage})
				if err != nil {
					return err
				}
				ss, err := tx.Servers(p.ID, store.ResourceFilter{}, store.Page{Limit: store.MaxPage})
				if err != nil {
					return err
				}
				ds, err := tx.Disks(p.ID, store.ResourceFilter{}, store.Page{Limit: store.MaxPage})
				if err != nil {
					return err
				}
				c.images, c.servers, c.disks = c.images+len(ims.Rows), c.servers+len(ss.Rows), c.disks+len(ds.Rows)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadIsIdempotent(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	first := count(t, st)
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	if second := count(t, st); second != first {
		t.Errorf("second load: %+v, want unchanged %+v", second, first)
	}
	// A loaded image the user deleted does not come back on the next start.
	tx := st.One(ctx)
	p, _ := tx.ProjectByName(world.AccountID("acme"), "cn-north-4")
	ims, _ := st.One(ctx).OwnImages(p.ID, store.ImageFilter{Name: "centos"}, store.Page{})
	if len(ims.Rows) != 1 {
		t.Fatalf("found %d centos images, want 1", len(ims.Rows))
	}
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteImage(ims.Rows[0].Image) }); err != nil {
		t.Fatal(err)
	}
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	if got := count(t, st).images; got != first.images-1 {
		t.Errorf("images after reload = %d, want %d (the deleted one stays deleted)", got, first.images-1)
	}
}

// The demo world must let a newcomer see every rule (issue 2).
func TestDemoWorldShowsEveryRule(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	tx := st.One(ctx)
	accs, _ := tx.Accounts()
	sites := map[string]int{}
	for _, a := range accs {
		sites[a.Site]++
	}
	if len(accs) < 4 || sites["cn"] == 0 || sites["intl"] == 0 {
		t.Errorf("accounts per site = %v, want at least 4 across both sites", sites)
	}
	regions, _ := tx.Regions()
	oneSite := false
	for _, r := range regions {
		if !strings.Contains(r.Sites, ",") {
			oneSite = true
		}
	}
	if !oneSite {
		t.Error("no region is offered on one site only")
	}
	ps, _ := tx.Projects(world.AccountID("acme"), "cn-north-4")
	if len(ps) < 2 {
		t.Errorf("acme has %d projects in cn-north-4, want a multi-project account", len(ps))
	}
	n, ok, err := tx.OrgMembership(world.AccountID("umbrella"))
	if err != nil || !ok || len(n.AncestorIDs()) < 4 {
		t.Errorf("umbrella is at %v (ok=%v, err=%v), want a nested OU", n.Path, ok, err)
	}
	types := map[domain.ImageType]bool{}
	enc := false
	for _, a := range accs {
		all, _ := tx.Projects(a.ID, "")
		for _, p := range all {
			ims, _ := tx.OwnImages(p.ID, store.ImageFilter{}, store.Page{Limit: 100})
			for _, im := range ims.Rows {
				types[im.Type] = true
				enc = enc || im.Encrypted
			}
		}
	}
	if len(types) != 3 || !enc {
		t.Errorf("image types %v, encrypted %v; want all three types and an encrypted image", types, enc)
	}
}

func TestBadWorldFilesNameTheProblem(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"unknown field":      {"sitez: []", "not valid"},
		"unknown site":       {"sites: [{code: cn}]\naccounts: [{name: a, site: mars}]", "mars"},
		"bad account id":     {"sites: [{code: cn}]\naccounts: [{name: a, site: cn, id: XYZ}]", "32 lowercase"},
		"region not on site": {"sites: [{code: cn}, {code: intl}]\nregions: [{id: r1, name: R, sites: [cn], azs: [r1a]}]\naccounts: [{name: a, site: intl, projects: [{name: p, region: r1}]}]", "not offered"},
		"bad OU":             {"sites: [{code: cn}]\naccounts: [{name: a, site: cn}]\norganizations: [{id: o-ab, management_account: a, units: [{id: OU1}]}]", "OU1"},
		"unknown member":     {"sites: [{code: cn}]\naccounts: [{name: a, site: cn}]\norganizations: [{id: o-ab, management_account: a, accounts: [zz]}]", "zz"},
		// Issue 8, finding 7: what was silently merged or accepted.
		"account twice":       {"sites: [{code: cn}]\naccounts: [{name: a, site: cn, users: [{name: u1, password: password-1}]}, {name: a, site: cn, users: [{name: u2, password: password-2}]}]", `account "a" twice`},
		"account ID twice":    {"sites: [{code: cn}]\naccounts: [{name: a, site: cn, id: " + strings.Repeat("a", 32) + "}, {name: b, site: cn, id: " + strings.Repeat("a", 32) + "}]", "account ID"},
		"user twice":          {"sites: [{code: cn}]\naccounts: [{name: a, site: cn, users: [{name: u, password: password-1}, {name: u, password: password-2}]}]", `"u" twice`},
		"project twice":       {"sites: [{code: cn}]\nregions: [{id: r1, sites: [cn], azs: [r1a]}]\naccounts: [{name: a, site: cn, projects: [{name: p, region: r1}, {name: p, region: r1}]}]", `"p" twice`},
		"region twice":        {"sites: [{code: cn}]\nregions: [{id: r1, sites: [cn], azs: [r1a]}, {id: r1, sites: [cn], azs: [r1b]}]", `region "r1" twice`},
		"site twice":          {"sites: [{code: cn}, {code: cn}]", `site "cn" twice`},
		"OU twice":            {"sites: [{code: cn}]\naccounts: [{name: a, site: cn}]\norganizations: [{id: o-ab, management_account: a, units: [{id: ou-x}, {id: ou-x}]}]", `OU "ou-x" twice`},
		"member placed twice": {"sites: [{code: cn}]\naccounts: [{name: a, site: cn}]\norganizations: [{id: o-ab, management_account: a, accounts: [a], units: [{id: ou-x, accounts: [a]}]}]", "organization member"},
		"huge site name":      {"sites: [{code: cn, name: " + strings.Repeat("x", 5000) + "}]", "site name is too long"},
		"site name with NUL":  {"sites: [{code: cn, name: \"a\\0b\"}]", "NUL"},
		"image name bidi":     {"sites: [{code: cn}]\nregions: [{id: r1, sites: [cn], azs: [r1a]}]\naccounts: [{name: a, site: cn}]\nimages: [{account: a, region: r1, name: \"x\\u202Egpj.exe\", type: system, size_gb: 1}]", "bidirectional"},
		"huge image name":     {"sites: [{code: cn}]\nregions: [{id: r1, sites: [cn], azs: [r1a]}]\naccounts: [{name: a, site: cn}]\nimages: [{account: a, region: r1, name: " + strings.Repeat("x", 200) + ", type: system, size_gb: 1}]", "too long"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := world.Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	t.Run("a file over 16 MiB is refused unread", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "huge.yaml")
		if err := os.WriteFile(path, []byte("sites: [{code: cn, name: "+strings.Repeat("x", 17<<20)+"}]"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := world.ReadFile(path); err == nil || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("got %v, want the file refused for its size", err)
		}
	})
	t.Run("JSON is accepted", func(t *testing.T) {
		f, err := world.Parse([]byte(`{"sites":[{"code":"cn","name":"CN"}],"accounts":[{"name":"a","site":"cn"}]}`))
		if err != nil || len(f.Accounts) != 1 {
			t.Errorf("got %v, %v; want one account", f, err)
		}
	})
}

func TestAdminCommands(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	if _, err := world.Load(ctx, st, world.Demo()); err != nil {
		t.Fatal(err)
	}
	ad := world.NewAdmin(st)
	acc, err := ad.CreateAccount(ctx, "newco", "intl", "")
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := st.One(ctx).Projects(acc.ID, "")
	if len(ps) != 4 {
		t.Errorf("new intl account has %d default projects, want 4", len(ps))
	}
	if _, err := ad.CreateAccount(ctx, "newco", "intl", ""); domain.KindOf(err) != domain.KindConflict {
		t.Errorf("duplicate account: %v, want conflict", err)
	}
	if _, err := ad.CreateProject(ctx, "newco", "x", "cn-north-1"); err == nil || !strings.Contains(err.Error(), "not offered") {
		t.Errorf("project in a region not on the site: %v", err)
	}
	if err := ad.CreateUser(ctx, "newco", "neo", "longenough1"); err != nil {
		t.Fatal(err)
	}
	if err := ad.SetPassword(ctx, "newco", "neo", "short"); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("short password: %v, want invalid", err)
	}
	if err := ad.SetPassword(ctx, "newco", "neo", "another-long-one"); err != nil {
		t.Fatal(err)
	}
	if _, err := ad.CreateOrganization(ctx, "o-new1", "New", "newco", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ad.CreateOU(ctx, "o-new1", "ou-x", "X"); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("OU under the organization node: %v, want invalid", err)
	}
	tree, _ := st.One(ctx).OrgTree("o-new1")
	if len(tree) != 2 {
		t.Fatalf("tree = %v, want organization and root", tree)
	}
	ou, err := ad.CreateOU(ctx, tree[1].ID, "ou-x", "X")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ad.Attach(ctx, "newco", ou.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ad.Attach(ctx, "ghost", ou.ID); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("attach unknown account: %v, want not found", err)
	}
}

// The README lists the demo world's IDs for newcomers; they must be the
// ones the loader derives.
func TestReadmeListsTheDemoIDs(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range world.Demo().Accounts {
		for _, id := range []string{world.AccountID(a.Name), world.ProjectID(a.Name, "cn-north-4")} {
			if !strings.Contains(string(readme), id) {
				t.Errorf("README.md lacks %s's ID %s", a.Name, id)
			}
		}
	}
}

// Load reports the accounts whose projects or organization place changed,
// so that a start with an unchanged file re-syncs nothing.
func TestLoadReportsOnlyAccountsThatMoved(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	first, err := world.Load(ctx, st, world.Demo())
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(world.Demo().Accounts) {
		t.Errorf("first load changed %d accounts, want all %d", len(first), len(world.Demo().Accounts))
	}
	again, err := world.Load(ctx, st, world.Demo())
	if err != nil || len(again) != 0 {
		t.Errorf("reload of the same file changed %v (%v), want none", again, err)
	}
	f := world.Demo()
	for i := range f.Accounts {
		if f.Accounts[i].Name == "initech" {
			f.Accounts[i].Projects = append(f.Accounts[i].Projects, world.Project{Name: "cn-north-4_ops", Region: "cn-north-4"})
		}
	}
	// globex moves from ou-overseas to ou-engineering.
	f.Organizations[0].Units[1].Accounts = nil
	f.Organizations[0].Units[0].Accounts = append(f.Organizations[0].Units[0].Accounts, "globex")
	moved, err := world.Load(ctx, st, f)
	want := []string{world.AccountID("globex"), world.AccountID("initech")}
	slices.Sort(want)
	if err != nil || !slices.Equal(moved, want) {
		t.Errorf("changed = %v (%v), want globex and initech %v", moved, err, want)
	}
}
