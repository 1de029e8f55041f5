package domain

import "time"

// Token is an API token (Keystone v3 style) scoped to one project. Only the
// SHA-256 of the token is stored, never the token itself: a copy of the
// database gives nobody a usable token.
type Token struct {
	Hash      string    `gorm:"primaryKey;size:64"`
	UserID    string    `gorm:"size:32;index;not null"`
	AccountID string    `gorm:"size:32;not null"`
	ProjectID string    `gorm:"size:32;not null"`
	AuditID   string    `gorm:"size:32;not null"` // names the token in logs and token bodies
	IssuedAt  time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"index;not null"`
}
