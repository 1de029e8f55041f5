package identity

import (
	"sync"
	"sync/atomic"
	"time"
)

// SessionWatch tells whether token sessions read from the database are
// still current (store.IdentityWatch on PostgreSQL): a session read while
// the generation was g is current while the generation is still g. While
// the watch is not live, nothing is kept.
type SessionWatch interface {
	Generation() (gen uint64, live bool)
}

// Limits of the token session cache. The age limit is a safety net only:
// every change is announced, but a connection that died without a word
// could hide one for as long as it takes TCP to notice.
const (
	sessionCacheSize   = 10_000
	sessionCacheMaxAge = time.Minute
)

// sessionCache keeps token sessions in memory, by token hash, where
// reading one is a round trip to another process (see store.IdentityWatch
// for why, and how changes are seen at once). A revoked token, a disabled
// user, a changed project: each advances the watch's generation, and
// every session kept under an older one is read again.
type sessionCache struct {
	watch   SessionWatch
	entries sync.Map // token hash → keptSession
	size    atomic.Int64
}

type keptSession struct {
	ts  TokenSession
	gen uint64
	at  time.Time
}

// generation is the watch's generation and whether sessions may be kept.
func (c *sessionCache) generation() (uint64, bool) {
	if c == nil {
		return 0, false
	}
	return c.watch.Generation()
}

// get returns the session kept for hash if it was read under generation
// gen, is younger than the age limit, and its token has not expired by now.
func (c *sessionCache) get(hash string, gen uint64, now time.Time) (TokenSession, bool) {
	v, ok := c.entries.Load(hash)
	if !ok {
		return TokenSession{}, false
	}
	k := v.(keptSession)
	if k.gen != gen || now.Sub(k.at) >= sessionCacheMaxAge || !now.Before(k.ts.Token.ExpiresAt) {
		return TokenSession{}, false
	}
	return k.ts, true
}

// put keeps a session read under generation gen (taken before the read:
// a change announced during the read leaves it stale at once). A full
// cache is emptied: it is only ever a shortcut.
func (c *sessionCache) put(hash string, ts TokenSession, gen uint64, now time.Time) {
	if _, loaded := c.entries.Swap(hash, keptSession{ts: ts, gen: gen, at: now}); loaded {
		return
	}
	if c.size.Add(1) > sessionCacheSize {
		c.entries.Clear()
		c.size.Store(0)
	}
}
