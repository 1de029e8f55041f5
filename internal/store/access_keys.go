package store

import (
	"time"

	"imageshare/internal/domain"
)

// errNoAccessKey is what any key the caller may not see is: not found.
func errNoAccessKey(id string) *domain.Error {
	return domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "err.access_key_missing", id).About(id)
}

// AccessKey returns an access key by its AK, whoever owns it (signature
// verification looks keys up by AK alone).
func (tx *Tx) AccessKey(id string) (domain.AccessKey, error) {
	var k domain.AccessKey
	return k, take(tx.db.Where("id = ?", id), &k, errNoAccessKey(id))
}

// AccountAccessKey returns one of an account's access keys; another
// account's is not found.
func (tx *Tx) AccountAccessKey(accountID, id string) (domain.AccessKey, error) {
	var k domain.AccessKey
	return k, take(tx.db.Where("account_id = ? AND id = ?", accountID, id), &k, errNoAccessKey(id))
}

// AccessKeys returns a user's access keys, oldest first.
func (tx *Tx) AccessKeys(userID string) ([]domain.AccessKey, error) {
	var ks []domain.AccessKey
	return ks, wrap(tx.db.Where("user_id = ?", userID).Order("created_at, id").Find(&ks).Error)
}

// CountAccessKeys returns how many access keys a user has.
func (tx *Tx) CountAccessKeys(userID string) (int, error) {
	var n int64
	err := tx.db.Model(&domain.AccessKey{}).Where("user_id = ?", userID).Count(&n).Error
	return int(n), wrap(err)
}

// SetAccessKeyEnabled enables or disables one of a user's access keys.
func (tx *Tx) SetAccessKeyEnabled(userID, id string, enabled bool) error {
	res := tx.db.Model(&domain.AccessKey{}).Where("user_id = ? AND id = ?", userID, id).Update("enabled", enabled)
	if res.Error == nil && res.RowsAffected == 0 {
		return errNoAccessKey(id)
	}
	return wrap(res.Error)
}

// DeleteAccessKey removes one of a user's access keys.
func (tx *Tx) DeleteAccessKey(userID, id string) error {
	res := tx.db.Where("user_id = ? AND id = ?", userID, id).Delete(&domain.AccessKey{})
	if res.Error == nil && res.RowsAffected == 0 {
		return errNoAccessKey(id)
	}
	return wrap(res.Error)
}

// TouchAccessKey records that a key signed a request at t, unless a later
// use is already recorded.
func (tx *Tx) TouchAccessKey(id string, t time.Time) error {
	return wrap(tx.db.Model(&domain.AccessKey{}).Where("id = ? AND last_used_at < ?", id, t).Update("last_used_at", t).Error)
}
