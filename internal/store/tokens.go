package store

import (
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
