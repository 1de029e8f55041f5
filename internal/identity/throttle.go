package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// Throttling slows down password guessing without locking out the real
// user. Failures are counted per user at one client address, and per client
// address over every user; past a number of free failures each key is held
// back for a delay that doubles with every further failure, up to MaxDelay.
// A user's failures at one address never hold the user back at another, so
// the right password from a clean address still works. The counts are in
// the database: every server counts the same failures, and a restart
// forgets none.
type Throttling struct {
	UserFree  int           // failures of a user at one address before delays begin
	AddrFree  int           // failures at one address, any user, before delays begin
	BaseDelay time.Duration // the first delay
	MaxDelay  time.Duration // the longest delay
	Window    time.Duration // failures older than this are forgotten
}

// DefaultThrottling is five free guesses per user and address, fifty per
// address, then 30 s, 1 min, 2 min … up to 15 minutes.
func DefaultThrottling() Throttling {
	return Throttling{UserFree: 5, AddrFree: 50, BaseDelay: 30 * time.Second, MaxDelay: 15 * time.Minute, Window: time.Hour}
}

// delay is how long a key is held back after its failures-th failure.
func (t Throttling) delay(failures, free int) time.Duration {
	if failures < free {
		return 0
	}
	d := t.BaseDelay
	for i := free; i < failures && d < t.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.MaxDelay)
}

// throttleKeys are the stored keys of a user at an address and of the
// address: hashes, so that no name or address is kept in clear.
func throttleKeys(accountName, userName, clientAddr string) (user, addr string) {
	h := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	return h("user:" + strings.ToLower(accountName) + "/" + strings.ToLower(userName) + "@" + clientAddr), h("addr:" + clientAddr)
}

// errThrottled is the answer while a key is held back (429 at the edge).
func errThrottled(wait time.Duration) *domain.Error {
	if wait < time.Minute {
		return domain.Errorf(domain.KindQuota, domain.CodeUnauthorized, "err.login_throttled.seconds", int(wait.Seconds())+1)
	}
	return domain.Errorf(domain.KindQuota, domain.CodeUnauthorized, "err.login_throttled.minutes", int(wait.Minutes())+1)
}

// reserve refuses an attempt while the user at the address, or the
// address, is held back; otherwise it counts the attempt as a failure of
// the user at the address before the password is checked, so that parallel
// guesses cannot all slip through before any failure is recorded. A
// success then forgets it (succeeded).
func (s *Service) reserve(ctx context.Context, accountName, userName, clientAddr string) error {
	userKey, addrKey := throttleKeys(accountName, userName, clientAddr)
	return s.st.Write(ctx, func(tx *store.Tx) error {
		now := s.now()
		u, err := tx.AuthFailure(userKey)
		if err != nil {
			return err
		}
		a, err := tx.AuthFailure(addrKey)
		if err != nil {
			return err
		}
		if wait := max(u.BlockedUntil.Sub(now), a.BlockedUntil.Sub(now)); wait > 0 {
			return errThrottled(wait)
		}
		return tx.PutAuthFailure(s.counted(u, now, s.throttle.UserFree))
	})
}

// counted is f with one more failure at now.
func (s *Service) counted(f domain.AuthFailure, now time.Time, free int) domain.AuthFailure {
	if now.Sub(f.LastFailure) > s.throttle.Window {
		f.Failures = 0
	}
	f.Failures++
	f.LastFailure = now
	if d := s.throttle.delay(f.Failures, free); d > 0 {
		f.BlockedUntil = now.Add(d)
	}
	return f
}

// succeeded forgets the failures of a user at an address after a login.
func (s *Service) succeeded(ctx context.Context, accountName, userName, clientAddr string) error {
	userKey, _ := throttleKeys(accountName, userName, clientAddr)
	return s.st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteAuthFailure(userKey) })
}

// failedAt counts a failure of the address (the user's was reserved).
func (s *Service) failedAt(ctx context.Context, clientAddr string) error {
	_, addrKey := throttleKeys("", "", clientAddr)
	return s.st.Write(ctx, func(tx *store.Tx) error {
		now := s.now()
		a, err := tx.AuthFailure(addrKey)
		if err != nil {
			return err
		}
		if err := tx.PutAuthFailure(s.counted(a, now, s.throttle.AddrFree)); err != nil {
			return err
		}
		// Old counts go as new failures come, so the table stays small.
		return tx.DeleteStaleAuthFailures(now.Add(-s.throttle.Window), now)
	})
}

// Throttled returns the throttling refusal while a user (by account and
// user name) at clientAddr, or clientAddr itself, is held back; nil when an
// attempt may go ahead. Other ways of authenticating (access keys, say) ask
// it before checking a secret and call FailedAuthentication after a wrong
// one, so that every way counts toward the same limits.
func (s *Service) Throttled(ctx context.Context, accountName, userName, clientAddr string) error {
	userKey, addrKey := throttleKeys(accountName, userName, clientAddr)
	// A read, not a write transaction: every signed API request asks, and
	// a write would queue them all behind SQLite's one writer.
	tx := s.st.One(ctx)
	now := s.now()
	var wait time.Duration
	for _, k := range []string{userKey, addrKey} {
		f, err := tx.AuthFailureOf(k)
		if err != nil {
			return err
		}
		wait = max(wait, f.BlockedUntil.Sub(now))
	}
	if wait > 0 {
		return errThrottled(wait)
	}
	return nil
}

// FailedAuthentication counts a failed authentication of a user (by account
// and user name, either of which may be unknown) from clientAddr toward the
// throttling that password logins share, and records it in the account's
// trail (S25) when the account exists. channel says where it came from
// ("console", "api", "access key"); detail is added to the trail and must
// hold no secret.
func (s *Service) FailedAuthentication(ctx context.Context, accountName, userName, clientAddr, channel, detail string) error {
	userKey, _ := throttleKeys(accountName, userName, clientAddr)
	if err := s.st.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.AuthFailure(userKey)
		if err != nil {
			return err
		}
		return tx.PutAuthFailure(s.counted(u, s.now(), s.throttle.UserFree))
	}); err != nil {
		return err
	}
	if err := s.failedAt(ctx, clientAddr); err != nil {
		return err
	}
	s.recordFailure(ctx, accountName, userName, clientAddr, channel, detail)
	return nil
}

// recordFailure writes a failed login to the trail of the account named,
// if there is one (the trail names the user tried, never the password).
func (s *Service) recordFailure(ctx context.Context, accountName, userName, clientAddr, channel, detail string) {
	acc, err := s.st.One(ctx).AccountByName(accountName)
	if err != nil {
		return
	}
	userID := ""
	if u, err := s.st.One(ctx).User(acc.ID, userName); err == nil {
		userID = u.ID
	}
	msg := channel + " from " + clientAddr
	if detail != "" {
		msg += ": " + detail
	}
	s.record(ctx, acc.ID, userID, userName, domain.ActLoginFailed, domain.ResultFailure, msg)
}
