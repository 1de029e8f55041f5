package store

import (
	"database/sql"
	"time"

	"imageshare/internal/domain"
)

// Token returns the API token with the given hash.
func (tx *Tx) Token(hash string) (domain.Token, error) {
	var t domain.Token
	return t, take(tx.db.Where("hash = ?", hash), &t, domain.ErrNotFound("token"))
}

// DeleteToken removes a token; a missing one is not an error.
func (tx *Tx) DeleteToken(hash string) error {
	tx.identityChanged = true
	return wrap(tx.db.Where("hash = ?", hash).Delete(&domain.Token{}).Error)
}

// DeleteExpiredTokens removes every token that expired before now.
func (tx *Tx) DeleteExpiredTokens(now time.Time) error {
	return wrap(tx.db.Where("expires_at < ?", now).Delete(&domain.Token{}).Error)
}

// TokenSession is an API token with everything a request made with it
// needs: its user and account, and the project it is scoped to.
type TokenSession struct {
	Token domain.Token
	UserAccount
	Project domain.Project
}

// tokenRow is the packed column of a token session.
var tokenRow = pack(key("users.id"), txt("users.name"), key("accounts.id"), txt("accounts.name"), txt("accounts.site"),
	key("tokens.audit_id"), val("tokens.issued_at"), val("tokens.expires_at"), key("projects.id"), txt("projects.region_id"), txt("projects.name"))

// TokenSession returns the unexpired token with the given hash, its user,
// account and project, in one statement: every API request starts with it.
// A token that expired by now, or whose user is disabled, or whose user,
// account or project is gone or no longer the token's account's, is not
// found.
func (tx *Tx) TokenSession(hash string, now time.Time) (TokenSession, error) {
	s := TokenSession{Token: domain.Token{Hash: hash}}
	t, u, a, p := &s.Token, &s.User, &s.Account, &s.Project
	found, err := tx.row(func(r *sql.Rows) error {
		row, err := tx.unpack(r, tokenRow)
		if err != nil {
			return err
		}
		u.ID, u.Name, a.ID, a.Name, a.Site = row.str(), row.str(), row.str(), row.str(), row.str()
		t.AuditID, t.IssuedAt, t.ExpiresAt = row.str(), row.time(), row.time()
		p.ID, p.RegionID, p.Name = row.str(), row.str(), row.str()
		t.UserID, t.AccountID, t.ProjectID = u.ID, a.ID, p.ID
		u.AccountID, p.AccountID = a.ID, a.ID
		return row.err
	}, `SELECT `+tx.sel(tokenRow)+` FROM tokens
		JOIN users ON users.id = tokens.user_id AND users.account_id = tokens.account_id
		JOIN accounts ON accounts.id = tokens.account_id
		JOIN projects ON projects.id = tokens.project_id AND projects.account_id = tokens.account_id
		WHERE tokens.hash = ? AND tokens.expires_at > ? AND users.disabled = ?`, hash, now, false)
	if err == nil && !found {
		err = domain.ErrNotFound("token")
	}
	return s, err
}
