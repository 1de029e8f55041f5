package main

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"imageshare/internal/identity"
	"imageshare/internal/store"
)

func TestAccessKeyCommandLine(t *testing.T) {
	data := t.TempDir()
	if _, err := cli(t, "", "world", "load", writeDemo(t, data), "--data", data); err != nil {
		t.Fatal(err)
	}
	lastLine := regexp.MustCompile(`(?m)^([A-Z0-9]{20}) ([A-Za-z0-9]{40})\n\z`)
	out, err := cli(t, "", "access-key", "create", "acme", "alice", "--data", data)
	m := lastLine.FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("create: %q, %v; want the last line to be \"AK SK\"", out, err)
	}
	ak, sk := m[1], m[2]
	if _, err := cli(t, "", "access-key", "create", "acme", "alice", "--data", data); err != nil {
		t.Fatalf("second key: %v", err)
	}
	if _, err := cli(t, "", "access-key", "create", "acme", "alice", "--data", data); err == nil || !strings.Contains(err.Error(), "most a user can have") {
		t.Errorf("third key: %v, want a refusal naming the limit", err)
	}
	list, err := cli(t, "", "access-key", "list", "acme", "alice", "--data", data)
	if err != nil || !strings.Contains(list, ak) || strings.Contains(list, sk) || strings.Count(list, "enabled") != 2 {
		t.Errorf("list: %q, %v; want both keys enabled, and no SK", list, err)
	}

	// The key is the server's: the SK the command printed verifies a
	// signature with the secret key the data directory keeps.
	secret, err := config{DataDir: data}.secretKey()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(data, "imageshare.db"))
	if err != nil {
		t.Fatal(err)
	}
	id := identity.New(st, identity.DefaultThrottling(), identity.WithSecretKey(secret))
	r := identity.SignedRequest{Method: "GET", Path: "/v2/cloudimages", Query: url.Values{}, Host: "127.0.0.1", Header: http.Header{}}
	r.Header.Set(identity.HeaderSdkDate, time.Now().UTC().Format(identity.SdkDateFormat))
	sts, err := identity.StringToSign(r, []string{"x-sdk-date"})
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+ak+", SignedHeaders=x-sdk-date, Signature="+identity.Signature(sk, sts))
	if p, _, err := id.AuthenticateSigned(context.Background(), r, "127.0.0.1"); err != nil || p.UserName != "alice" {
		t.Errorf("the printed key signs as %q: %v; want alice", p.UserName, err)
	}
	_ = st.Close()

	for _, c := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"access-key", "delete", "bravo", ak}, "does not exist"}, // another account's key
		{[]string{"access-key", "create", "acme", "nobody"}, "does not exist"},
		{[]string{"access-key", "create", "acme"}, "expected 2 argument"},
	} {
		if _, err := cli(t, "", append(c.args, "--data", data)...); err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%v: %v, want an error containing %q", c.args, err, c.wantErr)
		}
	}
	if out, err := cli(t, "", "access-key", "delete", "acme", ak, "--data", data); err != nil || !strings.Contains(out, "deleted access key "+ak) {
		t.Errorf("delete: %q, %v", out, err)
	}
	list, _ = cli(t, "", "access-key", "list", "acme", "alice", "--data", data)
	if strings.Contains(list, ak) || strings.Count(list, "enabled") != 1 {
		t.Errorf("after delete: %q, want only the other key", list)
	}
}
