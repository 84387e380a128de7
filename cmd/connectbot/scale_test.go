package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/samplegen"
	"github.com/connectbot/connectbot/internal/tick"
)

// The end-to-end measurement of reconcile at scale, run by hand:
//
//	go test ./cmd/connectbot -run '^$' -bench ReconcileEndToEnd -benchtime 1x -e2e.apps 10000 -e2e.prs 100
//
// Without -e2e.apps it is skipped.
var (
	e2eApps     = flag.Int("e2e.apps", 0, "BenchmarkReconcileEndToEnd: applications on main (0 skips it)")
	e2ePRs      = flag.Int("e2e.prs", 100, "BenchmarkReconcileEndToEnd: open pull requests")
	e2eBudget   = flag.Int("e2e.budget", 100000, "BenchmarkReconcileEndToEnd: reconcile --budget")
	e2eRate     = flag.Int("e2e.ratelimit", 5000, "BenchmarkReconcileEndToEnd: the fake's REST requests an hour per user (fakegithub --rate-limit)")
	e2eRuns     = flag.Int("e2e.runs", 10, "BenchmarkReconcileEndToEnd: most reconciles")
	e2eBinary   = flag.String("e2e.connectbot", "", "BenchmarkReconcileEndToEnd: the connectbot binary to measure (default: built from this tree)")
	e2eProfiles = flag.String("e2e.profiles", "", "BenchmarkReconcileEndToEnd: a directory for CPU profiles: reconcile-N.pprof of each run (CONNECTBOT_CPUPROFILE) and fakegithub.pprof")
)

// BenchmarkReconcileEndToEnd measures `connectbot reconcile`, each run a
// fresh process sharing one cache directory, against cmd/fakegithub: a
// program of -e2e.apps applications on main, and -e2e.prs open pull
// requests each editing one application as its maintainer, pushed with
// the real git client. A recording proxy in front of the REST API counts
// the requests answered in full and those answered 304. It reconciles
// until two runs in a row judge nothing (at most -e2e.runs) and logs every
// run: the first of the two reads the checks it has never read, the
// second is the idle reconcile. first-s and idle-s are the first and the
// last run's wall time, idle-full-requests the last run's full answers.
func BenchmarkReconcileEndToEnd(b *testing.B) {
	if *e2eApps == 0 {
		b.Skip("set -e2e.apps (and -e2e.prs) to measure")
	}
	for b.Loop() {
		e := newEndToEnd(b, *e2eApps, *e2ePRs)
		var runs []e2eRun
		quiet := 0
		for i := 0; i < *e2eRuns && quiet < 2; i++ {
			r := e.reconcile(b)
			runs = append(runs, r)
			b.Logf("reconcile %d: %.1f s (%.1f s of CPU), %d judged, %d with nothing new, %d skipped; REST: %d full, %d answered 304",
				i+1, r.took.Seconds(), r.cpu.Seconds(), r.judged, r.unchanged, r.skipped, r.full, r.notModified)
			b.Logf("  waiting on the fake GitHub: %.1f s; longest: %s", r.waited.Seconds(), slowest(r.slowest, 6))
			quiet++
			if r.judged > 0 || r.skipped > 0 {
				quiet = 0
			}
		}
		first, last := runs[0], runs[len(runs)-1]
		b.ReportMetric(first.took.Seconds(), "first-s")
		b.ReportMetric(first.cpu.Seconds(), "first-cpu-s")
		b.ReportMetric(last.cpu.Seconds(), "idle-cpu-s")
		b.ReportMetric(float64(first.full), "first-full-requests")
		b.ReportMetric(last.took.Seconds(), "idle-s")
		b.ReportMetric(float64(last.full), "idle-full-requests")
		b.ReportMetric(float64(last.notModified), "idle-304-requests")
		b.ReportMetric(float64(len(runs)), "runs")
	}
}

// endToEnd is a fake GitHub serving a program, and the connectbot that
// reconciles it.
type endToEnd struct {
	connectbot, cache string
	// runs counts the reconciles, which name their profiles.
	runs int
	// proxyURL serves REST and git, through the recording proxy.
	proxyURL          string
	full, notModified atomic.Int64
	waits             waits
}

// waits is how long a reconcile waited on the fake GitHub, by route.
type waits struct {
	mu sync.Mutex
	by map[string]*wait
}

// wait is the requests of one route and the time they took.
type wait struct {
	route string
	n     int
	took  time.Duration
}

// add counts one request of route that took took.
func (w *waits) add(route string, took time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.by == nil {
		w.by = map[string]*wait{}
	}
	x := w.by[route]
	if x == nil {
		x = &wait{route: route}
		w.by[route] = x
	}
	x.n++
	x.took += took
}

// take returns the routes waited on, longest first, and the total, and
// forgets them.
func (w *waits) take() ([]wait, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []wait
	var total time.Duration
	for _, x := range w.by {
		out = append(out, *x)
		total += x.took
	}
	w.by = nil
	slices.SortFunc(out, func(a, b wait) int { return cmp.Compare(b.took, a.took) })
	return out, total
}

// routeOf names the endpoint of request r, its numbers and object names
// left out: "GET /repos/acme-program/connect/pulls/{n}/reviews".
func routeOf(r *http.Request) string {
	segs := strings.Split(r.URL.Path, "/")
	for i, s := range segs {
		switch {
		case s == "":
		case strings.Trim(s, "0123456789") == "":
			segs[i] = "{n}"
		case len(s) == 40 && strings.Trim(s, "0123456789abcdef") == "":
			segs[i] = "{sha}"
		}
	}
	return r.Method + " " + strings.Join(segs, "/")
}

// e2eRun is what one reconcile did and cost.
type e2eRun struct {
	took, cpu                  time.Duration
	judged, unchanged, skipped int
	full, notModified          int64
	// waited is the time spent waiting on the fake GitHub's answers,
	// slowest the routes it went to, longest first.
	waited  time.Duration
	slowest []wait
}

// e2eProgram is the program.cue of the measured program: its companies
// are fictional, on documentation domains.
const e2eProgram = "reviewers: [\"rivera-reviews\", \"okafor-pm\"]\ndocumentationDomains: \"allow\"\n"

func newEndToEnd(b *testing.B, apps, prs int) *endToEnd {
	b.Helper()
	dir := b.TempDir()
	e := &endToEnd{connectbot: *e2eBinary, cache: filepath.Join(dir, "cache")}
	if e.connectbot == "" {
		e.connectbot = filepath.Join(dir, "connectbot")
		run(b, "", "go", "build", "-o", e.connectbot, ".")
	}
	fake := filepath.Join(dir, "fakegithub")
	run(b, "", "go", "build", "-o", fake, "../fakegithub")
	program := filepath.Join(dir, "program")
	writeProgram(b, program, apps)
	run(b, program, "git", "init", "-q", "-b", "main")
	run(b, program, "git", "add", "-A")
	run(b, program, "git", "-c", "user.name=program", "-c", "user.email=program@example.com", "commit", "-qm", "program")

	args := []string{"--repo", program, "--repository", "acme-program/connect", "--user", "pusher:pusher", "--rate-limit", fmt.Sprint(*e2eRate)}
	if *e2eProfiles != "" {
		args = append(args, "--cpuprofile", filepath.Join(*e2eProfiles, "fakegithub.pprof"))
	}
	keys := prKeys(apps, prs)
	for _, k := range keys {
		args = append(args, "--user", fmt.Sprintf("dev-%d:dev-%d", k, k))
	}
	srv := exec.Command(fake, args...)
	out, err := srv.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("fakegithub: %v", err)
	}
	base := strings.TrimSpace(line)
	e.proxyURL = e.proxy(b, base)
	e.push(b, dir, base, keys)
	for _, k := range keys {
		e.open(b, base, k)
	}
	return e
}

// prKeys are the applications the pull requests edit, spread over the
// program.
func prKeys(apps, prs int) []int {
	keys := make([]int, prs)
	for i := range keys {
		keys[i] = i * (apps / prs)
	}
	return keys
}

// writeProgram writes the program: the schema, program.cue and apps
// applications.
func writeProgram(b *testing.B, dir string, apps int) {
	b.Helper()
	for _, d := range []string{"schema", "applications"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	schemas, err := filepath.Glob("../../schema/*.cue")
	if err != nil || len(schemas) == 0 {
		b.Fatalf("schema: %v", err)
	}
	for _, s := range schemas {
		src, err := os.ReadFile(s)
		if err != nil {
			b.Fatal(err)
		}
		writeBytes(b, filepath.Join(dir, "schema", filepath.Base(s)), src)
	}
	writeBytes(b, filepath.Join(dir, "program.cue"), []byte(e2eProgram))
	for i := range apps {
		writeBytes(b, filepath.Join(dir, "applications", samplegen.Slug(i)+".cue"), samplegen.Application(i))
	}
}

func writeBytes(b *testing.B, path string, data []byte) {
	b.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
}

// push clones the program with git and pushes one branch per key, each
// editing that application.
func (e *endToEnd) push(b *testing.B, dir, base string, keys []int) {
	b.Helper()
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.User = url.UserPassword("x-access-token", "pusher")
	work := filepath.Join(dir, "work")
	run(b, "", "git", "clone", "-q", u.String()+"/acme-program/connect.git", work)
	var refspecs []string
	for _, k := range keys {
		branch := fmt.Sprintf("edit-%d", k)
		run(b, work, "git", "checkout", "-q", "-b", branch, "origin/main")
		f := filepath.Join(work, "applications", samplegen.Slug(k)+".cue")
		writeBytes(b, f, append(samplegen.Application(k), []byte("// edited\n")...))
		run(b, work, "git", "-c", fmt.Sprintf("user.name=dev-%d", k), "-c", "user.email=dev@example.com", "commit", "-qam", "Edit")
		refspecs = append(refspecs, branch)
	}
	run(b, work, "git", append([]string{"push", "-q", "origin"}, refspecs...)...)
}

// open opens the pull request of branch edit-k as dev-k.
func (e *endToEnd) open(b *testing.B, base string, k int) {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"title": "Edit", "head": fmt.Sprintf("edit-%d", k), "base": "main"})
	req, err := http.NewRequest("POST", base+"/repos/acme-program/connect/pulls", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", fmt.Sprintf("token dev-%d", k))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b.Fatalf("open the pull request of dev-%d: %s", k, resp.Status)
	}
}

// proxy stands a recording proxy in front of the REST API at base and
// returns its URL.
func (e *endToEnd) proxy(b *testing.B, base string) string {
	b.Helper()
	target, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		rp.ServeHTTP(rec, r)
		e.waits.add(routeOf(r), time.Since(start))
		switch {
		case !strings.HasPrefix(r.URL.Path, "/repos/"):
		case rec.status == http.StatusNotModified:
			e.notModified.Add(1)
		default:
			e.full.Add(1)
		}
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// reconcile runs `connectbot reconcile` once, as a fresh process.
func (e *endToEnd) reconcile(b *testing.B) e2eRun {
	b.Helper()
	e.full.Store(0)
	e.notModified.Store(0)
	e.waits.take()
	cmd := exec.Command(e.connectbot, "reconcile", "--format", "json", "--budget", fmt.Sprint(*e2eBudget))
	cmd.Env = append(os.Environ(), "GITHUB_TOKEN=bot", "CONNECTBOT_REPOSITORY=acme-program/connect",
		"GITHUB_API_URL="+e.proxyURL, "GITHUB_SERVER_URL="+e.proxyURL, "CONNECTBOT_BASE_BRANCH=main", "CONNECTBOT_CACHE_DIR="+e.cache)
	e.runs++
	if *e2eProfiles != "" {
		cmd.Env = append(cmd.Env, "CONNECTBOT_CPUPROFILE="+filepath.Join(*e2eProfiles, fmt.Sprintf("reconcile-%d.pprof", e.runs)))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := e2eRun{took: time.Since(start), full: e.full.Load(), notModified: e.notModified.Load()}
	r.slowest, r.waited = e.waits.take()
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		b.Fatalf("reconcile: %v\n%s", err, stderr.String())
	}
	var out struct {
		Reconciled []tick.Reconciled `json:"reconciled"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		b.Fatalf("reconcile's output: %v\n%s", err, stdout.String())
	}
	for _, x := range out.Reconciled {
		switch {
		case x.Skipped != "":
			r.skipped++
		case x.Unchanged:
			r.unchanged++
		default:
			r.judged++
		}
	}
	return r
}

// slowest says the first n routes of ws: "GET /…/pulls/{n} 100× 3.2 s".
func slowest(ws []wait, n int) string {
	var out []string
	for _, w := range ws[:min(n, len(ws))] {
		out = append(out, fmt.Sprintf("%s %d× %.1f s", w.route, w.n, w.took.Seconds()))
	}
	return strings.Join(out, "; ")
}

// run runs a command in dir, failing the benchmark with its output.
func run(b *testing.B, dir, name string, args ...string) {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
