package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// ErrTokenInvalid is the one answer to a missing, unknown, expired or
// revoked API token.
func ErrTokenInvalid() *domain.Error {
	return domain.Errorf(domain.KindUnauthorized, domain.CodeUnauthorized, "The request you have made requires authentication.")
}

// HashToken is what the store keeps of a token: its SHA-256, in hex.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// IssueToken creates an API token for an authenticated principal, scoped to
// one of its account's projects, valid for ttl. The secret is returned once
// and never stored.
func (s *Service) IssueToken(ctx context.Context, p Principal, projectID string, ttl time.Duration) (secret string, tok domain.Token, err error) {
	proj, err := s.Project(ctx, p.AccountID, projectID)
	if err != nil {
		return "", tok, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", tok, err
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	audit := make([]byte, 12)
	_, _ = rand.Read(audit)
	now := s.now()
	tok = domain.Token{Hash: HashToken(secret), UserID: p.UserID, AccountID: p.AccountID, ProjectID: proj.ID,
		AuditID: base64.RawURLEncoding.EncodeToString(audit), IssuedAt: now, ExpiresAt: now.Add(ttl)}
	err = s.st.Write(ctx, func(tx *store.Tx) error {
		// Expired tokens go as new ones come, so the table stays small.
		if err := tx.DeleteExpiredTokens(now); err != nil {
			return err
		}
		return tx.Create(&tok)
	})
	return secret, tok, err
}

// TokenSession is what a valid API token stands for: its user, acting in
// the project the token is scoped to.
type TokenSession struct {
	Token     domain.Token
	Principal Principal
	Project   domain.Project
}

// Token returns the session a token secret names, in one statement (every
// API request asks), or from memory while it is current (kept). An
// unknown or expired token, or one whose user is disabled or whose user,
// account or project is gone, is ErrTokenInvalid.
func (s *Service) Token(ctx context.Context, secret string) (TokenSession, error) {
	if secret == "" {
		return TokenSession{}, ErrTokenInvalid()
	}
	hash, now := HashToken(secret), s.now()
	ts, _, err := s.sessions.lookup(hash, now,
		func(ts TokenSession) bool { return now.Before(ts.Token.ExpiresAt) },
		func() (TokenSession, bool, error) {
			row, err := s.st.One(ctx).TokenSession(hash, now)
			if err != nil {
				return TokenSession{}, false, err
			}
			return TokenSession{Token: row.Token, Principal: principalOf(row.UserAccount), Project: row.Project}, true, nil
		})
	switch {
	case IsNotFound(err):
		return TokenSession{}, ErrTokenInvalid()
	case err != nil:
		return TokenSession{}, err
	}
	return ts, nil
}

// RevokeToken deletes a token at once and records it as a logout (S25).
func (s *Service) RevokeToken(ctx context.Context, secret string) error {
	ts, err := s.Token(ctx, secret)
	if err != nil {
		return err
	}
	if err := s.st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteToken(ts.Token.Hash) }); err != nil {
		return err
	}
	s.Record(ctx, ts.Principal, domain.ActLogout, domain.ResultSuccess, "api token "+ts.Token.AuditID+" revoked")
	return nil
}
