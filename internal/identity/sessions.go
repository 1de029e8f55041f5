package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// NewSessionSecret returns a fresh random console session secret: what the
// browser's cookie holds.
func NewSessionSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidSessionSecret reports whether s has the shape NewSessionSecret gives.
func ValidSessionSecret(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

// Session returns the stored data of a live console session, read in one
// statement or from memory while it is current (kept); ok is false when
// the secret names none (never stored, logged out, expired, revoked).
func (s *Service) Session(ctx context.Context, secret string) (data []byte, ok bool, err error) {
	if !ValidSessionSecret(secret) {
		return nil, false, nil
	}
	hash, now := HashToken(secret), s.now()
	ws, ok, err := s.webSessions.lookup(hash, now,
		func(ws domain.WebSession) bool { return now.Before(ws.ExpiresAt) },
		func() (domain.WebSession, bool, error) { return s.st.One(ctx).WebSession(hash, now) })
	if s.webSessions != nil {
		ws.Data = slices.Clone(ws.Data) // what is kept is shared
	}
	return ws.Data, ok, err
}

// SaveSession stores a console session's data until expires. userID is the
// logged-in user ("" for an anonymous session); a session of a user who is
// gone or disabled is not stored.
func (s *Service) SaveSession(ctx context.Context, secret, userID string, data []byte, expires time.Time) error {
	if !ValidSessionSecret(secret) {
		return domain.ErrInvalid("session", "Not a session secret.")
	}
	return s.st.Write(ctx, func(tx *store.Tx) error {
		if userID != "" {
			u, err := tx.UserByID(userID)
			if err != nil {
				return err
			}
			if u.Disabled {
				return domain.ErrNotFound("user").About(userID)
			}
		}
		return tx.PutWebSession(domain.WebSession{Hash: HashToken(secret), UserID: userID, Data: data, ExpiresAt: expires})
	})
}

// EndSession deletes a console session at once (logging out); expired
// sessions go with it.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	return s.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteExpiredWebSessions(s.now()); err != nil {
			return err
		}
		return tx.DeleteWebSession(HashToken(secret))
	})
}
