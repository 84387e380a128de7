package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/webhook"
)

// The built binary, once per test run.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// connectbotBinary builds cmd/connectbot, as a release does, for tests
// that run it as a process of its own: killed, measured.
func connectbotBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc for the process's CPU and memory")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "connectbot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "connectbot")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// crowd is a fake GitHub with n open application pull requests, #1 to #n,
// each adding its own application.
func crowd(t *testing.T, n int) *forgetest.Server {
	t.Helper()
	gh := seed(t)
	src := applicationSource(t)
	for i := 1; i <= n; i++ {
		if got := openApplication(gh, src, i); got != i {
			t.Fatalf("opened #%d, want #%d", got, i)
		}
	}
	return gh
}

// applicationSource is the application the pull requests of crowd add,
// each with a maintainer of its own (applicationOf).
func applicationSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../applications/northwind-notes.cue")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// openApplication opens applicant k's pull request, from branch apply-k
// by dev-k, adding applications/app-k.cue, and returns its number.
func openApplication(gh *forgetest.Server, src string, k int) int {
	branch := fmt.Sprintf("apply-%d", k)
	gh.Commit(branch, "Apply", map[string]string{fmt.Sprintf("applications/app-%d.cue", k): applicationOf(src, k, 8)})
	return gh.OpenPR(forgetest.PRSpec{Author: fmt.Sprintf("dev-%d", k), Title: fmt.Sprintf("Apply: app %d", k), Head: branch})
}

// applicationOf is src as applicant k's application, maintained by dev-k,
// answering support tickets within hours.
func applicationOf(src string, k, hours int) string {
	app := strings.Replace(src, `maintainers: ["nwn-platform", "priya-castellano"]`, fmt.Sprintf("maintainers: [%q]", fmt.Sprintf("dev-%d", k)), 1)
	return strings.Replace(app, "firstResponseHours: 8", fmt.Sprintf("firstResponseHours: %d", hours), 1)
}

// current reports how many of pull requests 1..n show a verdict on their
// present head: a check of connectbot's on it, and the sticky comment.
func current(gh *forgetest.Server, n int) int {
	c := 0
	for i := 1; i <= n; i++ {
		pr := gh.PR(i)
		if len(gh.CheckRuns(pr.HeadSHA)) == 0 {
			continue
		}
		for _, x := range gh.Comments(i) {
			if x.Author == forgetest.BotLogin && strings.HasPrefix(x.Body, report.CommentMarker) {
				c++
				break
			}
		}
	}
	return c
}

// process is connectbot serve running as a process of its own.
type process struct {
	cmd *exec.Cmd
	// url is where it serves the webhook and the probes; metrics where
	// it serves /metrics (url, unless --metrics-addr says otherwise).
	url, metrics string
	stderr       *lockedBuffer
	exited       chan struct{}
}

// startProcess runs `connectbot serve` with vars, in tmp as its temporary
// directory, on a free loopback port.
func startProcess(t *testing.T, bin string, vars map[string]string, tmp string, args ...string) *process {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--schedule", "@yearly", "--reconcile-every", "0"}, args...)...)
	cmd.Env = []string{"TMPDIR=" + tmp, "PATH=" + os.Getenv("PATH"), "HOME=" + tmp}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &process{cmd: cmd, url: "http://" + addr, metrics: "http://" + addr, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
	})
	return p
}

// readyWithin waits up to d for /readyz and says how long it took.
func (p *process) readyWithin(t *testing.T, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < d {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("serve exited:\n%s", p.stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("not ready within %s:\n%s", d, p.stderr)
	return 0
}

// procStatus reads a kB field of /proc/pid/status ("VmRSS", "VmHWM").
func procStatus(t *testing.T, pid int, field string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Fatalf("/proc/%d/status has no %s", pid, field)
	return 0
}

// cpuTime is the CPU the process has used, user and system.
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// idle waits for the process's start-up reconcile to be over and its
// queue empty, so that what comes after is the deliveries' doing.
func (p *process) idle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		m := scrapeURL(t, p.metrics+"/metrics")
		if m[`connectbot_reconcile_runs_total{outcome="ok"}`] >= 1 && m["connectbot_queue_keys"] == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the start-up reconcile did not end:\n%s", p.stderr)
}

// scrapeURL reads a Prometheus text page into values by series.
func scrapeURL(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	out := map[string]float64{}
	for line := range strings.SplitSeq(b.String(), "\n") {
		i := strings.LastIndexByte(line, ' ')
		if !strings.HasPrefix(line, "#") && i > 0 {
			v, _ := strconv.ParseFloat(line[i+1:], 64)
			out[line[:i]] = v
		}
	}
	return out
}

// moveHeads pushes a commit to each of pull requests 1..n: none of them
// is current until judged again. The fake has no webhook: GitHub tells the
// process nothing of it but what the test delivers.
func moveHeads(gh *forgetest.Server, n int) {
	for i := 1; i <= n; i++ {
		gh.Commit(fmt.Sprintf("apply-%d", i), "Edit", map[string]string{"notes.txt": "moved"})
	}
}

// burst sends n signed pull_request deliveries spread over prs pull
// requests from senders goroutines, and counts the answers by status;
// stop, when closed, ends it early.
func burst(t *testing.T, url string, n, prs, senders int, stop <-chan struct{}, sent *atomic.Int64) map[int]int {
	t.Helper()
	bodies := make([][]byte, prs)
	for i := range prs {
		b, err := os.ReadFile(delivery(t, "octokit-webhooks/pull_request/synchronize.payload.json", i+1, nil))
		if err != nil {
			t.Fatal(err)
		}
		bodies[i] = b
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	var mu sync.Mutex
	codes := map[int]int{}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				select {
				case <-stop:
					return
				default:
				}
				body := bodies[i%prs]
				req, _ := http.NewRequest("POST", url+webhook.Path, bytes.NewReader(body))
				req.Header.Set("X-GitHub-Event", "pull_request")
				req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("burst-%d", i))
				req.Header.Set("X-Hub-Signature-256", webhook.Sign(body, []byte("s3cret")))
				code := 0
				if resp, err := client.Do(req); err == nil {
					resp.Body.Close()
					code = resp.StatusCode
				}
				sent.Add(1)
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return codes
}

func TestServeTakesABurstOf10000DeliveriesFor100PullRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("a burst against a process of its own")
	}
	bin := connectbotBinary(t)
	const prs, n = 100, 10_000
	gh := crowd(t, prs)
	p := startProcess(t, bin, liveVars(gh), t.TempDir(), "--reconcile-budget", "1000")
	p.readyWithin(t, time.Minute)
	p.idle(t)
	moveHeads(gh, prs)
	if got := current(gh, prs); got != 0 {
		t.Fatalf("%d pull requests current before the burst, want none", got)
	}
	var sent atomic.Int64
	start := time.Now()
	codes := burst(t, p.url, n, prs, 16, nil, &sent)
	answered := time.Since(start)
	if codes[http.StatusAccepted] != n {
		t.Errorf("answers %v, want all %d answered 202", codes, n)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for current(gh, prs) < prs && time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}
	if got := current(gh, prs); got != prs {
		t.Errorf("%d of %d pull requests current 5 minutes after the burst", got, prs)
	}
	t.Logf("%d deliveries answered in %s; every pull request current %s after the burst began", n, answered.Round(time.Millisecond), time.Since(start).Round(time.Second))
	hwm := procStatus(t, p.cmd.Process.Pid, "VmHWM")
	t.Logf("burst of %d deliveries for %d pull requests: peak RSS %d MiB, CPU %s", n, prs, hwm>>10, cpuTime(t, p.cmd.Process.Pid))
	if hwm > 200<<10 {
		t.Errorf("peak RSS %d MiB, want at most 200", hwm>>10)
	}
}

func TestServeKilledMidBurstIsReadyAgainWithinAMinuteAndCatchesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a process of its own")
	}
	bin := connectbotBinary(t)
	const prs = 100
	gh := crowd(t, prs)
	tmp := t.TempDir()
	a := startProcess(t, bin, liveVars(gh), tmp, "--reconcile-budget", "1000")
	a.readyWithin(t, time.Minute)
	a.idle(t)
	moveHeads(gh, prs)
	stop := make(chan struct{})
	var sent atomic.Int64
	done := make(chan map[int]int)
	go func() { done <- burst(t, a.url, 10_000, prs, 16, stop, &sent) }()
	for sent.Load() < 3000 {
		time.Sleep(10 * time.Millisecond)
	}
	dead, _ := filepath.Glob(filepath.Join(tmp, "connectbot-git-*"))
	a.cmd.Process.Kill() // SIGKILL: no lease released, no clone removed
	killed := time.Now()
	<-a.exited
	close(stop)
	<-done

	// The default budget: the start-up reconcile takes several passes.
	t.Logf("%d of %d pull requests current when the process was killed", current(gh, prs), prs)
	b := startProcess(t, bin, liveVars(gh), tmp)
	b.readyWithin(t, time.Minute)
	toReady := time.Since(killed)
	t.Logf("from SIGKILL to ready: %s (the killed process had answered %d deliveries)", toReady.Round(time.Millisecond), sent.Load())
	if toReady > time.Minute {
		t.Errorf("ready %s after the kill, want within a minute", toReady)
	}
	for _, d := range dead {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("the killed process's clone %s is still there", d)
		}
	}
	deadline := time.Now().Add(5 * time.Minute)
	for current(gh, prs) < prs && time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}
	if got := current(gh, prs); got != prs {
		t.Errorf("%d of %d pull requests current 5 minutes after the restart", got, prs)
	}
	t.Logf("every pull request current %s after the kill", time.Since(killed).Round(time.Second))
	// Nothing waited on the dead process's leases for long: a wait that
	// gave up says "another connectbot is at work".
	if n := strings.Count(b.stderr.String(), "another connectbot is at work"); n > 0 {
		t.Errorf("%d pieces of work gave up waiting on a lease after the restart", n)
	}
}
