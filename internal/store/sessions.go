package store

import (
	"database/sql"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"imageshare/internal/domain"
)

// WebSession returns a live console session by its hash; ok is false when
// there is none or it expired.
func (tx *Tx) WebSession(hash string, now time.Time) (s domain.WebSession, ok bool, err error) {
	s.Hash = hash
	ok, err = tx.row(func(r *sql.Rows) error {
		var uid sql.NullString
		err := r.Scan(&uid, &s.Data, nullTime{&s.ExpiresAt})
		s.UserID = uid.String
		return err
	}, `SELECT user_id, data, expires_at FROM web_sessions WHERE hash = ? AND expires_at > ?`, hash, now)
	return s, ok, err
}

// PutWebSession stores a console session, replacing the one of that hash.
func (tx *Tx) PutWebSession(s domain.WebSession) error {
	tx.webSessions = append(tx.webSessions, s.Hash)
	return wrap(tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&s).Error)
}

// DeleteWebSession removes a console session; a missing one is not an error.
func (tx *Tx) DeleteWebSession(hash string) error {
	tx.webSessions = append(tx.webSessions, hash)
	return wrap(tx.db.Where("hash = ?", hash).Delete(&domain.WebSession{}).Error)
}

// DeleteExpiredWebSessions removes sessions that expired before now.
func (tx *Tx) DeleteExpiredWebSessions(now time.Time) error {
	return wrap(tx.db.Where("expires_at <= ?", now).Delete(&domain.WebSession{}).Error)
}

// RevokeUser ends every console session and API token of a user, and
// returns how many there were.
func (tx *Tx) RevokeUser(userID string) (int, error) {
	tx.identityChanged = true
	s := tx.db.Where("user_id = ?", userID).Delete(&domain.WebSession{})
	if s.Error != nil {
		return 0, wrap(s.Error)
	}
	t := tx.db.Where("user_id = ?", userID).Delete(&domain.Token{})
	return int(s.RowsAffected + t.RowsAffected), wrap(t.Error)
}

// SetUserDisabled disables or enables a user.
func (tx *Tx) SetUserDisabled(userID string, disabled bool) error {
	tx.identityChanged = true
	res := tx.db.Model(&domain.User{}).Where("id = ?", userID).Update("disabled", disabled)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrNotFound("user").About(userID)
	}
	return wrap(res.Error)
}

// AuthFailure returns the failure count of a key, locked against
// concurrent changes until the transaction ends; a key without failures is
// the zero value with that key.
//
// One statement inserts the row or, when it is there, updates it to itself,
// which takes its lock: PostgreSQL guarantees an upsert one outcome or the
// other. An insert that skipped a row it found and a lock taken after it
// lose the row whenever a concurrent success deletes it in between, which
// a script asking for tokens in parallel does all the time.
func (tx *Tx) AuthFailure(key string) (domain.AuthFailure, error) {
	f := domain.AuthFailure{Key: key}
	err := tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.Assignments(map[string]any{"key": gorm.Expr("excluded.key")}),
	}, clause.Returning{}).Create(&f).Error
	return f, wrap(err)
}

// AuthFailureOf reads the failure count of a key without locking it or
// writing anything (the zero value when it has none): for the check that
// every signed request makes.
func (tx *Tx) AuthFailureOf(key string) (domain.AuthFailure, error) {
	var f domain.AuthFailure
	err := tx.db.Where("key = ?", key).Limit(1).Find(&f).Error
	return f, wrap(err)
}

// PutAuthFailure stores a key's failure count.
func (tx *Tx) PutAuthFailure(f domain.AuthFailure) error {
	return wrap(tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&f).Error)
}

// DeleteAuthFailure forgets a key's failures.
func (tx *Tx) DeleteAuthFailure(key string) error {
	return wrap(tx.db.Where("key = ?", key).Delete(&domain.AuthFailure{}).Error)
}

// DeleteStaleAuthFailures forgets failures last seen before cutoff that
// block nothing any more.
func (tx *Tx) DeleteStaleAuthFailures(cutoff, now time.Time) error {
	return wrap(tx.db.Where("last_failure < ? AND blocked_until < ?", cutoff, now).Delete(&domain.AuthFailure{}).Error)
}
