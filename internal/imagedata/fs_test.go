package imagedata_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"imageshare/internal/imagedata"
)

const key = "0f1e2d3c-0000-4000-8000-000000000001"

func newFS(t *testing.T) (*imagedata.FS, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "images")
	s, err := imagedata.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func keys(t *testing.T, s *imagedata.FS) []string {
	t.Helper()
	var out []string
	if err := s.Keys(context.Background(), func(k string, _ time.Time) error { out = append(out, k); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

type failAfter struct {
	r io.Reader
	n int
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

// A Put that fails midway stores nothing under its key and leaves no
// temporary file; a whole Put reads back byte for byte.
func TestPutIsAllOrNothing(t *testing.T) {
	s, dir := newFS(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("imageshare"), 100000)
	if _, err := s.Put(ctx, key, &failAfter{r: bytes.NewReader(data), n: 5000}); err == nil {
		t.Fatal("a broken Put succeeded")
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, imagedata.ErrNotFound) {
		t.Errorf("after a broken Put, Open: %v, want ErrNotFound", err)
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(tmp) != 0 {
		t.Errorf("a broken Put left %d temporary files", len(tmp))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Put(cancelled, key, bytes.NewReader(data)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v", err)
	}
	n, err := s.Put(ctx, key, bytes.NewReader(data))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Put: %d, %v", n, err)
	}
	obj, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	got, _ := io.ReadAll(obj)
	if !bytes.Equal(got, data) || obj.Size() != int64(len(data)) {
		t.Errorf("read back %d bytes (size %d), want %d", len(got), obj.Size(), len(data))
	}
	if _, err := s.Put(ctx, "../../etc/passwd", bytes.NewReader(data)); !errors.Is(err, imagedata.ErrBadKey) {
		t.Errorf("a key naming a path: %v, want ErrBadKey", err)
	}
}

// A copy shares nothing mutable with its source: deleting the source
// leaves the copy whole.
func TestCopyOutlivesItsSource(t *testing.T) {
	s, _ := newFS(t)
	ctx := context.Background()
	if _, err := s.Put(ctx, key, bytes.NewReader([]byte("payload"))); err != nil {
		t.Fatal(err)
	}
	const cp = "0f1e2d3c-0000-4000-8000-000000000002"
	if err := s.Copy(ctx, key, cp); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("deleting a missing object: %v", err)
	}
	obj, err := s.Open(ctx, cp)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(obj)
	obj.Close()
	if string(got) != "payload" {
		t.Errorf("the copy reads %q", got)
	}
	if ks := keys(t, s); len(ks) != 1 || ks[0] != cp {
		t.Errorf("keys %v, want only the copy", ks)
	}
	if err := s.Copy(ctx, key, "0f1e2d3c-0000-4000-8000-000000000003"); !errors.Is(err, imagedata.ErrNotFound) {
		t.Errorf("copying a missing object: %v", err)
	}
}

// Clean removes temporary files of Puts that stopped, not fresh ones.
func TestCleanRemovesOnlyStaleTemporaryFiles(t *testing.T) {
	s, dir := newFS(t)
	stale := filepath.Join(dir, "tmp", key+".123.part")
	fresh := filepath.Join(dir, "tmp", key+".456.part")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	n, err := s.Clean(context.Background(), time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("Clean: %d, %v; want 1", n, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale temporary file is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the fresh temporary file is gone: %v", err)
	}
}
