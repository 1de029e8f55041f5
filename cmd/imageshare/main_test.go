package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/identity"
)

func init() { identity.PasswordCost = bcrypt.MinCost }

func cli(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(args, strings.NewReader(stdin), &out)
	return out.String(), err
}

func TestAdminCommandLine(t *testing.T) {
	data := t.TempDir()
	worldFile := filepath.Join(data, "world.yaml")
	demo, _ := cli(t, "", "world", "demo")
	if err := os.WriteFile(worldFile, []byte(demo), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args     []string
		stdin    string
		wantOut  string
		wantErr  string
		wantCode int
	}{
		{[]string{"world", "load", worldFile, "--data", data}, "", "5 accounts", "", 0},
		{[]string{"account", "create", "newco", "--site", "intl", "--data", data}, "", "created account newco", "", 0},
		{[]string{"account", "create", "newco", "--site", "intl", "--data", data}, "", "", "already exists", 1},
		{[]string{"account", "create", "zed", "--site", "mars", "--data", data}, "", "", "Unknown site", 1},
		{[]string{"account", "create", "zed", "--data", data}, "", "", "--site is required", 2},
		{[]string{"user", "create", "newco", "neo", "--data", data}, "a-long-password\n", "created user neo", "", 0},
		{[]string{"user", "passwd", "newco", "neo", "--password", "short", "--data", data}, "", "", "at least 8", 1},
		{[]string{"user", "passwd", "newco", "neo", "--password", "much-longer-pw", "--data", data}, "", "changed the password", "", 0},
		{[]string{"project", "create", "newco", "cn-north-4_x", "--region", "cn-north-4", "--data", data}, "", "created project", "", 0},
		{[]string{"project", "create", "newco", "p2", "--region", "cn-north-1", "--data", data}, "", "", "not offered", 1},
		{[]string{"org", "create", "o-newco", "--name", "NewCo", "--management", "newco", "--data", data}, "", "created organization o-newco with root r-newc", "", 0},
		{[]string{"ou", "create", "ou-sales", "--parent", "r-newc", "--name", "Sales", "--data", data}, "", "ou:o-newco/ou-sales", "", 0},
		{[]string{"org", "attach", "newco", "ou-sales", "--data", data}, "", "attached newco", "", 0},
		{[]string{"org", "attach", "newco", "ou-nope", "--data", data}, "", "", "does not exist", 1},
		{[]string{"frobnicate"}, "", "", "unknown command", 2},
		{[]string{"account", "create", "--data", data}, "", "", "expected 1 argument", 2},
	}
	for _, s := range steps {
		out, err := cli(t, s.stdin, s.args...)
		name := strings.Join(s.args[:min(2, len(s.args))], " ")
		if s.wantErr == "" {
			if err != nil || !strings.Contains(out, s.wantOut) {
				t.Errorf("%s: got %q, %v; want output containing %q", name, out, err, s.wantOut)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), s.wantErr) {
			t.Errorf("%v: got error %v, want one containing %q", s.args, err, s.wantErr)
		} else if got := exitCode(err); got != s.wantCode {
			t.Errorf("%v: exit code %d, want %d", s.args, got, s.wantCode)
		}
	}
}

func TestSessionKeyIsGeneratedOnceAndKept(t *testing.T) {
	c := config{DataDir: t.TempDir()}
	k1, err := c.sessionKey()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := c.sessionKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 || !bytes.Equal(k1, k2) {
		t.Errorf("keys %x and %x, want the same 32-byte key twice", k1, k2)
	}
	info, err := os.Stat(filepath.Join(c.DataDir, "session.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("session.key: %v, mode %v; want 0600", err, info.Mode())
	}
	c.SessionKey = "abcd"
	if _, err := c.sessionKey(); err == nil {
		t.Error("a short configured key was accepted")
	}
}
