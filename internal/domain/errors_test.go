package domain

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"imageshare/internal/testnet"
)

// ClientGone tells an answer the client did not stay for (a cancelled
// request, a write to a connection it closed or reset) from a failure.
func TestClientGone(t *testing.T) {
	for _, c := range []struct {
		err  error
		gone bool
	}{
		{ErrClientGone(), true},
		{Errorf(KindCancelled, CodeCancelled, "err.cancelled"), true},
		{fmt.Errorf("send: %w", testnet.ClosedWrite()), true},
		{os.NewSyscallError("write", syscall.ECONNRESET), true},
		{errors.New("disk full"), false},
		{Errorf(KindInternal, CodeInternal, "err.internal"), false},
		{Errorf(KindUnavailable, CodeBusy, "err.timed_out"), false},
	} {
		if got := ClientGone(c.err); got != c.gone {
			t.Errorf("ClientGone(%v) = %v, want %v", c.err, got, c.gone)
		}
	}
}
