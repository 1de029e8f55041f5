// Package testnet holds the network's failures as tests of several
// packages meet them. It imports nothing of ImageShare, so that any
// package's tests (in-package ones too) can use it.
package testnet

import (
	"net"
	"net/http/httptest"
	"os"
	"syscall"
)

// ClosedWrite is the error of a write to a connection the client closed:
// what net/http's response writer returns once the client has gone.
func ClosedWrite() error {
	return &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}
}

// GoneClient is a response writer whose client has gone: every write of
// the body fails as a write to a closed connection does (ClosedWrite). The
// status and headers are still recorded.
type GoneClient struct{ *httptest.ResponseRecorder }

func (GoneClient) Write([]byte) (int, error) { return 0, ClosedWrite() }

// NewGoneClient is a GoneClient over a new recorder.
func NewGoneClient() GoneClient { return GoneClient{httptest.NewRecorder()} }
