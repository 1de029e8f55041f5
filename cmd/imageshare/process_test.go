package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"imageshare/internal/store"
	"imageshare/internal/store/storetest"
	"imageshare/internal/world"
)

// childEnv makes the test binary run `imageshare` with the JSON-encoded
// arguments instead of the tests: the process tests start real servers
// this way, without building the binary separately.
const childEnv = "IMAGESHARE_TEST_CHILD"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, "child arguments:", err)
			os.Exit(2)
		}
		if err := run(args, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "imageshare:", err)
			os.Exit(exitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testSessionKey is shared by the servers of one deployment: a CSRF token
// and a session must be good on each of them.
const testSessionKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

// proc is a running `imageshare serve` started by a test.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	out  *syncBuffer
	done chan struct{}
	err  error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe starts a server with args and waits until /readyz answers.
func startServe(t *testing.T, args ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	args = append([]string{"serve", "--addr", addr, "--session-key", testSessionKey}, args...)
	raw, _ := json.Marshal(args)
	p := &proc{t: t, url: "http://" + addr, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			t.Fatalf("server exited at start: %v\n%s", p.err, p.out)
		default:
		}
		if res, err := http.Get(p.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 60 s:\n%s", p.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the server with SIGKILL, as a crash or an OOM killer would.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the server to shut down (SIGTERM) and waits for it to exit.
func (p *proc) stop(within time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(within):
		p.kill()
		return fmt.Errorf("the server did not exit within %s", within)
	}
}

// api is a JSON client of a server.
type api struct {
	t    *testing.T
	http *http.Client
}

func newAPI(t *testing.T) *api {
	return &api{t: t, http: &http.Client{Timeout: 60 * time.Second}}
}

// call sends a JSON request and returns the status and decoded body; a
// transport error (the server was killed) is status 0.
func (a *api) call(method, url, token string, body any) (int, map[string]any, http.Header) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	res, err := a.http.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m, res.Header
}

// token logs a user in to a project (by ID) on base.
func (a *api) token(base, account, user, password, projectID string) string {
	a.t.Helper()
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": user, "password": password, "domain": map[string]any{"name": account}}}},
		"scope": map[string]any{"project": map[string]any{"id": projectID}}}}
	code, m, h := a.call("POST", base+"/v3/auth/tokens", "", body)
	if code != http.StatusCreated {
		a.t.Fatalf("login %s/%s: %d %v", account, user, code, m)
	}
	return h.Get("X-Subject-Token")
}

// imageID finds an own image by name.
func (a *api) imageID(base, token, name string) string {
	a.t.Helper()
	code, m, _ := a.call("GET", base+"/v2/images?visibility=private&name="+url.QueryEscape(name), token, nil)
	imgs, _ := m["images"].([]any)
	if code != 200 || len(imgs) != 1 {
		a.t.Fatalf("find image %s: %d %v", name, code, m)
	}
	return imgs[0].(map[string]any)["id"].(string)
}

// waitJob polls a job on base until it has finished, and returns it.
func (a *api) waitJob(base, token, id string, within time.Duration) map[string]any {
	a.t.Helper()
	deadline := time.Now().Add(within)
	for {
		code, m, _ := a.call("GET", base+"/v1/cloudimages/job/"+id, token, nil)
		if code == 200 && (m["status"] == "SUCCESS" || m["status"] == "FAIL") {
			return m
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("job %s not finished after %s: %d %v", id, within, code, m)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// crowdWorld is the demo world with one more account, crowd, that has n
// projects in cn-north-4: n recipients that can each accept.
func crowdWorld(t *testing.T, n int) string {
	t.Helper()
	f := world.Demo()
	crowd := world.Account{Name: "crowd", Site: "cn", Users: []world.User{{Name: "u", Password: "crowd-password-1"}}}
	for i := 0; i < n; i++ {
		crowd.Projects = append(crowd.Projects, world.Project{Name: fmt.Sprintf("cn-north-4_p%03d", i), Region: "cn-north-4"})
	}
	f.Accounts = append(f.Accounts, crowd)
	b, err := yaml.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "crowd.yaml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTwoServersOnOnePostgres runs two `serve` processes on one throwaway
// PostgreSQL database, as behind a load balancer, and proves they behave as
// one (issue 8, several instances): 200 parallel accepts of a full-ECS
// image spread over both accept exactly 10; a console session made on one
// works on the other, and a logout on one ends it on both; a job submitted
// to one is finished by the other after the first is killed.
func TestTwoServersOnOnePostgres(t *testing.T) {
	if !storetest.PostgresAvailable() {
		if os.Getenv("PG_REQUIRED") == "1" {
			t.Fatal("PostgreSQL server missing (PG_REQUIRED=1)")
		}
		t.Skip("PostgreSQL server not installed")
	}
	pg, err := storetest.StartPostgres()
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	dsn, err := pg.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	// A claims no job (its worker looks once an hour); B does all the work.
	a := startServe(t, "--dsn", dsn, "--data", t.TempDir(), "--world", crowdWorld(t, n), "--worker-interval", "1h", "--build-time", "100ms")
	b := startServe(t, "--dsn", dsn, "--data", t.TempDir(), "--world", "none", "--worker-interval", "100ms", "--build-time", "100ms")
	servers := []*proc{a, b}
	c := newAPI(t)

	alice := c.token(a.url, "acme", "alice", "ImageShare-demo1", world.ProjectID("acme", "cn-north-4"))
	erp := c.imageID(a.url, alice, "erp-full-ecs")
	var projects []string
	for i := 0; i < n; i++ {
		projects = append(projects, world.ProjectID("crowd", fmt.Sprintf("cn-north-4_p%03d", i)))
	}
	for i := 0; i < n; i += 100 {
		code, m, _ := c.call("POST", a.url+"/v1/cloudimages/members", alice, map[string]any{"images": []string{erp}, "projects": projects[i : i+100]})
		if code != 200 {
			t.Fatalf("batch share: %d %v", code, m)
		}
		if j := c.waitJob(a.url, alice, m["job_id"].(string), 60*time.Second); j["status"] != "SUCCESS" {
			t.Fatalf("batch share job: %v", j)
		}
	}
	tokens := make([]string, n)
	for i, p := range projects {
		tokens[i] = c.token(servers[i%2].url, "crowd", "u", "crowd-password-1", p)
	}
	var wg sync.WaitGroup
	codes := make([]int, n)
	start := make(chan struct{})
	for i := range projects {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			codes[i], _, _ = c.call("PUT", servers[i%2].url+"/v2/images/"+erp+"/members/"+projects[i], tokens[i], map[string]string{"status": "accepted"})
		}(i)
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, code := range codes {
		count[code]++
	}
	if count[200] != 10 || count[413] != n-10 {
		t.Errorf("S09/S12 200 parallel accepts over two servers: statuses %v, want 10 × 200 and %d × 413", count, n-10)
	}
	_, members, _ := c.call("GET", b.url+"/v2/images/"+erp+"/members", alice, nil)
	statuses := map[any]int{}
	for _, m := range members["members"].([]any) {
		statuses[m.(map[string]any)["status"]]++
	}
	if statuses["accepted"] != 10 || statuses["pending"] != n-10 {
		t.Errorf("members: %v, want 10 accepted and %d pending", statuses, n-10)
	}

	// A console session made on A works on B; a logout on B ends it on A.
	jar, _ := cookiejar.New(nil) // cookies ignore ports: one browser, two servers
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := func(base, path string) (int, string) {
		res, err := browser.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	post := func(base, path string, form url.Values) int {
		_, body := page(base, "/login")
		if strings.Contains(path, "logout") {
			_, body = page(base, "/images")
		}
		form.Set("_csrf", between(body, `name="_csrf" value="`, `"`))
		res, err := browser.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := post(a.url, "/login", url.Values{"account": {"bravo"}, "user": {"bob"}, "password": {"ImageShare-demo1"}}); code != http.StatusSeeOther {
		t.Fatalf("console login on A: %d", code)
	}
	if code, _ := page(b.url, "/images"); code != http.StatusOK {
		t.Errorf("the session from A on B: %d, want 200", code)
	}
	if code := post(b.url, "/logout", url.Values{}); code != http.StatusSeeOther {
		t.Errorf("logout on B: %d", code)
	}
	if code, _ := page(a.url, "/images"); code != http.StatusSeeOther {
		t.Errorf("the session on A after a logout on B: %d, want 303 to the login page", code)
	}

	// A job submitted to A, which is then killed, is run by B.
	bravo := c.token(a.url, "bravo", "bob", "ImageShare-demo1", world.ProjectID("bravo", "cn-north-4"))
	code, m, _ := c.call("POST", a.url+"/v1/cloudimages/members", alice, map[string]any{"images": []string{c.imageID(a.url, alice, "ubuntu-22.04-web")}, "projects": []string{world.ProjectID("bravo", "cn-north-4")}})
	if code != 200 {
		t.Fatalf("submit on A: %d %v", code, m)
	}
	a.kill()
	if j := c.waitJob(b.url, alice, m["job_id"].(string), 30*time.Second); j["status"] != "SUCCESS" {
		t.Errorf("the job submitted to the killed server: %v, want SUCCESS by the other", j)
	}
	if code, _, _ := c.call("GET", b.url+"/v2/images?visibility=shared&member_status=pending", bravo, nil); code != 200 {
		t.Errorf("bob's pending list on B: %d", code)
	}
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return ""
}

// TestGracefulShutdown: SIGTERM stops the server cleanly, within its
// deadline, with exit status 0.
func TestGracefulShutdown(t *testing.T) {
	p := startServe(t, "--data", t.TempDir(), "--shutdown-timeout", "5s")
	if err := p.stop(10 * time.Second); err != nil {
		t.Fatalf("SIGTERM: %v\n%s", err, p.out)
	}
	if !strings.Contains(p.out.String(), "stopped") {
		t.Errorf("no goodbye in the log:\n%s", p.out)
	}
}

// TestKillDuringWritesLosesNothingAcknowledged is the fault test: a server
// on SQLite is killed with SIGKILL in the middle of a burst of mixed writes
// (imports, shares, batch jobs) from five users; restarted on the same data
// directory, the database passes SQLite's integrity check, every write that
// was acknowledged is there, and every job and every image being saved
// finishes.
func TestKillDuringWritesLosesNothingAcknowledged(t *testing.T) {
	data := t.TempDir()
	worldFile := crowdWorld(t, 40)
	args := []string{"--data", data, "--build-time", "300ms", "--job-lease", "1s", "--worker-interval", "100ms"}
	s := startServe(t, append(args, "--world", worldFile)...)
	c := newAPI(t)
	type user struct{ account, name, token string }
	users := []*user{{"acme", "alice", ""}, {"bravo", "bob", ""}, {"umbrella", "erin", ""}, {"globex", "carol", ""}, {"initech", "dave", ""}}
	for _, u := range users {
		u.token = c.token(s.url, u.account, u.name, "ImageShare-demo1", world.ProjectID(u.account, "cn-north-4"))
	}
	shareable := map[string]string{} // an active image of each user
	for _, u := range users {
		code, m, _ := c.call("GET", s.url+"/v2/images?visibility=private", u.token, nil)
		for _, im := range m["images"].([]any) {
			im := im.(map[string]any)
			if im["status"] == "active" && !strings.Contains(fmt.Sprint(im["name"]), "secure") && code == 200 {
				shareable[u.name] = im["id"].(string)
			}
		}
	}

	type ack struct{ kind, token, image, member, job string }
	var mu sync.Mutex
	var acks []ack
	record := func(a ack) { mu.Lock(); acks = append(acks, a); mu.Unlock() }
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for ui, u := range users {
		wg.Add(1)
		go func(ui int, u *user) {
			defer wg.Done()
			for i := 0; i < 400; i++ {
				select {
				case <-stop:
					return
				default:
				}
				member := world.ProjectID("crowd", fmt.Sprintf("cn-north-4_p%03d", (ui*8+i)%40))
				switch i % 3 {
				case 0:
					code, m, _ := c.call("POST", s.url+"/v2/images", u.token, map[string]any{"name": fmt.Sprintf("crash-%d", i), "__os_version": "Ubuntu 22.04"})
					if code == http.StatusCreated {
						record(ack{kind: "image", token: u.token, image: m["id"].(string)})
					}
				case 1:
					if img := shareable[u.name]; img != "" {
						if code, _, _ := c.call("POST", s.url+"/v2/images/"+img+"/members", u.token, map[string]string{"member": member}); code == http.StatusOK {
							record(ack{kind: "share", token: u.token, image: img, member: member})
						}
					}
				case 2:
					if img := shareable[u.name]; img != "" {
						code, m, _ := c.call("POST", s.url+"/v1/cloudimages/members", u.token, map[string]any{"images": []string{img}, "projects": []string{member}})
						if code == http.StatusOK {
							record(ack{kind: "job", token: u.token, job: m["job_id"].(string)})
						}
					}
				}
			}
		}(ui, u)
	}
	time.Sleep(1500 * time.Millisecond)
	s.kill()
	close(stop)
	wg.Wait()
	kinds := map[string]int{}
	for _, a := range acks {
		kinds[a.kind]++
	}
	t.Logf("acknowledged before the kill: %v", kinds)
	if kinds["image"] == 0 || kinds["share"] == 0 || kinds["job"] == 0 {
		t.Fatalf("the burst acknowledged too little to test: %v", kinds)
	}

	s = startServe(t, append(args, "--world", "none")...)
	st, err := store.Open(filepath.Join(data, "imageshare.db"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := st.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Errorf("PRAGMA integrity_check after the kill: %q, %v", res, err)
	}
	st.Close()
	for _, a := range acks {
		switch a.kind {
		case "image":
			if code, m, _ := c.call("GET", s.url+"/v2/images/"+a.image, a.token, nil); code != 200 {
				t.Errorf("acknowledged image %s: %d %v", a.image, code, m)
			}
		case "share":
			if code, m, _ := c.call("GET", s.url+"/v2/images/"+a.image+"/members/"+a.member, a.token, nil); code != 200 {
				t.Errorf("acknowledged share of %s with %s: %d %v", a.image, a.member, code, m)
			}
		case "job":
			if j := c.waitJob(s.url, a.token, a.job, 30*time.Second); j["status"] != "SUCCESS" {
				t.Errorf("acknowledged job %s: %v, want SUCCESS", a.job, j)
			}
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, u := range users {
		for {
			_, m, _ := c.call("GET", s.url+"/v2/images?visibility=private&limit=1000", u.token, nil)
			saving := 0
			for _, im := range m["images"].([]any) {
				if im.(map[string]any)["status"] == "saving" {
					saving++
				}
			}
			if saving == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still has %d images saving 30 s after the restart", u.name, saving)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// TestKillDuringUploadNeverActivatesPartialData: a server on SQLite is
// killed with SIGKILL while an image's data is being uploaded. Restarted on
// the same data directory, the image is never active with part of the
// data: it is saving until the upload's lease runs out, then queued again,
// with no size or checksum, no data to download and none stored; a new
// upload then makes it active with the whole data.
func TestKillDuringUploadNeverActivatesPartialData(t *testing.T) {
	data := t.TempDir()
	args := []string{"--data", data, "--upload-lease", "1s", "--worker-interval", "100ms"}
	s := startServe(t, args...)
	c := newAPI(t)
	alice := c.token(s.url, "acme", "alice", "ImageShare-demo1", world.ProjectID("acme", "cn-north-4"))
	code, im, _ := c.call("POST", s.url+"/v2/images", alice, map[string]any{"name": "cut-off", "container_format": "bare", "disk_format": "raw"})
	if code != http.StatusCreated {
		t.Fatalf("register: %d %v", code, im)
	}
	id := im["id"].(string)

	// The upload streams 1 MiB, then waits; the server dies meanwhile.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PUT", s.url+"/v2/images/"+id+"/file", pr)
	req.Header.Set("X-Auth-Token", alice)
	req.Header.Set("Content-Type", "application/octet-stream")
	uploaded := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			err = fmt.Errorf("the upload was answered %d", res.StatusCode)
		}
		uploaded <- err
	}()
	if _, err := pw.Write(bytes.Repeat([]byte("x"), 1<<20)); err != nil {
		t.Fatal(err)
	}
	status := func(base string) map[string]any {
		_, m, _ := c.call("GET", base+"/v2/images/"+id, alice, nil)
		return m
	}
	for deadline := time.Now().Add(10 * time.Second); status(s.url)["status"] != "saving"; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the image is not saving during the upload: %v", status(s.url))
		}
	}
	s.kill()
	pw.CloseWithError(errors.New("the client gives up"))
	if err := <-uploaded; err == nil {
		t.Fatal("the upload to a killed server succeeded")
	}

	s = startServe(t, args...)
	alice = c.token(s.url, "acme", "alice", "ImageShare-demo1", world.ProjectID("acme", "cn-north-4"))
	var m map[string]any
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		m = status(s.url)
		if m["status"] == "active" {
			t.Fatalf("the image became active with part of its data: %v", m)
		}
		if m["status"] == "queued" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the image is still %v 15 s after the restart, want queued", m["status"])
		}
	}
	if m["size"] != nil || m["checksum"] != nil {
		t.Errorf("after the crash: size %v, checksum %v; want none", m["size"], m["checksum"])
	}
	res, err := c.http.Do(authed("GET", s.url+"/v2/images/"+id+"/file", alice, nil))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("download after the crash: %d, want 204 (no data)", res.StatusCode)
	}
	stored, _ := filepath.Glob(filepath.Join(data, "images", "[0-9a-f][0-9a-f]", "*"))
	if len(stored) != 0 {
		t.Errorf("data stored for the cut-off upload: %v", stored)
	}

	whole := bytes.Repeat([]byte("0123456789"), 300000)
	res, err = c.http.Do(authed("PUT", s.url+"/v2/images/"+id+"/file", alice, whole))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if m = status(s.url); res.StatusCode != http.StatusNoContent || m["status"] != "active" || m["size"] != float64(len(whole)) {
		t.Errorf("a new upload: %d, then %v with size %v; want 204, active, %d bytes", res.StatusCode, m["status"], m["size"], len(whole))
	}
}

// authed is a request with a token, carrying image data when body is set.
func authed(method, url, token string, body []byte) *http.Request {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("X-Auth-Token", token)
	if body != nil {
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	return req
}
