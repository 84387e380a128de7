package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/webhook"
)

var (
	soak         = flag.Duration("soak", 0, "run TestServeSoak this long (at least 21m for the assertion): 5 deliveries a second with pushes, CPU per delivery, RSS and what serve holds logged each minute")
	soakProfiles = flag.String("soak-profiles", "", "with -soak: write serve's CPU and heap profiles, taken early and late in the soak, to this directory")
)

// Workload of the soak: 20 open pull requests, each living soakLife
// pieces of activity (a push, a comment or a review) before its author
// closes it and another applicant's pull request takes its place, as in a
// program where pull requests come and go: what each delivery asks of
// serve is, on average, the same at the end as at the start, so that what
// grows is serve's doing.
const (
	soakPRs  = 20
	soakLife = 30
)

// soakLoad is the soak's workload on the fake GitHub: slot i holds the
// open pull request number[i], applicant app[i]'s, which has had acts[i]
// pieces of activity.
type soakLoad struct {
	gh                *forgetest.Server
	src               string
	rng               *rand.Rand
	number, app, acts []int
	next              int // the next applicant
	seconds           int
	// edits and replaced count the pushes made and the pull requests
	// closed and replaced.
	edits, replaced int
}

func newSoakLoad(t *testing.T, gh *forgetest.Server) *soakLoad {
	l := &soakLoad{gh: gh, src: applicationSource(t), rng: rand.New(rand.NewPCG(1, 2)), next: soakPRs + 1}
	// Their lives staggered, so that they do not end together.
	for i := range soakPRs {
		l.number, l.app, l.acts = append(l.number, i+1), append(l.app, i+1), append(l.acts, i*soakLife/soakPRs)
	}
	return l
}

// second is one second's activity: two pushes (a push and a synchronize
// each) and a comment or a review, each on a pull request picked at
// random; about 5 deliveries.
func (l *soakLoad) second() {
	l.seconds++
	for range 2 {
		i := l.rng.IntN(soakPRs)
		l.edits++
		l.gh.Commit(fmt.Sprintf("apply-%d", l.app[i]), "Edit", map[string]string{
			fmt.Sprintf("applications/app-%d.cue", l.app[i]): applicationOf(l.src, l.app[i], 1+l.edits%24)})
		l.acted(i)
	}
	i := l.rng.IntN(soakPRs)
	switch l.seconds % 4 {
	case 0:
		l.gh.AddReview(l.number[i], "rivera-reviews", "CHANGES_REQUESTED", l.gh.PR(l.number[i]).HeadSHA)
	case 2:
		l.gh.AddReview(l.number[i], "okafor-pm", "COMMENTED", l.gh.PR(l.number[i]).HeadSHA)
	default:
		l.gh.AddComment(l.number[i], fmt.Sprintf("dev-%d", l.app[i]), "Any news?")
	}
	l.acted(i)
}

// acted counts a piece of activity on slot i's pull request; at
// soakLife its author closes it, and the next applicant's takes its slot.
func (l *soakLoad) acted(i int) {
	if l.acts[i]++; l.acts[i] < soakLife {
		return
	}
	l.gh.ClosePR(l.number[i], fmt.Sprintf("dev-%d", l.app[i]))
	l.app[i], l.acts[i] = l.next, 0
	l.number[i] = openApplication(l.gh, l.src, l.next)
	l.next++
	l.replaced++
}

// soakSample is the soak's measure at one moment.
type soakSample struct {
	at              time.Duration
	cpu             time.Duration
	deliveries, rss int
	m               map[string]float64 // serve's /metrics
}

// held is one line of what serve holds, from s's /metrics.
func (s soakSample) held() string {
	m := s.m
	return fmt.Sprintf("goroutines %.0f, heap %.0f MiB; clone %.0f packs %.0f loose; loader files %.0f checked %.0f trees %.0f; request cache %.0f (%.1f MiB); settled %.0f; queue %.0f",
		m["go_goroutines"], m["go_memstats_heap_inuse_bytes"]/(1<<20),
		m[metrics.ClonePacks], m[metrics.CloneLooseObjects],
		m[metrics.LoaderCached+`{cache="files"}`], m[metrics.LoaderCached+`{cache="checked"}`], m[metrics.LoaderCached+`{cache="trees"}`],
		m[metrics.RequestCacheEntries], m[metrics.RequestCacheBytes]/(1<<20), m[metrics.SettledPRs], m[metrics.QueueKeys])
}

// work is how many pieces of work serve has done, of every kind.
func (s soakSample) work() float64 {
	n := 0.0
	for k, v := range s.m {
		if strings.HasPrefix(k, metrics.Actions+"{") {
			n += v
		}
	}
	return n
}

// perDelivery is the CPU per delivery, in milliseconds, from a to b.
func perDelivery(a, b soakSample) float64 {
	return float64((b.cpu - a.cpu).Microseconds()) / 1000 / float64(max(1, b.deliveries-a.deliveries))
}

// TestServeSoak runs serve for -soak under the workload of soakLoad, about
// 5 deliveries a second, and logs each minute the CPU per delivery, the
// RSS and what serve holds (its clone, its caches, its goroutines and
// heap, from /metrics); with -soak-profiles, serve's CPU and heap
// profiles early and late. It compares the CPU per delivery of the
// first and the last ten minutes (of the first and last third, for a
// soak under 21 minutes) and fails when the last cost more than 1.3 times
// the first, for a soak of at least 21 minutes.
func TestServeSoak(t *testing.T) {
	if *soak == 0 {
		t.Skip("run with -soak 31m")
	}
	bin := connectbotBinary(t)
	gh := crowd(t, soakPRs)
	maddr := freeAddr(t)
	// Reconciles every 10 minutes, as serve does by default.
	p := startProcess(t, bin, liveVars(gh), t.TempDir(), "--metrics-addr", maddr, "--pprof", "--reconcile-every", "10m")
	p.metrics = "http://" + maddr
	p.readyWithin(t, time.Minute)
	gh.AddWebhook(p.url+webhook.Path, "s3cret")
	p.idle(t)
	load := newSoakLoad(t, gh)
	pid := p.cmd.Process.Pid
	sample := func(at time.Duration) soakSample {
		return soakSample{at, cpuTime(t, pid), len(gh.Deliveries()), procStatus(t, pid, "VmRSS"), scrapeURL(t, p.metrics+"/metrics")}
	}
	t.Logf("soak: load average at the start %s", loadAverage(t))
	start := time.Now()
	samples := []soakSample{sample(0)}
	t.Logf("soak   0 min: %s", samples[0].held())
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	minute := time.NewTicker(time.Minute)
	defer minute.Stop()
	profiled := map[string]bool{}
	for len(samples) <= int(soak.Minutes()) {
		select {
		case <-tick.C:
			load.second()
		case <-minute.C:
			s := sample(time.Since(start))
			last := samples[len(samples)-1]
			samples = append(samples, s)
			t.Logf("soak %3.0f min: %d deliveries (+%d), %.0f pieces of work (+%.0f), CPU %.1f ms per delivery this minute, RSS %d MiB; %d pull requests replaced; %s",
				s.at.Minutes(), s.deliveries, s.deliveries-last.deliveries, s.work(), s.work()-last.work(),
				perDelivery(last, s), s.rss>>10, load.replaced, s.held())
			soakProfile(t, p.metrics, s.at, profiled)
		}
	}
	t.Logf("soak: load average at the end %s", loadAverage(t))
	t.Logf("soak: %d repacks of the clone; %d pieces of work failed; %d pushes, %d pull requests replaced",
		strings.Count(p.stderr.String(), "repacked the clone"), strings.Count(p.stderr.String(), "work failed"), load.edits, load.replaced)
	compareSoak(t, samples)
}

// compareSoak logs the CPU per delivery of the first and the last ten
// minutes of samples (a third each, under 21 minutes), and the RSS, and
// fails when the last ten cost more than 1.3 times the first, or the RSS
// at the end is more than 1.3 times that after ten minutes.
func compareSoak(t *testing.T, samples []soakSample) {
	t.Helper()
	n := len(samples) - 1 // minutes
	w := min(10, n/2-1)
	if w < 2 {
		t.Logf("soak shorter than 6 minutes: no comparison of its first and last minutes")
		return
	}
	first, last := perDelivery(samples[0], samples[w]), perDelivery(samples[n-w], samples[n])
	t.Logf("soak: CPU per delivery %.1f ms in minutes 1-%d, %.1f ms in minutes %d-%d (×%.2f); RSS %d MiB after %d minutes, %d MiB at the end",
		first, w, last, n-w+1, n, last/first, samples[w].rss>>10, w, samples[n].rss>>10)
	if w == 10 && last > 1.3*first {
		t.Errorf("CPU per delivery grew ×%.2f from the first ten minutes to the last, want at most ×1.3", last/first)
	}
	if w == 10 && float64(samples[n].rss) > 1.3*float64(samples[w].rss) {
		t.Errorf("RSS grew ×%.2f from minute 10 to the end, want at most ×1.3 (flat: what serve holds is bounded by the program, not by uptime)",
			float64(samples[n].rss)/float64(samples[w].rss))
	}
}

// soakProfile takes serve's CPU profile (over a minute, in the
// background) and heap profile, once early (from minute 2) and once late
// (two minutes before the end), into -soak-profiles.
func soakProfile(t *testing.T, metricsURL string, at time.Duration, done map[string]bool) {
	t.Helper()
	if *soakProfiles == "" {
		return
	}
	when := ""
	switch {
	case at >= 2*time.Minute && !done["early"]:
		when = "early"
	case at >= *soak-2*time.Minute-30*time.Second && at >= 5*time.Minute && !done["late"]:
		when = "late"
	default:
		return
	}
	done[when] = true
	dir := *soakProfiles
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fetch := func(path, file string) {
		resp, err := http.Get(metricsURL + path)
		if err != nil {
			t.Logf("profile %s: %v", path, err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(filepath.Join(dir, file))
		if err != nil {
			t.Logf("profile %s: %v", file, err)
			return
		}
		defer f.Close()
		io.Copy(f, resp.Body)
	}
	fetch("/debug/pprof/heap", when+"-heap.pprof")
	go fetch("/debug/pprof/profile?seconds=60", when+"-cpu.pprof")
	t.Logf("soak: profiling serve (%s) into %s", when, dir)
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes.
func loadAverage(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
