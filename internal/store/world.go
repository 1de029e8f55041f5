package store

import (
	"database/sql"
	"time"

	"imageshare/internal/domain"
)

// Region returns a region by ID.
func (tx *Tx) Region(id string) (domain.Region, error) {
	r := domain.Region{ID: id}
	found, err := tx.row(func(rs *sql.Rows) error { return rs.Scan(&r.Name, &r.Sites) }, `SELECT name, sites FROM regions WHERE id = ?`, id)
	if err == nil && !found {
		err = domain.ErrNotFound("region").About(id)
	}
	return r, err
}

// Regions returns every region, by ID.
func (tx *Tx) Regions() ([]domain.Region, error) {
	var rs []domain.Region
	err := tx.rows(func(r *sql.Rows) error {
		rs = append(rs, domain.Region{})
		x := &rs[len(rs)-1]
		return r.Scan(&x.ID, &x.Name, &x.Sites)
	}, `SELECT id, name, sites FROM regions ORDER BY id`)
	return rs, err
}

// Sites returns every site, by code.
func (tx *Tx) Sites() ([]domain.Site, error) {
	var ss []domain.Site
	return ss, wrap(tx.db.Order("code").Find(&ss).Error)
}

// AZs returns the availability zones of a region, by ID.
func (tx *Tx) AZs(regionID string) ([]domain.AZ, error) {
	var azs []domain.AZ
	return azs, wrap(tx.db.Where("region_id = ?", regionID).Order("id").Find(&azs).Error)
}

// Account returns an account by ID.
func (tx *Tx) Account(id string) (domain.Account, error) {
	a := domain.Account{ID: id}
	found, err := tx.row(func(r *sql.Rows) error { return r.Scan(&a.Name, &a.Site, nullTime{&a.CreatedAt}) },
		`SELECT name, site, created_at FROM accounts WHERE id = ?`, id)
	if err == nil && !found {
		err = domain.ErrNotFound("account").About(id)
	}
	return a, err
}

// AccountByName returns an account by its unique name.
func (tx *Tx) AccountByName(name string) (domain.Account, error) {
	var a domain.Account
	return a, take(tx.db.Where("name = ?", name), &a, domain.ErrNotFound("account").About(name))
}

// Accounts returns every account, by name.
func (tx *Tx) Accounts() ([]domain.Account, error) {
	var as []domain.Account
	return as, wrap(tx.db.Order("name").Find(&as).Error)
}

// AccountNames maps the given account IDs to their names.
func (tx *Tx) AccountNames(ids []string) (map[string]string, error) {
	names := make(map[string]string, len(ids))
	err := chunks(domain.Unique(ids), func(part []string) error {
		q, args := with(`SELECT id, name FROM accounts WHERE id IN (…)`, part)
		return tx.rows(func(r *sql.Rows) error {
			var id, name string
			if err := r.Scan(&id, &name); err != nil {
				return err
			}
			names[id] = name
			return nil
		}, q, args...)
	})
	return names, err
}

// User returns an account's user by name.
func (tx *Tx) User(accountID, name string) (domain.User, error) {
	var u domain.User
	return u, take(tx.db.Where("account_id = ? AND name = ?", accountID, name), &u, domain.ErrNotFound("user").About(name))
}

// UserByID returns a user by ID.
func (tx *Tx) UserByID(id string) (domain.User, error) {
	var u domain.User
	return u, take(tx.db.Where("id = ?", id), &u, domain.ErrNotFound("user").About(id))
}

// SetPassword stores a new password hash for a user.
func (tx *Tx) SetPassword(userID, hash string) error {
	tx.identityChanged = true
	res := tx.db.Model(&domain.User{}).Where("id = ?", userID).Update("password_hash", hash)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrNotFound("user").About(userID)
	}
	return wrap(res.Error)
}

const projectCols = `projects.id, projects.account_id, projects.region_id, projects.name, projects.created_at`

func scanProject(r *sql.Rows, p *domain.Project, extra ...any) error {
	return r.Scan(append([]any{&p.ID, &p.AccountID, &p.RegionID, &p.Name, nullTime{&p.CreatedAt}}, extra...)...)
}

func (tx *Tx) projects(query string, args ...any) ([]domain.Project, error) {
	var ps []domain.Project
	err := tx.rows(func(r *sql.Rows) error {
		ps = append(ps, domain.Project{})
		return scanProject(r, &ps[len(ps)-1])
	}, query, args...)
	return ps, err
}

// Project returns a project by ID.
func (tx *Tx) Project(id string) (domain.Project, error) {
	ps, err := tx.projects(`SELECT `+projectCols+` FROM projects WHERE id = ?`, id)
	if err == nil && len(ps) == 0 {
		err = domain.ErrNotFound("project").About(id)
	}
	if err != nil {
		return domain.Project{}, err
	}
	return ps[0], nil
}

// ProjectOf returns a project of an account: a missing one and one of
// another account are both "not found". Any other failure (the database,
// a request that ended) is returned as it is, never as "not found": a
// token asked for while the database is away must not answer that the
// project does not exist (401), nor one whose client hung up count as a
// bad login.
func (tx *Tx) ProjectOf(accountID, id string) (domain.Project, error) {
	p, err := tx.Project(id)
	if err == nil && p.AccountID != accountID {
		return domain.Project{}, domain.ErrNotFound("project").About(id)
	}
	return p, err
}

// ProjectByName returns an account's project by name.
func (tx *Tx) ProjectByName(accountID, name string) (domain.Project, error) {
	var p domain.Project
	return p, take(tx.db.Where("account_id = ? AND name = ?", accountID, name), &p, domain.ErrNotFound("project").About(name))
}

// Projects returns an account's projects, by region and name. An empty
// regionID means every region.
func (tx *Tx) Projects(accountID, regionID string) ([]domain.Project, error) {
	if regionID == "" {
		return tx.projects(`SELECT `+projectCols+` FROM projects WHERE account_id = ? ORDER BY region_id, name`, accountID)
	}
	return tx.projects(`SELECT `+projectCols+` FROM projects WHERE account_id = ? AND region_id = ? ORDER BY name`, accountID, regionID)
}

// ProjectNames maps project IDs to "account / project", the name an owner
// recognizes a recipient project by (every account has a "cn-north-4").
func (tx *Tx) ProjectNames(ids []string) (map[string]string, error) {
	names := make(map[string]string, len(ids))
	err := chunks(domain.Unique(ids), func(part []string) error {
		q, args := with(`SELECT projects.id, accounts.name, projects.name FROM projects
			JOIN accounts ON accounts.id = projects.account_id WHERE projects.id IN (…)`, part)
		return tx.rows(func(r *sql.Rows) error {
			var id, account, name string
			if err := r.Scan(&id, &account, &name); err != nil {
				return err
			}
			names[id] = account + " / " + name
			return nil
		}, q, args...)
	})
	return names, err
}

// UserAccount is a user with its account, read in one statement.
type UserAccount struct {
	User    domain.User
	Account domain.Account
}

// userAccountCols are scanUserAccount's columns, FROM userAccountJoin.
const (
	userAccountCols = `users.id, users.account_id, users.name, users.password_hash, users.disabled, users.created_at,
	accounts.id, accounts.name, accounts.site, accounts.created_at`
	userAccountJoin = ` FROM users JOIN accounts ON accounts.id = users.account_id`
)

func scanUserAccount(r *sql.Rows, ua *UserAccount, extra ...any) error {
	u, a := &ua.User, &ua.Account
	return r.Scan(append([]any{&u.ID, &u.AccountID, &u.Name, &u.PasswordHash, &u.Disabled, nullTime{&u.CreatedAt},
		&a.ID, &a.Name, &a.Site, nullTime{&a.CreatedAt}}, extra...)...)
}

// UserAccountByID returns a user and its account.
func (tx *Tx) UserAccountByID(userID string) (UserAccount, error) {
	var ua UserAccount
	found, err := tx.row(func(r *sql.Rows) error { return scanUserAccount(r, &ua) },
		`SELECT `+userAccountCols+userAccountJoin+` WHERE users.id = ?`, userID)
	if err == nil && !found {
		err = domain.ErrNotFound("user").About(userID)
	}
	return ua, err
}

// UserRegions is a user with its account, every region, and the
// account's projects in all of them.
type UserRegions struct {
	UserAccount
	Regions  []domain.Region  // by ID
	Projects []domain.Project // by region, then name
}

// UserRegions reads a user, its account, the regions and the account's
// projects in one statement: the console needs them all on every page. A
// user of no region still reads (with none); an unknown user is not found.
func (tx *Tx) UserRegions(userID string) (UserRegions, error) {
	var out UserRegions
	found := false
	err := tx.rows(func(r *sql.Rows) error {
		var rid, rname, rsites, pid, pacc, preg, pname sql.NullString
		var pcreated time.Time
		if err := scanUserAccount(r, &out.UserAccount, &rid, &rname, &rsites, &pid, &pacc, &preg, &pname, nullTime{&pcreated}); err != nil {
			return err
		}
		found = true
		if n := len(out.Regions); rid.Valid && (n == 0 || out.Regions[n-1].ID != rid.String) {
			out.Regions = append(out.Regions, domain.Region{ID: rid.String, Name: rname.String, Sites: rsites.String})
		}
		if pid.Valid {
			out.Projects = append(out.Projects, domain.Project{ID: pid.String, AccountID: pacc.String, RegionID: preg.String, Name: pname.String, CreatedAt: pcreated})
		}
		return nil
	}, `SELECT `+userAccountCols+`, regions.id, regions.name, regions.sites, `+projectCols+userAccountJoin+`
		LEFT JOIN regions ON TRUE
		LEFT JOIN projects ON projects.account_id = users.account_id AND projects.region_id = regions.id
		WHERE users.id = ? ORDER BY regions.id, projects.name`, userID)
	if err == nil && !found {
		err = domain.ErrNotFound("user").About(userID)
	}
	return out, err
}

// OrgNode returns an organization node by ID.
func (tx *Tx) OrgNode(id string) (domain.OrgNode, error) {
	var n domain.OrgNode
	return n, take(tx.db.Where("id = ?", id), &n, domain.ErrNotFound("organization node").About(id))
}

// OrgNodes returns the nodes with the given IDs.
func (tx *Tx) OrgNodes(ids []string) ([]domain.OrgNode, error) {
	var ns []domain.OrgNode
	if len(ids) == 0 {
		return ns, nil
	}
	return ns, wrap(tx.db.Where("id IN ?", ids).Order("path").Find(&ns).Error)
}

// OrgTree returns every node of an organization, parents before children.
func (tx *Tx) OrgTree(orgID string) ([]domain.OrgNode, error) {
	var ns []domain.OrgNode
	return ns, wrap(tx.db.Where("org_id = ?", orgID).Order("path").Find(&ns).Error)
}

// OrgMembership returns the node an account belongs to; ok is false when
// the account is in no organization.
func (tx *Tx) OrgMembership(accountID string) (node domain.OrgNode, ok bool, err error) {
	ok, err = tx.row(func(r *sql.Rows) error {
		return r.Scan(&node.ID, &node.Kind, &node.OrgID, &node.ParentID, &node.Name, &node.MgmtAccountID, &node.Path)
	}, `SELECT org_nodes.id, org_nodes.kind, org_nodes.org_id, COALESCE(org_nodes.parent_id, ''), org_nodes.name,
		org_nodes.mgmt_account_id, org_nodes.path
		FROM org_members JOIN org_nodes ON org_nodes.id = org_members.node_id WHERE org_members.account_id = ?`, accountID)
	return node, ok, err
}

// AccountsUnder returns the IDs of accounts in the subtree of the node.
func (tx *Tx) AccountsUnder(node domain.OrgNode) ([]string, error) {
	var ids []string
	err := tx.db.Model(&domain.OrgMember{}).
		Joins("JOIN org_nodes ON org_nodes.id = org_members.node_id").
		// A subtree is a path prefix; substr keeps IDs literal where LIKE
		// would read "_" as a wildcard, and works on SQLite and PostgreSQL.
		Where("substr(org_nodes.path, 1, ?) = ?", len(node.Path), node.Path).
		Order("org_members.account_id").
		Pluck("org_members.account_id", &ids).Error
	return ids, wrap(err)
}

// Placements maps every account to where it stands: its project IDs and its
// organization node. What is shared with an account depends on nothing
// else, so an account whose placement is unchanged needs no re-sync.
func (tx *Tx) Placements() (map[string]string, error) {
	var projects []domain.Project
	if err := tx.db.Select("id", "account_id").Order("account_id, id").Find(&projects).Error; err != nil {
		return nil, wrap(err)
	}
	var members []domain.OrgMember
	if err := tx.db.Find(&members).Error; err != nil {
		return nil, wrap(err)
	}
	place := map[string]string{}
	for _, p := range projects {
		place[p.AccountID] += p.ID + ","
	}
	for _, m := range members {
		place[m.AccountID] += "@" + m.NodeID
	}
	return place, nil
}
