package store

import (
	"imageshare/internal/domain"
)

// Region returns a region by ID.
func (tx *Tx) Region(id string) (domain.Region, error) {
	var r domain.Region
	return r, take(tx.db.Where("id = ?", id), &r, domain.ErrNotFound("region").About(id))
}

// Regions returns every region, by ID.
func (tx *Tx) Regions() ([]domain.Region, error) {
	var rs []domain.Region
	return rs, wrap(tx.db.Order("id").Find(&rs).Error)
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
	var a domain.Account
	return a, take(tx.db.Where("id = ?", id), &a, domain.ErrNotFound("account").About(id))
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
	if len(ids) == 0 {
		return names, nil
	}
	var as []domain.Account
	if err := tx.db.Select("id", "name").Where("id IN ?", ids).Find(&as).Error; err != nil {
		return nil, wrap(err)
	}
	for _, a := range as {
		names[a.ID] = a.Name
	}
	return names, nil
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
	res := tx.db.Model(&domain.User{}).Where("id = ?", userID).Update("password_hash", hash)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrNotFound("user").About(userID)
	}
	return wrap(res.Error)
}

// Project returns a project by ID.
func (tx *Tx) Project(id string) (domain.Project, error) {
	var p domain.Project
	return p, take(tx.db.Where("id = ?", id), &p, domain.ErrNotFound("project").About(id))
}

// ProjectByName returns an account's project by name.
func (tx *Tx) ProjectByName(accountID, name string) (domain.Project, error) {
	var p domain.Project
	return p, take(tx.db.Where("account_id = ? AND name = ?", accountID, name), &p, domain.ErrNotFound("project").About(name))
}

// Projects returns an account's projects, by region and name. An empty
// regionID means every region.
func (tx *Tx) Projects(accountID, regionID string) ([]domain.Project, error) {
	q := tx.db.Where("account_id = ?", accountID)
	if regionID != "" {
		q = q.Where("region_id = ?", regionID)
	}
	var ps []domain.Project
	return ps, wrap(q.Order("region_id, name").Find(&ps).Error)
}

// ProjectsOfAccounts returns the projects of the given accounts in a region.
func (tx *Tx) ProjectsOfAccounts(accountIDs []string, regionID string) ([]domain.Project, error) {
	var ps []domain.Project
	if len(accountIDs) == 0 {
		return ps, nil
	}
	return ps, wrap(tx.db.Where("account_id IN ? AND region_id = ?", accountIDs, regionID).Order("id").Find(&ps).Error)
}

// ProjectNames maps project IDs to "account / project", the name an owner
// recognizes a recipient project by (every account has a "cn-north-4").
func (tx *Tx) ProjectNames(ids []string) (map[string]string, error) {
	names := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	var rows []struct{ ID, Name, AccountName string }
	err := tx.db.Model(&domain.Project{}).Select("projects.id, projects.name, accounts.name AS account_name").
		Joins("JOIN accounts ON accounts.id = projects.account_id").Where("projects.id IN ?", ids).Scan(&rows).Error
	for _, r := range rows {
		names[r.ID] = r.AccountName + " / " + r.Name
	}
	return names, wrap(err)
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
	var m domain.OrgMember
	if err := tx.db.Where("account_id = ?", accountID).Limit(1).Find(&m).Error; err != nil {
		return node, false, wrap(err)
	}
	if m.AccountID == "" {
		return node, false, nil
	}
	node, err = tx.OrgNode(m.NodeID)
	return node, err == nil, err
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
