package world

import (
	"context"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// Admin carries the administrator's commands on the world. Each runs in one
// transaction; errors name what to fix.
type Admin struct {
	st *store.Store
}

// NewAdmin returns the administrator's commands on st.
func NewAdmin(st *store.Store) *Admin { return &Admin{st: st} }

// CreateAccount creates an account on a site, with its default projects.
// An empty id derives one from the name.
func (ad *Admin) CreateAccount(ctx context.Context, name, site, id string) (domain.Account, error) {
	var acc domain.Account
	err := ad.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.AccountByName(name); err == nil {
			return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "An account named %s already exists.", name).About(name)
		}
		if id != "" && !hexPattern.MatchString(id) {
			return domain.ErrInvalid("id", "The account ID must be 32 lowercase hexadecimal characters.")
		}
		var err error
		acc, err = ensureAccount(tx, name, id, site)
		return err
	})
	return acc, err
}

// CreateUser adds an IAM user to an account.
func (ad *Admin) CreateUser(ctx context.Context, accountName, userName, password string) error {
	hash, err := hashPassword(password) // outside the transaction: bcrypt is slow
	if err != nil {
		return err
	}
	return ad.st.Write(ctx, func(tx *store.Tx) error {
		acc, err := tx.AccountByName(accountName)
		if err != nil {
			return err
		}
		if _, err := tx.User(acc.ID, userName); err == nil {
			return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "Account %s already has a user named %s.", accountName, userName).About(userName)
		}
		return ensureUser(tx, acc, userName, hash)
	})
}

// SetPassword changes a user's password and ends every console session and
// API token of the user, on every server: whoever knew the old password is
// logged out.
func (ad *Admin) SetPassword(ctx context.Context, accountName, userName, password string) error {
	hash, err := hashPassword(password) // outside the transaction: bcrypt is slow
	if err != nil {
		return err
	}
	return ad.st.Write(ctx, func(tx *store.Tx) error {
		acc, err := tx.AccountByName(accountName)
		if err != nil {
			return err
		}
		u, err := tx.User(acc.ID, userName)
		if err != nil {
			return err
		}
		if err := tx.SetPassword(u.ID, hash); err != nil {
			return err
		}
		_, err = tx.RevokeUser(u.ID)
		return err
	})
}

// DisableUser stops a user from logging in and ends every console session
// and API token of the user at once, on every server; EnableUser lets the
// user log in again (sessions ended stay ended).
func (ad *Admin) DisableUser(ctx context.Context, accountName, userName string) (revoked int, err error) {
	err = ad.st.Write(ctx, func(tx *store.Tx) error {
		u, err := ad.user(tx, accountName, userName)
		if err != nil {
			return err
		}
		if err := tx.SetUserDisabled(u.ID, true); err != nil {
			return err
		}
		revoked, err = tx.RevokeUser(u.ID)
		return err
	})
	return revoked, err
}

// EnableUser lets a disabled user log in again.
func (ad *Admin) EnableUser(ctx context.Context, accountName, userName string) error {
	return ad.st.Write(ctx, func(tx *store.Tx) error {
		u, err := ad.user(tx, accountName, userName)
		if err != nil {
			return err
		}
		return tx.SetUserDisabled(u.ID, false)
	})
}

func (ad *Admin) user(tx *store.Tx, accountName, userName string) (domain.User, error) {
	acc, err := tx.AccountByName(accountName)
	if err != nil {
		return domain.User{}, err
	}
	return tx.User(acc.ID, userName)
}

// CreateProject adds a project to an account in a region offered on its site.
func (ad *Admin) CreateProject(ctx context.Context, accountName, projectName, regionID string) (domain.Project, error) {
	var p domain.Project
	err := ad.st.Write(ctx, func(tx *store.Tx) error {
		acc, err := tx.AccountByName(accountName)
		if err != nil {
			return err
		}
		if _, err := tx.ProjectByName(acc.ID, projectName); err == nil {
			return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "Account %s already has a project named %s.", accountName, projectName).About(projectName)
		}
		p, err = ensureProject(tx, acc, projectName, regionID)
		return err
	})
	return p, err
}

// CreateOrganization creates an organization managed by an account, with
// its root, and returns the root.
func (ad *Admin) CreateOrganization(ctx context.Context, id, name, mgmtAccount, rootID string) (domain.OrgNode, error) {
	var root domain.OrgNode
	err := ad.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.OrgNode(id); err == nil {
			return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "Organization %s already exists.", id).About(id)
		}
		mgmt, err := tx.AccountByName(mgmtAccount)
		if err != nil {
			return err
		}
		root, err = ensureOrganization(tx, id, name, rootID, mgmt)
		return err
	})
	return root, err
}

// CreateOU creates an OU under a root or another OU.
func (ad *Admin) CreateOU(ctx context.Context, parentID, id, name string) (domain.OrgNode, error) {
	var ou domain.OrgNode
	err := ad.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.OrgNode(id); err == nil {
			return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "%s already exists.", id).About(id)
		}
		parent, err := tx.OrgNode(parentID)
		if err != nil {
			return err
		}
		ou, err = ensureOU(tx, parent, id, name)
		return err
	})
	return ou, err
}

// Attach places an account under a root or OU, and returns its ID.
func (ad *Admin) Attach(ctx context.Context, accountName, nodeID string) (string, error) {
	var accountID string
	err := ad.st.Write(ctx, func(tx *store.Tx) error {
		node, err := tx.OrgNode(nodeID)
		if err != nil {
			return err
		}
		acc, err := tx.AccountByName(accountName)
		if err != nil {
			return err
		}
		accountID = acc.ID
		return attach(tx, accountName, node)
	})
	return accountID, err
}
