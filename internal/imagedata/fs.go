package imagedata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// FS is Storage in a directory: DIR/ab/KEY for a key starting with "ab",
// written through DIR/tmp: a temporary file, fsynced, then renamed into
// place and its directory fsynced.
type FS struct {
	dir string
}

// NewFS returns file system storage in dir, creating it.
func NewFS(dir string) (*FS, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("imagedata: create %s: %w", dir, err)
	}
	return &FS{dir: dir}, nil
}

// Dir is the storage's directory.
func (s *FS) Dir() string { return s.dir }

func (s *FS) path(key string) string { return filepath.Join(s.dir, key[:2], key) }

const tmpSuffix = ".part"

// Put implements Storage.
func (s *FS) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if !validKey(key) {
		return 0, ErrBadKey
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), key+".*"+tmpSuffix)
	if err != nil {
		return 0, fmt.Errorf("imagedata: %w", err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err != nil {
		return n, err
	}
	// The data reaches the disk before its name does: after a crash the
	// key holds the whole object or nothing.
	if err := f.Sync(); err != nil {
		return n, fmt.Errorf("imagedata: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return n, fmt.Errorf("imagedata: close: %w", err)
	}
	dst := s.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return n, fmt.Errorf("imagedata: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return n, fmt.Errorf("imagedata: %w", err)
	}
	done = true
	return n, syncDir(filepath.Dir(dst))
}

// ctxReader stops a copy when its context ends (the client went away, the
// server shuts down).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// syncDir makes a rename or a new link in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("imagedata: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("imagedata: sync %s: %w", dir, err)
	}
	return nil
}

// fileObject is an open file as an Object.
type fileObject struct {
	*os.File
	info fs.FileInfo
}

func (o fileObject) Size() int64        { return o.info.Size() }
func (o fileObject) ModTime() time.Time { return o.info.ModTime() }

// Open implements Storage.
func (s *FS) Open(_ context.Context, key string) (Object, error) {
	if !validKey(key) {
		return nil, ErrBadKey
	}
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("imagedata: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("imagedata: %w", err)
	}
	return fileObject{f, info}, nil
}

// Copy implements Storage: a hard link (objects never change, so two names
// can share one file, and deleting either leaves the other whole), or a
// full copy where the file system has no links.
func (s *FS) Copy(ctx context.Context, from, to string) error {
	if !validKey(from) || !validKey(to) {
		return ErrBadKey
	}
	dst := s.path(to)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("imagedata: %w", err)
	}
	err := os.Link(s.path(from), dst)
	if err == nil {
		return syncDir(filepath.Dir(dst))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	src, err := s.Open(ctx, from)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = s.Put(ctx, to, src)
	return err
}

// Delete implements Storage.
func (s *FS) Delete(_ context.Context, key string) error {
	if !validKey(key) {
		return ErrBadKey
	}
	err := os.Remove(s.path(key))
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("imagedata: %w", err)
}

// Keys implements Storage.
func (s *FS) Keys(ctx context.Context, fn func(key string, changed time.Time) error) error {
	shards, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("imagedata: %w", err)
	}
	for _, sh := range shards {
		if !sh.IsDir() || sh.Name() == "tmp" {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.dir, sh.Name()))
		if err != nil {
			return fmt.Errorf("imagedata: %w", err)
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !f.Type().IsRegular() || !validKey(f.Name()) || !strings.HasPrefix(f.Name(), sh.Name()) {
				continue
			}
			info, err := f.Info()
			if err != nil {
				continue // deleted meanwhile
			}
			if err := fn(f.Name(), changeTime(info)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Clean implements Storage: temporary files of Puts that did not finish.
func (s *FS) Clean(_ context.Context, olderThan time.Duration) (int, error) {
	tmp := filepath.Join(s.dir, "tmp")
	files, err := os.ReadDir(tmp)
	if err != nil {
		return 0, fmt.Errorf("imagedata: %w", err)
	}
	n := 0
	for _, f := range files {
		info, err := f.Info()
		if err != nil || !strings.HasSuffix(f.Name(), tmpSuffix) || time.Since(info.ModTime()) < olderThan {
			continue
		}
		if os.Remove(filepath.Join(tmp, f.Name())) == nil {
			n++
		}
	}
	return n, nil
}
