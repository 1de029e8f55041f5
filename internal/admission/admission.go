// Package admission bounds how many requests compute at once.
//
// Why a bound helps a server that is already CPU-bound: when more request
// goroutines are runnable than there are cores, Go (and under it the
// kernel) shares the cores among them, so every request is slowed by all
// the others and a few wait much longer than the rest. Worse, with every P
// busy no thread sits in the network poller: a request that has arrived is
// noticed only when a P runs out of work. With a gate of as many slots as
// cores, and more Ps than cores (cmd/imageshare doubles GOMAXPROCS), the
// requests that compute run undisturbed, one spare P always answers the
// network, and the others wait their turn in arrival order. On two cores
// at 100,000 shares this took a Glance list's p99 from 20-27 ms to 7-8 ms
// at the same rate (README, "Admission").
//
// A request holds its slot while it computes its answer, not while it
// waits on anything with a queue of its own (SQLite's one writer) or on a
// client: web releases the slot when the response starts, and Leave gives
// it up early.
package admission

import (
	"context"
	"sync"
)

// Gate lets a fixed number of holders in at once, in arrival order.
type Gate struct {
	slots chan struct{}
}

// New returns a gate of n slots (at least one).
func New(n int) *Gate {
	return &Gate{slots: make(chan struct{}, max(n, 1))}
}

// Enter waits for a slot, or for ctx to end (its error is returned). The
// returned context carries the slot, for Leave; release gives it back and
// may be called any number of times.
func (g *Gate) Enter(ctx context.Context) (_ context.Context, release func(), err error) {
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx, func() {}, ctx.Err()
	}
	t := &ticket{slots: g.slots, held: true}
	return context.WithValue(ctx, ticketKey{}, t), t.release, nil
}

type ticketKey struct{}

// ticket is one holder's slot. A handler may hand its context to
// goroutines of its own, so releasing is guarded.
type ticket struct {
	slots chan struct{}
	mu    sync.Mutex
	held  bool
}

func (t *ticket) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.held {
		t.held = false
		<-t.slots
	}
}

// Leave gives up the slot ctx carries for the rest of the request, before
// work that would keep it without using a core: waiting in a queue of its
// own (SQLite's single writer) or slow work that must not hold every other
// request behind it (password hashing). Without a slot in ctx it does
// nothing.
func Leave(ctx context.Context) {
	if t, ok := ctx.Value(ticketKey{}).(*ticket); ok {
		t.release()
	}
}

// Holds reports whether ctx holds a slot of a gate.
func Holds(ctx context.Context) bool {
	t, ok := ctx.Value(ticketKey{}).(*ticket)
	if !ok {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.held
}
