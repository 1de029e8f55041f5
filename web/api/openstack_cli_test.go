package api_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestOpenstackCLI runs testdata/openstack_cli.sh: Debian's stock
// `openstack` client (python3-openstackclient), as two users of the demo
// world against the real server on 127.0.0.1, through the whole flow a
// user types (image create with and without data, show, set, save, share,
// member list, accept, reject, pending, list, remove, delete), checking
// each output. The server is the whole stack: the console with the API
// mounted. It is skipped when the client is missing, unless
// OPENSTACK_REQUIRED=1 (CI), which makes that a failure.
func TestOpenstackCLI(t *testing.T) {
	requireTool(t, "OPENSTACK_REQUIRED", "the openstack client (apt-get install python3-openstackclient)", "openstack")
	out := runAgainstServer(t, "bash", "testdata/openstack_cli.sh")
	if !strings.Contains(out, "openstack CLI: all checks passed") {
		t.Fatal("openstack_cli.sh did not finish its checks")
	}
}

// TestTempest runs tempest's image member tests (Debian's tempest package:
// ImagesMemberTest, ImagesMemberNegativeTest, ListSharedImagesTest) with
// two pre-provisioned accounts against the real server on 127.0.0.1
// (testdata/tempest/run.sh): every test must pass, none be skipped. It is
// skipped when tempest is missing, unless TEMPEST_REQUIRED=1 (CI).
func TestTempest(t *testing.T) {
	requireTool(t, "TEMPEST_REQUIRED", "tempest (apt-get install tempest)", "tempest", "subunit-trace", "/usr/bin/python3")
	out := runAgainstServer(t, "bash", "testdata/tempest/run.sh")
	if !strings.Contains(out, "tempest: 9 passed, 0 failed, 0 skipped") {
		t.Fatal("tempest did not pass its 9 tests")
	}
}

// requireTool skips the test when a tool is missing, or fails it when the
// environment variable required says the tool must be there (CI).
func requireTool(t *testing.T, required, what string, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv(required) == "1" {
				t.Fatalf("%s is not installed (%s missing); %s=1", what, tool, required)
			}
			t.Skipf("%s is not installed (%s missing)", what, tool)
		}
	}
}

// runAgainstServer runs a command with IMAGESHARE_URL naming a fresh
// server (the demo world, its background loop running) and returns its
// output; the command failing fails the test.
func runAgainstServer(t *testing.T, name string, args ...string) string {
	t.Helper()
	f := newFixture(t, fixtureOpts{})
	srv := f.server() // the console with the API mounted, on 127.0.0.1
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() { // the server's background loop: images finish saving
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				_, _ = f.sh.FinishDue(context.Background())
			}
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cleanEnv(), "IMAGESHARE_URL="+srv.URL, "HOME="+t.TempDir(), "TEMPEST_WORK="+t.TempDir())
	out, err := cmd.CombinedOutput()
	t.Logf("%s output:\n%s", strings.Join(args, " "), out)
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// cleanEnv is the environment without the caller's OpenStack settings, so
// that only the script's own reach the client.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OS_") && !strings.HasPrefix(kv, "TEMPEST_") {
			env = append(env, kv)
		}
	}
	return env
}
