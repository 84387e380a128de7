package pullrequest_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/samplegen"
	"github.com/connectbot/connectbot/schema"
)

// reconcileApps and reconcilePRs size BenchmarkReconcile's program: N
// applications on main and P open pull requests, each editing one of
// them as its maintainer.
var (
	reconcileApps = flag.Int("reconcile.apps", 10000, "BenchmarkReconcile: applications on main")
	reconcilePRs  = flag.Int("reconcile.prs", 100, "BenchmarkReconcile: open pull requests")
)

// BenchmarkReconcile reconciles P open pull requests into a program of N
// applications (10,000 and 100 unless -reconcile.apps and -reconcile.prs
// say otherwise) as a fresh process does — a new clone, a new loader —
// against the fake GitHub:
//
//   - first: no pull request judged yet; every one is judged, and gets
//     its check, its comment and its labels;
//   - idle: nothing happened since the last reconciles, whose ETags and
//     settled pull requests the process reads from its cache directory.
//
// full-requests/op counts the REST requests answered in full (not 304),
// 304-requests/op the others, judged/op the pull requests judged.
func BenchmarkReconcile(b *testing.B) {
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			p := newReconcileProgram(b, *reconcileApps, *reconcilePRs)
			b.StartTimer()
			p.reconcile(b)
		}
	})
	b.Run("idle", func(b *testing.B) {
		p := newReconcileProgram(b, *reconcileApps, *reconcilePRs)
		// Writes: connectbot's own, which are not news.
		p.reconcile(b)
		b.ResetTimer()
		for b.Loop() {
			p.reconcile(b)
		}
	})
}

// reconcileProgram is a program on the fake GitHub, and the cache
// directory its runs share.
type reconcileProgram struct {
	srv   *forgetest.Server
	cache string
	now   time.Time
}

// newReconcileProgram puts a program of apps applications on main and
// opens prs pull requests, each editing one application as its
// maintainer.
func newReconcileProgram(b *testing.B, apps, prs int) *reconcileProgram {
	b.Helper()
	srv := forgetest.NewServer(b, "acme-program", "connect")
	files := map[string]string{"program.cue": programCue}
	entries, err := schema.Files.ReadDir(".")
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		src, _ := schema.Files.ReadFile(e.Name())
		files["schema/"+e.Name()] = string(src)
	}
	for i := range apps {
		files["applications/"+samplegen.Slug(i)+".cue"] = string(samplegen.Application(i))
	}
	srv.Commit(forgetest.DefaultBranch, "program", files)
	for i := range prs {
		k := i * (apps / max(prs, 1))
		branch := fmt.Sprintf("edit-%d", k)
		srv.Commit(branch, "Edit", map[string]string{
			"applications/" + samplegen.Slug(k) + ".cue": string(samplegen.Application(k)) + "// edited\n",
		})
		srv.OpenPR(forgetest.PRSpec{Author: fmt.Sprintf("dev-%d", k), Title: "Edit", Head: branch})
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	return &reconcileProgram{srv: srv, cache: b.TempDir(), now: now}
}

// reconcile runs one reconcile as a fresh process and reports its
// requests.
func (p *reconcileProgram) reconcile(b *testing.B) {
	b.Helper()
	ctx := context.Background()
	p.srv.ResetCalls()
	repo, err := gitrepo.Clone(ctx, p.srv.GitURL(), gitrepo.CloneOptions{Token: p.srv.Token()})
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	client, err := forge.New(forge.Options{BaseURL: p.srv.URL(), Token: p.srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: p.srv.Client(), Sleep: func(time.Duration) {}, CacheFile: filepath.Join(p.cache, "etags.json")})
	if err != nil {
		b.Fatal(err)
	}
	settledFile := filepath.Join(p.cache, "reconciled.json")
	settled, err := pullrequest.ReadSettled(settledFile)
	if err != nil {
		b.Fatal(err)
	}
	h := &pullrequest.Handler{
		Forge: client, Git: repo, BotLogin: forgetest.BotLogin,
		Identity: gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.example"},
		Now:      func() time.Time { return p.now }, Judge: pullrequest.NewJudge(), Settled: settled,
	}
	done, err := h.Reconcile(ctx, forgetest.DefaultBranch)
	if err != nil {
		b.Fatal(err)
	}
	if err := settled.Save(settledFile); err != nil {
		b.Fatal(err)
	}
	if err := client.SaveCache(); err != nil {
		b.Fatal(err)
	}
	rest, judged := 0, 0
	for _, c := range p.srv.Calls() {
		if strings.Contains(c, " /repos/") {
			rest++
		}
	}
	for _, r := range done {
		if !r.Unchanged {
			judged++
		}
	}
	b.ReportMetric(float64(rest-p.srv.NotModified()), "full-requests/op")
	b.ReportMetric(float64(p.srv.NotModified()), "304-requests/op")
	b.ReportMetric(float64(judged), "judged/op")
	if st, err := os.Stat(filepath.Join(p.cache, "etags.json")); err == nil {
		b.ReportMetric(float64(st.Size()), "etags-bytes")
	}
}
