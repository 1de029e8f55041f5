package world

import (
	"context"
	"math"
	"slices"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/store"
)

// Load applies a world file to the store in one transaction and returns the
// accounts whose projects or organization place changed (the caller
// re-syncs what is shared with them). Reloading an unchanged file, as every
// start does, returns none, so a start does not recompute every share.
//
// The write transaction is short: bcrypt, the slow part (tens of
// milliseconds a user), runs before it, so that loading a large file into a
// running server never holds the database's write lock for seconds.
func Load(ctx context.Context, st *store.Store, f *File) (changed []string, err error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	hashes, err := passwordHashes(ctx, st, f)
	if err != nil {
		return nil, err
	}
	err = st.Write(ctx, func(tx *store.Tx) error {
		changed = nil
		before, err := tx.Placements()
		if err != nil {
			return err
		}
		if err := apply(tx, f, hashes); err != nil {
			return err
		}
		after, err := tx.Placements()
		for acc, place := range after {
			if before[acc] != place {
				changed = append(changed, acc)
			}
		}
		slices.Sort(changed)
		return err
	})
	return changed, err
}

// hashPassword is identity.HashPassword (tests watch when it runs).
var hashPassword = identity.HashPassword

// userKey names a user of the file: "account/user".
func userKey(account, user string) string { return account + "/" + user }

// passwordHashes returns the hash to store for each user of the file whose
// password is new or changed, read and computed outside any transaction.
// A user missing from it keeps its password.
func passwordHashes(ctx context.Context, st *store.Store, f *File) (map[string]string, error) {
	hashes := map[string]string{}
	tx := st.One(ctx)
	for _, a := range f.Accounts {
		acc, err := tx.AccountByName(a.Name)
		if err != nil && domain.KindOf(err) != domain.KindNotFound {
			return nil, err
		}
		for _, u := range a.Users {
			if err == nil {
				if cur, uerr := tx.User(acc.ID, u.Name); uerr == nil && identity.PasswordMatches(cur.PasswordHash, u.Password) {
					continue
				} else if uerr != nil && domain.KindOf(uerr) != domain.KindNotFound {
					return nil, uerr
				}
			}
			h, herr := hashPassword(u.Password)
			if herr != nil {
				return nil, domain.ErrInvalid(u.Name, "User %s of %s: %s", u.Name, a.Name, domain.AsError(herr).Message)
			}
			hashes[userKey(a.Name, u.Name)] = h
		}
	}
	return hashes, nil
}

// apply writes every part of the file, with the precomputed password hashes.
func apply(tx *store.Tx, f *File, hashes map[string]string) error {
	for _, s := range f.Sites {
		if err := tx.Upsert(&domain.Site{Code: s.Code, Name: s.Name}); err != nil {
			return err
		}
	}
	for _, r := range f.Regions {
		if err := tx.Upsert(&domain.Region{ID: r.ID, Name: r.Name, Sites: join(r.Sites)}); err != nil {
			return err
		}
		for _, az := range r.AZs {
			if err := tx.Upsert(&domain.AZ{ID: az, RegionID: r.ID, Name: az}); err != nil {
				return err
			}
		}
	}
	for _, a := range f.Accounts {
		acc, err := ensureAccount(tx, a.Name, a.ID, a.Site)
		if err != nil {
			return err
		}
		for _, u := range a.Users {
			if err := ensureUser(tx, acc, u.Name, hashes[userKey(a.Name, u.Name)]); err != nil {
				return err
			}
		}
		for _, p := range a.Projects {
			if _, err := ensureProject(tx, acc, p.Name, p.Region); err != nil {
				return err
			}
		}
	}
	for _, o := range f.Organizations {
		if err := loadOrganization(tx, o); err != nil {
			return err
		}
	}
	return loadResources(tx, f)
}

func join(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// ensureAccount creates an account (with a default project per region
// offered on its site) or returns the existing one of that name.
func ensureAccount(tx *store.Tx, name, id, site string) (domain.Account, error) {
	if acc, err := tx.AccountByName(name); err == nil {
		return acc, ensureDefaultProjects(tx, acc)
	} else if domain.KindOf(err) != domain.KindNotFound {
		return acc, err
	}
	if err := CheckName("account", name); err != nil {
		return domain.Account{}, err
	}
	if _, err := siteExists(tx, site); err != nil {
		return domain.Account{}, err
	}
	if id == "" {
		id = AccountID(name)
	}
	acc := domain.Account{ID: id, Name: name, Site: site, CreatedAt: time.Now().UTC()}
	if err := tx.Create(&acc); err != nil {
		return acc, err
	}
	return acc, ensureDefaultProjects(tx, acc)
}

func siteExists(tx *store.Tx, code string) (domain.Site, error) {
	sites, err := tx.Sites()
	if err != nil {
		return domain.Site{}, err
	}
	for _, s := range sites {
		if s.Code == code {
			return s, nil
		}
	}
	return domain.Site{}, domain.ErrInvalid("site", "Unknown site %q; known sites: %s.", code, siteCodes(sites))
}

func siteCodes(sites []domain.Site) string {
	var codes []string
	for _, s := range sites {
		codes = append(codes, s.Code)
	}
	return join(codes)
}

func ensureDefaultProjects(tx *store.Tx, acc domain.Account) error {
	regions, err := tx.Regions()
	if err != nil {
		return err
	}
	for _, r := range regions {
		if r.OfferedOn(acc.Site) {
			if _, err := ensureProject(tx, acc, domain.DefaultProjectName(r.ID), r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// ensureProject creates a project of acc in a region, or returns the
// existing one of that name (which must be in that region).
func ensureProject(tx *store.Tx, acc domain.Account, name, regionID string) (domain.Project, error) {
	if p, err := tx.ProjectByName(acc.ID, name); err == nil {
		if p.RegionID != regionID {
			return p, domain.ErrInvalid(name, "Project %s of %s already exists in region %s.", name, acc.Name, p.RegionID)
		}
		return p, nil
	} else if domain.KindOf(err) != domain.KindNotFound {
		return p, err
	}
	if err := CheckName("project", name); err != nil {
		return domain.Project{}, err
	}
	r, err := tx.Region(regionID)
	if err != nil {
		return domain.Project{}, domain.ErrInvalid("region", "Unknown region %q.", regionID)
	}
	if !r.OfferedOn(acc.Site) {
		return domain.Project{}, domain.ErrInvalid("region", "Region %s is not offered on the %s site of account %s.", regionID, acc.Site, acc.Name)
	}
	p := domain.Project{ID: ProjectID(acc.Name, name), AccountID: acc.ID, RegionID: regionID, Name: name, CreatedAt: time.Now().UTC()}
	return p, tx.Create(&p)
}

// ensureUser creates a user with a password hash, or gives an existing one
// the new hash (so that editing the file changes the password). An empty
// hash leaves an existing user's password as it is.
func ensureUser(tx *store.Tx, acc domain.Account, name, hash string) error {
	u, err := tx.User(acc.ID, name)
	if err == nil {
		if hash == "" {
			return nil
		}
		return tx.SetPassword(u.ID, hash)
	} else if domain.KindOf(err) != domain.KindNotFound {
		return err
	}
	if err := CheckName("user", name); err != nil {
		return err
	}
	if hash == "" {
		return domain.ErrInvalid(name, "User %s of %s needs a password.", name, acc.Name)
	}
	return tx.Create(&domain.User{ID: stableID("user", acc.Name, name), AccountID: acc.ID, Name: name, PasswordHash: hash, CreatedAt: time.Now().UTC()})
}

func loadOrganization(tx *store.Tx, o Organization) error {
	mgmt, err := tx.AccountByName(o.ManagementAccount)
	if err != nil {
		return err
	}
	root, err := ensureOrganization(tx, o.ID, o.Name, o.Root, mgmt)
	if err != nil {
		return err
	}
	for _, name := range o.Accounts {
		if err := attach(tx, name, root); err != nil {
			return err
		}
	}
	return loadUnits(tx, root, o.Units)
}

func loadUnits(tx *store.Tx, parent domain.OrgNode, units []Unit) error {
	for _, u := range units {
		node, err := ensureOU(tx, parent, u.ID, u.Name)
		if err != nil {
			return err
		}
		for _, name := range u.Accounts {
			if err := attach(tx, name, node); err != nil {
				return err
			}
		}
		if err := loadUnits(tx, node, u.Units); err != nil {
			return err
		}
	}
	return nil
}

// ensureOrganization creates an organization with its root and returns the root.
func ensureOrganization(tx *store.Tx, id, name, rootID string, mgmt domain.Account) (domain.OrgNode, error) {
	if !orgPattern.MatchString(id) {
		return domain.OrgNode{}, domain.ErrInvalid("id", "Organization IDs look like o-abc123; %q is not one.", id)
	}
	if rootID == "" {
		rootID = "r-" + id[2:min(len(id), 6)]
	}
	if !rootPattern.MatchString(rootID) {
		return domain.OrgNode{}, domain.ErrInvalid("root", "Root IDs look like r-abc1; %q is not one.", rootID)
	}
	if name == "" {
		name = id
	}
	org := domain.OrgNode{ID: id, Kind: domain.NodeOrganization, OrgID: id, Name: name, MgmtAccountID: mgmt.ID, Path: id + "/"}
	if existing, err := tx.OrgNode(id); err == nil {
		if existing.MgmtAccountID != mgmt.ID {
			return existing, domain.ErrInvalid("id", "Organization %s already exists with another management account.", id)
		}
	} else if err := tx.Create(&org); err != nil {
		return org, err
	}
	tree, err := tx.OrgTree(id)
	if err != nil {
		return domain.OrgNode{}, err
	}
	for _, n := range tree {
		if n.Kind == domain.NodeRoot {
			return n, nil
		}
	}
	root := domain.OrgNode{ID: rootID, Kind: domain.NodeRoot, OrgID: id, ParentID: id, Name: "Root", MgmtAccountID: mgmt.ID, Path: org.Path + rootID + "/"}
	return root, tx.Create(&root)
}

// ensureOU creates an OU under parent, or returns the existing one.
func ensureOU(tx *store.Tx, parent domain.OrgNode, id, name string) (domain.OrgNode, error) {
	if !ouPattern.MatchString(id) {
		return domain.OrgNode{}, domain.ErrInvalid("id", "OU IDs look like ou-abc123; %q is not one.", id)
	}
	if parent.Kind == domain.NodeOrganization {
		return domain.OrgNode{}, domain.ErrInvalid("parent", "Put OUs under the root or another OU, not under the organization itself.")
	}
	if n, err := tx.OrgNode(id); err == nil {
		if n.ParentID != parent.ID {
			return n, domain.ErrInvalid("id", "OU %s already exists under %s.", id, n.ParentID)
		}
		return n, nil
	}
	if name == "" {
		name = id
	}
	n := domain.OrgNode{ID: id, Kind: domain.NodeOU, OrgID: parent.OrgID, ParentID: parent.ID, Name: name, MgmtAccountID: parent.MgmtAccountID, Path: parent.Path + id + "/"}
	return n, tx.Create(&n)
}

// attach places an account under a node (an account is in one place of one
// organization; attaching moves it).
func attach(tx *store.Tx, accountName string, node domain.OrgNode) error {
	acc, err := tx.AccountByName(accountName)
	if err != nil {
		return err
	}
	if node.Kind == domain.NodeOrganization {
		return domain.ErrInvalid("node", "Attach accounts to the root or an OU of the organization.")
	}
	return tx.Upsert(&domain.OrgMember{AccountID: acc.ID, NodeID: node.ID, OrgID: node.OrgID})
}

// projectOf finds the project a resource of the file lives in: a named
// project, or the default project of the AZ's region.
func projectOf(tx *store.Tx, accountName, projectName, az string) (domain.Project, error) {
	acc, err := tx.AccountByName(accountName)
	if err != nil {
		return domain.Project{}, err
	}
	if projectName == "" {
		region, err := regionOfAZ(tx, az)
		if err != nil {
			return domain.Project{}, err
		}
		projectName = domain.DefaultProjectName(region)
	}
	return tx.ProjectByName(acc.ID, projectName)
}

func regionOfAZ(tx *store.Tx, az string) (string, error) {
	regions, err := tx.Regions()
	if err != nil {
		return "", err
	}
	for _, r := range regions {
		azs, err := tx.AZs(r.ID)
		if err != nil {
			return "", err
		}
		for _, z := range azs {
			if z.ID == az {
				return r.ID, nil
			}
		}
	}
	return "", domain.ErrInvalid("az", "Unknown AZ %q.", az)
}

// loadResources adds the file's starting images, servers and disks, each
// once (their IDs derive from their names).
func loadResources(tx *store.Tx, f *File) error {
	now := time.Now().UTC()
	for _, im := range f.Images {
		project := im.Project
		if project == "" {
			project = im.Region
		}
		p, err := tx.ProjectByName(accountIDOrName(tx, im.Account), project)
		if err != nil {
			return err
		}
		img := domain.Image{
			ID: stableUUID("image", im.Account, p.Name, im.Name), ProjectID: p.ID, AccountID: p.AccountID, RegionID: p.RegionID,
			Name: im.Name, Description: im.Description, Type: domain.ImageType(im.Type), OS: im.OS, SizeGB: im.SizeGB,
			MinDiskGB: im.SizeGB, Status: domain.StatusActive, Encrypted: im.Encrypted, OriginKind: domain.OriginImport,
			SaveStartedAt: now, ReadyAt: now, CreatedAt: now, UpdatedAt: now,
		}
		// Starting images are the world's, whatever the quota (S11 binds
		// what users create); they still count toward it.
		err = createOnce(tx, img.ID, func() error {
			_, err := tx.CreateImage(&img, math.MaxInt32)
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, s := range f.Servers {
		p, err := projectOf(tx, s.Account, s.Project, s.AZ)
		if err != nil {
			return err
		}
		srv := domain.Server{
			ID: stableUUID("server", s.Account, p.Name, s.Name), ProjectID: p.ID, AccountID: p.AccountID, RegionID: p.RegionID,
			AZ: s.AZ, Name: s.Name, OS: s.OS, DiskGB: max(s.DiskGB, 40), Status: "running", CreatedAt: now, UpdatedAt: now,
		}
		if err := createOnce(tx, srv.ID, func() error { return tx.CreateServer(&srv) }); err != nil {
			return err
		}
	}
	for _, d := range f.Disks {
		p, err := projectOf(tx, d.Account, d.Project, d.AZ)
		if err != nil {
			return err
		}
		disk := domain.Disk{
			ID: stableUUID("disk", d.Account, p.Name, d.Name), ProjectID: p.ID, AccountID: p.AccountID, RegionID: p.RegionID,
			AZ: d.AZ, Name: d.Name, SizeGB: max(d.SizeGB, 10), Status: "available", CreatedAt: now,
		}
		if err := createOnce(tx, disk.ID, func() error { return tx.CreateDisk(&disk) }); err != nil {
			return err
		}
	}
	return nil
}

func accountIDOrName(tx *store.Tx, name string) string {
	if acc, err := tx.AccountByName(name); err == nil {
		return acc.ID
	}
	return name
}

// createOnce creates a starting resource the first time the world is
// loaded: a starting image that was since deleted must not come back at the
// next start.
func createOnce(tx *store.Tx, id string, create func() error) error {
	key := "world-loaded:" + id
	if done, err := tx.Setting(key); err != nil || done != "" {
		return err
	}
	if err := create(); err != nil {
		return err
	}
	_, err := tx.PutSetting(key, "1")
	return err
}
