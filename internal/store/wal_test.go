package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Under a steady stream of writes, with readers reading all along, the
// write-ahead log stays bounded: each checkpoint that finds it longer than
// walRestartFrames starts it over (a passive checkpoint alone never
// catches up with the commits made while it runs, and the log grew
// without end). Issue 7: 460 MB in 10 s of adding members.
//
// What is asserted is what each checkpoint did, not how long the log got:
// that length depends on how late a loaded machine runs the checkpointer
// (5–8 MB here idle, 17.7 MB once in CI), and without the restart it was
// 14–49 MB over runs, so no length told the two apart every time.
//
// Nor does the log's header: a check that the commit after each restart
// began a new log (its checkpoint sequence number) failed for 0–2 of 25
// restarts a run with RESTART (a reader that took a read mark in the
// moment after the checkpoint keeps the writer from starting over; the
// next tick does) and for 0–4 with PASSIVE in its place (with writers
// held, a passive checkpoint copies all too, and readers rarely hold the
// log): this workload cannot tell the two modes apart.
func TestWriteAheadLogStaysBoundedUnderSteadyWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("writes for a few seconds")
	}
	// The checkpointer ticks every 50 commits, about as often as a 5 ms
	// timer on an idle machine, and as a timer's, a tick is dropped while
	// it is busy.
	defer func(clock func() (<-chan time.Time, func()), frames int) {
		checkpointClock, walRestartFrames, checkpointed = clock, frames, nil
	}(checkpointClock, walRestartFrames)
	tick := make(chan time.Time, 1)
	checkpointClock = func() (<-chan time.Time, func()) { return tick, func() {} }
	walRestartFrames = 256 // 1 MB of 4 KB pages
	var mu sync.Mutex
	var over, restarted int
	checkpointed = func(frames int, done bool) {
		mu.Lock()
		defer mu.Unlock()
		if frames <= walRestartFrames {
			t.Errorf("a checkpoint restarted a log of %d pages, shorter than the %d it should let be", frames, walRestartFrames)
		}
		over++
		if done {
			restarted++
		}
	}
	path := filepath.Join(t.TempDir(), "wal.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	var stop atomic.Bool
	readerDone := make(chan error)
	go func() { // readers all along, as a busy server has
		var err error
		for !stop.Load() && err == nil {
			err = st.Read(ctx, func(tx *Tx) error {
				_, err := tx.scalar(`SELECT COUNT(*) FROM settings`)
				return err
			})
		}
		readerDone <- err
	}()
	value := strings.Repeat("x", 3000) // a page of its own, and index pages
	var largest int64
	for i := 0; i < 6000; i++ {
		err := st.Write(ctx, func(tx *Tx) error {
			_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
				"k"+strconv.Itoa(i%2000), value+strconv.Itoa(i))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 {
			select {
			case tick <- time.Now():
			default:
			}
		}
		if i%100 == 0 {
			if fi, err := os.Stat(path + "-wal"); err == nil {
				largest = max(largest, fi.Size())
			}
		}
	}
	stop.Store(true)
	if err := <-readerDone; err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil { // the checkpointer has stopped
		t.Fatal(err)
	}
	// 6,000 commits of two or three pages each make 39 MB of log: the log
	// passes 1 MB again and again, and every time the checkpoint that sees
	// it starts it over while the writes and reads go on.
	mu.Lock()
	defer mu.Unlock()
	if over < 10 {
		t.Errorf("%d checkpoints found the log past %d pages in 6,000 commits, want 10 or more", over, walRestartFrames)
	}
	if restarted != over {
		t.Errorf("%d of %d checkpoints that found the log past %d pages started it over, want all", restarted, over, walRestartFrames)
	}
	t.Logf("%d restarts; largest log: %.1f MB", restarted, float64(largest)/(1<<20))
}
