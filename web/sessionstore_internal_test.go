package web

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
)

// A session's values read back as they were saved; sessions saved by the
// version that stored gob still read; a value the console never keeps is
// an error, not silently dropped.
func TestSessionValuesRoundTrip(t *testing.T) {
	values := map[any]any{keyUser: "u-1", keyRegion: "r1", keyProject: "p\"<1>", keyStarted: int64(1_796_000_000),
		keySeen: int64(-1), keyFlash: []any{"success|Shared.", "error|名称 | with a bar"}}
	data, err := encodeValues(values)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeValues(data)
	if err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("JSON: read back %#v, %v; want %#v", got, err, values)
	}
	var old bytes.Buffer
	if err := gob.NewEncoder(&old).Encode(values); err != nil {
		t.Fatal(err)
	}
	if got, err := decodeValues(old.Bytes()); err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("gob: read back %#v, %v; want %#v", got, err, values)
	}
	if got, err := decodeValues(nil); err == nil && len(got) != 0 {
		t.Errorf("nothing stored read as %v", got)
	}
	for _, bad := range []map[any]any{{keyUser: 3.5}, {1: "x"}, {keyFlash: []any{1}}} {
		if _, err := encodeValues(bad); err == nil {
			t.Errorf("%v: saved without an error", bad)
		}
	}
	if _, err := decodeValues([]byte("{not json")); err == nil {
		t.Error("a damaged record read without an error")
	}
}
