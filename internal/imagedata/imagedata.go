// Package imagedata keeps the bytes of images: one object per key, written
// whole and never changed afterwards. The sharing service decides what is
// stored and when; this package only stores. The file system is the
// default Storage; another (object storage) needs only the interface.
package imagedata

import (
	"context"
	"errors"
	"io"
	"time"
)

// Storage keeps image data. Keys are what the sharing service generates
// (UUIDs); an object becomes visible under its key only once it is
// complete and durable, so a crash never leaves a partial object there.
type Storage interface {
	// Put stores everything r yields under key and returns its size. On
	// any error (r's included) nothing is stored under key.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the object under key; ErrNotFound when there is none.
	Open(ctx context.Context, key string) (Object, error)
	// Copy stores a copy of the object under from as to.
	Copy(ctx context.Context, from, to string) error
	// Delete removes the object under key; a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// Keys calls fn with the key of every stored object and the last time
	// the object was stored under a name (written, copied or linked).
	Keys(ctx context.Context, fn func(key string, changed time.Time) error) error
	// Clean removes what interrupted Puts left behind, untouched for at
	// least olderThan (a running Put keeps touching its own).
	Clean(ctx context.Context, olderThan time.Duration) (int, error)
}

// Object is stored data being read: seekable, so that HTTP range requests
// read only what they ask for.
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// ErrNotFound is Open's answer for a key with no object.
var ErrNotFound = errors.New("imagedata: no such object")

// ErrBadKey refuses a key that is not one the service generates.
var ErrBadKey = errors.New("imagedata: malformed key")

// validKey reports whether key is a lowercase UUID-like token: hex digits
// and dashes, 8 to 64 of them, so that no key can name a path elsewhere.
func validKey(key string) bool {
	if len(key) < 8 || len(key) > 64 {
		return false
	}
	for _, r := range key {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || r == '-') {
			return false
		}
	}
	return true
}
