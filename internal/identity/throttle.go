package identity

import (
	"sync"
	"time"
)

// Throttle counts failed attempts per key (a user, a client address) in a
// sliding window and blocks a key that fails too often. It is in memory:
// a restart forgives, which is acceptable for a single-server console.
type Throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	keys   map[string]*attempts
}

type attempts struct {
	fails        []time.Time
	blockedUntil time.Time
}

// NewThrottle blocks a key for window once it has failed max times within window.
func NewThrottle(max int, window time.Duration) *Throttle {
	return &Throttle{max: max, window: window, now: time.Now, keys: map[string]*attempts{}}
}

// SetClock replaces the clock (tests).
func (t *Throttle) SetClock(now func() time.Time) { t.now = now }

// Blocked returns how long key is still blocked (0 when it is not).
func (t *Throttle) Blocked(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.keys[key]
	if a == nil {
		return 0
	}
	return max(0, a.blockedUntil.Sub(t.now()))
}

// Fail counts a failed attempt for key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.keys) > 100_000 {
		t.sweep(now)
	}
	a := t.keys[key]
	if a == nil {
		a = &attempts{}
		t.keys[key] = a
	}
	a.fails = append(recent(a.fails, now.Add(-t.window)), now)
	if len(a.fails) >= t.max {
		a.blockedUntil = now.Add(t.window)
		a.fails = nil
	}
}

// Reset forgets key's failures (after a successful login).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// sweep drops keys with nothing recent, so memory stays bounded.
func (t *Throttle) sweep(now time.Time) {
	for k, a := range t.keys {
		if a.blockedUntil.Before(now) && len(recent(a.fails, now.Add(-t.window))) == 0 {
			delete(t.keys, k)
		}
	}
}

func recent(ts []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(since) {
		i++
	}
	return ts[i:]
}
