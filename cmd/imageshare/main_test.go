package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/identity"
	"imageshare/internal/store"
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

// TestServeRefusesMalformedSettings: a malformed flag or environment value
// stops the start with the setting named, instead of falling back to the
// default in silence (issue 8).
func TestServeRefusesMalformedSettings(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		name string
		env  [2]string
		args []string
		want string
	}{
		{"duration in the environment", [2]string{"IMAGESHARE_BUILD_TIME", "five seconds"}, nil, "IMAGESHARE_BUILD_TIME"},
		{"number in the environment", [2]string{"IMAGESHARE_MAX_IMAGES", "ten"}, nil, "IMAGESHARE_MAX_IMAGES"},
		{"negative number", [2]string{"IMAGESHARE_MAX_IMAGES", "-3"}, nil, "IMAGESHARE_MAX_IMAGES"},
		{"boolean in the environment", [2]string{"IMAGESHARE_SECURE_COOKIES", "yes please"}, nil, "IMAGESHARE_SECURE_COOKIES"},
		{"token lifetime", [2]string{"IMAGESHARE_TOKEN_TTL", "1 day"}, nil, "IMAGESHARE_TOKEN_TTL"},
		{"flag", [2]string{}, []string{"--build-time", "soon"}, "build-time"},
		{"log format", [2]string{}, []string{"--log-format", "xml"}, "--log-format"},
		{"trusted proxies", [2]string{}, []string{"--trusted-proxies", "10.0.0.0/8,not-a-network"}, "--trusted-proxies"},
		{"public URL", [2]string{}, []string{"--public-url", "ftp://images.example.com"}, "--public-url"},
		{"every interface without a public URL", [2]string{}, []string{"--addr", "0.0.0.0:0"}, "--public-url"},
		{"SK encryption key in the environment", [2]string{"IMAGESHARE_SK_ENCRYPTION_KEY", "not hex"}, nil, "IMAGESHARE_SK_ENCRYPTION_KEY"},
		{"short SK encryption key", [2]string{}, []string{"--sk-encryption-key", "abcd"}, "--sk-encryption-key"},
		{"session key in the environment", [2]string{"IMAGESHARE_SESSION_KEY", "0123"}, nil, "IMAGESHARE_SESSION_KEY"},
		{"image size", [2]string{}, []string{"--max-image-size", "128 gigabytes"}, "--max-image-size"},
		{"image size in the environment", [2]string{"IMAGESHARE_MAX_IMAGE_SIZE", "0"}, nil, "--max-image-size"},
		{"upload lease", [2]string{"IMAGESHARE_UPLOAD_LEASE", "a minute"}, nil, "IMAGESHARE_UPLOAD_LEASE"},
		{"concurrency", [2]string{}, []string{"--concurrency", "-1"}, "--concurrency"},
		{"concurrency in the environment", [2]string{"IMAGESHARE_CONCURRENCY", "all"}, nil, "IMAGESHARE_CONCURRENCY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env[0] != "" {
				t.Setenv(tc.env[0], tc.env[1])
			}
			_, err := cli(t, "", append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--world", "none"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 2 {
				t.Errorf("got %v (exit %d), want a usage error naming %s", err, exitCode(err), tc.want)
			}
		})
	}
}

// --max-image-size takes bytes or binary K, M, G and T suffixes.
func TestMaxImageSizeParses(t *testing.T) {
	for in, want := range map[string]int64{"128G": 128 << 30, "512m": 512 << 20, "1T": 1 << 40, "1048576": 1 << 20, " 4K ": 4096} {
		if got, err := (config{MaxImageSize: in}).maxImageBytes(); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "G", "-1", "1.5G", "12X", "99999999999T"} {
		if _, err := (config{MaxImageSize: in}).maxImageBytes(); err == nil {
			t.Errorf("%q was accepted", in)
		}
	}
}

// TestBackupIsAConsistentCopy: `imageshare backup FILE` copies a SQLite
// database while it is in use, into a file that opens, passes SQLite's
// integrity check and holds the data; an existing file is not overwritten.
func TestBackupIsAConsistentCopy(t *testing.T) {
	data := t.TempDir()
	if _, err := cli(t, "", "world", "load", writeDemo(t, data), "--data", data); err != nil {
		t.Fatal(err)
	}
	// A writer keeps going while the copy is made.
	st, err := store.Open(filepath.Join(data, "imageshare.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = st.Write(context.Background(), func(tx *store.Tx) error {
				return tx.Create(&store.Setting{Key: fmt.Sprintf("during-backup-%d", i), Value: "x"})
			})
		}
	}()
	backup := filepath.Join(t.TempDir(), "copy.db")
	out, err := cli(t, "", "backup", backup, "--data", data)
	close(stop)
	<-done
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	cp, err := store.Open(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if res, err := cp.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Errorf("integrity of the copy: %q, %v", res, err)
	}
	if accs, err := cp.One(context.Background()).Accounts(); err != nil || len(accs) != 5 {
		t.Errorf("accounts in the copy: %d, %v; want the demo's 5", len(accs), err)
	}
	if _, err := cli(t, "", "backup", backup, "--data", data); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second backup onto the same file: %v, want it refused", err)
	}
}

func writeDemo(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "world.yaml")
	demo, _ := cli(t, "", "world", "demo")
	if err := os.WriteFile(path, []byte(demo), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestJSONLogs: --log-format json writes one JSON object per line.
func TestJSONLogs(t *testing.T) {
	var buf bytes.Buffer
	log, err := config{LogLevel: "info", LogFormat: "json"}.logger(&buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Error("request failed", "request_id", "abc", "err", "boom")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line["request_id"] != "abc" || line["msg"] != "request failed" {
		t.Errorf("JSON log line %q: %v", buf.String(), err)
	}
}
