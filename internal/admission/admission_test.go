package admission

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// At most Size holders are in at once, however many arrive together, and
// every one of them gets in.
func TestGateLetsInAtMostItsSize(t *testing.T) {
	g := New(3)
	var in, most, done atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, release, err := g.Enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			n := in.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(200 * time.Microsecond)
			in.Add(-1)
			release()
			done.Add(1)
		}()
	}
	wg.Wait()
	if most.Load() != 3 || done.Load() != 50 {
		t.Fatalf("at most %d in at once (want 3), %d of 50 got in", most.Load(), done.Load())
	}
}

// A full gate gives up when the caller's context ends, with its error.
func TestEnterGivesUpWithTheContext(t *testing.T) {
	g := New(1)
	_, release, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := g.Enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Enter on a full gate = %v, want the context's deadline", err)
	}
}

// Releasing twice frees one slot, not two; Leave frees the slot the
// context carries and nothing else.
func TestReleaseAndLeaveFreeOneSlot(t *testing.T) {
	g := New(2)
	ctx, release, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, other, _ := g.Enter(context.Background())
	defer other()
	if !Holds(ctx) || len(g.slots) != 2 {
		t.Fatalf("after two entries: holds %v, %d slots taken", Holds(ctx), len(g.slots))
	}
	Leave(ctx)
	Leave(ctx)
	release()
	if Holds(ctx) || len(g.slots) != 1 {
		t.Fatalf("after Leave twice and release: holds %v, %d slots taken (want 1: the other holder's)", Holds(ctx), len(g.slots))
	}
	Leave(context.Background()) // no slot: nothing to do
	if len(g.slots) != 1 {
		t.Fatalf("Leave without a slot freed someone else's: %d taken", len(g.slots))
	}
}
