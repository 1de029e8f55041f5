package domain

import "time"

// WebSession is a console session, kept server-side so that logging out,
// a password change or disabling a user ends it on every server at once.
// The browser's cookie holds a random secret; only its SHA-256 is stored,
// like a token's. An anonymous session (a message after logging out) has
// no user.
type WebSession struct {
	Hash      string    `gorm:"primaryKey;size:64"`
	UserID    string    `gorm:"size:32;index"`
	Data      []byte    `gorm:"not null"`
	ExpiresAt time.Time `gorm:"index;not null"`
}

// AuthFailure counts recent failed authentications of one key: a user at
// one client address, or a client address. Kept in the database, so that
// every server counts the same failures and a restart forgets none.
type AuthFailure struct {
	Key          string    `gorm:"primaryKey;size:64"` // SHA-256 of the key
	Failures     int       `gorm:"not null"`
	LastFailure  time.Time `gorm:"index;not null"`
	BlockedUntil time.Time `gorm:"not null"`
}
