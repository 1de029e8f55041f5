package identity

import (
	"strconv"
	"testing"
	"time"
)

// TestKeptStaysBounded: the cache never holds more than its size;
// when it is full it starts again empty, and keeps what comes next.
func TestKeptStaysBounded(t *testing.T) {
	c := newKept[TokenSession](func(string) (uint64, bool) { return 7, true })
	now := time.Now()
	ts := TokenSession{}
	ts.Token.ExpiresAt = now.Add(time.Hour)
	count := func() int {
		n := 0
		c.entries.Range(func(any, any) bool { n++; return true })
		return n
	}
	for i := range keptMost {
		c.put(strconv.Itoa(i), ts, 7, now)
	}
	c.put("0", ts, 7, now) // again: not one more
	if n := count(); n != keptMost {
		t.Fatalf("the cache holds %d sessions after %d distinct ones, want all", n, keptMost)
	}
	c.put("one too many", ts, 7, now)
	if n := count(); n != 0 {
		t.Fatalf("the full cache holds %d sessions after one more, want none (started again)", n)
	}
	c.put("next", ts, 7, now)
	if _, ok := c.get("next", 7, now); !ok || count() != 1 {
		t.Fatalf("after starting again the cache holds %d sessions and not the next one", count())
	}
}
