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

// TokenSession returns the token with the given hash, its user, account and
// project, in one statement: every API request starts with it. A token
// whose user, account or project is gone is not found.
func (tx *Tx) TokenSession(hash string) (TokenSession, error) {
	var s TokenSession
	t, p := &s.Token, &s.Project
	found, err := tx.row(func(r *sql.Rows) error {
		return scanUserAccount(r, &s.UserAccount, &t.Hash, &t.UserID, &t.AccountID, &t.ProjectID, &t.AuditID,
			nullTime{&t.IssuedAt}, nullTime{&t.ExpiresAt}, &p.ID, &p.AccountID, &p.RegionID, &p.Name, nullTime{&p.CreatedAt})
	}, `SELECT `+userAccountCols+`, tokens.hash, tokens.user_id, tokens.account_id, tokens.project_id, tokens.audit_id,
		tokens.issued_at, tokens.expires_at, `+projectCols+userAccountJoin+`
		JOIN tokens ON tokens.user_id = users.id
		JOIN projects ON projects.id = tokens.project_id
		WHERE tokens.hash = ?`, hash)
	if err == nil && !found {
		err = domain.ErrNotFound("token")
	}
	return s, err
}
