package store_test

import (
	"context"
	"testing"

	"imageshare/internal/admission"
	"imageshare/internal/store"
)

// On SQLite a write gives up the request's admission slot before waiting
// for the one writer's turn, so that a queue of writers never holds the
// slots reads compute in; on PostgreSQL, whose writers do not queue in
// Go, it keeps it. A read keeps it on both.
func TestWriteLeavesTheAdmissionGateOnSQLite(t *testing.T) {
	st := openStore(t)
	g := admission.New(1)
	ctx, release, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := st.Read(ctx, func(*store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if !admission.Holds(ctx) {
		t.Fatal("a read gave up its admission slot")
	}
	var held bool
	if err := st.Write(ctx, func(*store.Tx) error { held = admission.Holds(ctx); return nil }); err != nil {
		t.Fatal(err)
	}
	if sqlite := pg == nil; held == sqlite {
		t.Fatalf("inside a write on SQLite=%v the request holds its slot: %v", sqlite, held)
	}
}
