package views

import (
	"net/url"
	"testing"
)

func TestQueryMatchesEncode(t *testing.T) {
	cases := [][]string{{"b", "2", "a", "1"}, {"x", ""}, {"z", "1", "a", "", "m", "é &="}, {"k", "1", "k", "2", "a", "3"}}
	for _, kv := range cases {
		q := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				q.Add(kv[i], kv[i+1])
			}
		}
		want := "/p"
		if len(q) > 0 {
			want += "?" + q.Encode()
		}
		if got := Query("/p", kv...); got != want {
			t.Errorf("%v: got %q want %q", kv, got, want)
		}
	}
}
