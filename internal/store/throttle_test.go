package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// A user's failure count is read and locked by every login attempt and
// deleted by every success. Logins of one user in parallel (a script that
// asks for tokens) must never see the row vanish between the two: on
// PostgreSQL a delete committed between the insert and the lock used to
// answer "not found", which reached the client as a 404.
func TestAuthFailureSurvivesConcurrentSuccesses(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	const key, workers, rounds = "user:acme/alice@127.0.0.1", 8, 60
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				err := st.Write(ctx, func(tx *store.Tx) error {
					f, err := tx.AuthFailure(key)
					if err != nil {
						return err
					}
					f.Failures++
					f.LastFailure = time.Now()
					return tx.PutAuthFailure(f)
				})
				if err != nil {
					errs <- err
				}
				if err := st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteAuthFailure(key) }); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 3 {
			t.Errorf("a login's throttling step failed: %v", err)
		}
	}
	if n > 3 {
		t.Errorf("… and %d more", n-3)
	}
}

// The locking read of a failure count gives back what was stored, and the
// zero value with its key for a key never seen.
func TestAuthFailureReadsWhatWasStored(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	last := time.Date(2026, 11, 30, 21, 4, 5, 0, time.UTC)
	stored := domain.AuthFailure{Key: "addr:127.0.0.1", Failures: 7, LastFailure: last, BlockedUntil: last.Add(time.Minute)}
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.PutAuthFailure(stored) }); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]domain.AuthFailure{stored.Key: stored, "addr:127.0.0.2": {Key: "addr:127.0.0.2"}} {
		var got domain.AuthFailure
		err := st.Write(ctx, func(tx *store.Tx) (err error) { got, err = tx.AuthFailure(key); return err })
		if err != nil {
			t.Fatal(err)
		}
		if got.Key != want.Key || got.Failures != want.Failures || !got.LastFailure.Equal(want.LastFailure) || !got.BlockedUntil.Equal(want.BlockedUntil) {
			t.Errorf("%s: read %+v, want %+v", key, got, want)
		}
	}
}

// A request its client closed is not a failure of the server: the store
// says "cancelled" (logged as 499, not an error), and a request that ran
// out of time says "try again" (503), never "internal error".
func TestCancelledAndTimedOutRequestsAreNotInternalErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want domain.Kind
	}{
		{context.Canceled, domain.KindCancelled},
		{fmt.Errorf("query: %w", context.Canceled), domain.KindCancelled},
		{context.DeadlineExceeded, domain.KindUnavailable},
	} {
		if got := domain.KindOf(store.Wrap(c.err)); got != c.want {
			t.Errorf("%v: kind %q, want %q", c.err, got, c.want)
		}
	}
}
