package identity

import (
	"sync"
	"sync/atomic"
	"time"
)

// SessionWatch tells whether what was read of tokens, users, accounts,
// regions and projects, or of a console session, is still current
// (store.IdentityWatch on PostgreSQL): what was read while the generation
// was g is current while the generation is still g. While the watch is not
// live, nothing is kept.
type SessionWatch interface {
	Generation() (gen uint64, live bool)
	// SessionGeneration is the generation of the console session of hash.
	SessionGeneration(hash string) (gen uint64, live bool)
}

// Limits of what is kept. The age limit is a safety net only: every change
// is announced, but a connection that died without a word could hide one
// for as long as it takes TCP to notice.
const (
	keptMost   = 10_000
	keptMaxAge = time.Minute
)

// kept keeps values read from the database in memory, by key, where
// reading one is a round trip to another process: API token sessions,
// console viewers and console sessions on PostgreSQL (see
// store.IdentityWatch for why, and how changes are seen at once). A
// revoked token, a disabled user, a new or changed project, a saved
// session: each advances the watch's generation of the values it makes,
// and every value kept under an older one is read again. A nil *kept keeps
// nothing.
type kept[V any] struct {
	stamp   func(key string) (gen uint64, live bool) // the watch's generation of key
	entries sync.Map                                 // key → keptValue[V]
	size    atomic.Int64
}

type keptValue[V any] struct {
	v   V
	gen uint64
	at  time.Time
}

// newKept keeps values under the generation stamp gives their key; a nil
// stamp (no watch) keeps none.
func newKept[V any](stamp func(key string) (uint64, bool)) *kept[V] {
	if stamp == nil {
		return nil
	}
	return &kept[V]{stamp: stamp}
}

// generation is the watch's generation of key and whether values may be
// kept. It is taken before the read: a change announced while a value is
// read leaves what was read stale.
func (c *kept[V]) generation(key string) (uint64, bool) {
	if c == nil {
		return 0, false
	}
	return c.stamp(key)
}

// lookup returns the value kept for key while it is current and valid
// says it still holds at now, or else reads it; what read finds is kept
// (found false, or an error, is not).
func (c *kept[V]) lookup(key string, now time.Time, valid func(V) bool, read func() (v V, found bool, err error)) (V, bool, error) {
	gen, keep := c.generation(key)
	if keep {
		if v, ok := c.get(key, gen, now); ok && valid(v) {
			return v, true, nil
		}
	}
	v, found, err := read()
	if found && err == nil && keep {
		c.put(key, v, gen, now)
	}
	return v, found, err
}

// always is the validity of values that hold for as long as they are
// current.
func always[V any](V) bool { return true }

// get returns the value kept for key if it was read under generation gen
// and is younger than the age limit.
func (c *kept[V]) get(key string, gen uint64, now time.Time) (V, bool) {
	var zero V
	e, ok := c.entries.Load(key)
	if !ok {
		return zero, false
	}
	k := e.(keptValue[V])
	if k.gen != gen || now.Sub(k.at) >= keptMaxAge {
		return zero, false
	}
	return k.v, true
}

// put keeps a value read under generation gen. A full cache is emptied:
// it is only ever a shortcut.
func (c *kept[V]) put(key string, v V, gen uint64, now time.Time) {
	if _, loaded := c.entries.Swap(key, keptValue[V]{v: v, gen: gen, at: now}); loaded {
		return
	}
	if c.size.Add(1) > keptMost {
		c.entries.Clear()
		c.size.Store(0)
	}
}
