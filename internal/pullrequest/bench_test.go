package pullrequest_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/samplegen"
	"github.com/connectbot/connectbot/schema"
)

// BenchmarkJudgePR judges a pull request changing one application in a
// program of 10,000, as merged into the base: the three-way merge from the
// trees, both trees read, every application of the result through the
// cross-file rules, once the base has been seen. cpu-ms/op is the
// process's user and system time per judgement.
func BenchmarkJudgePR(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	dir := b.TempDir()
	if _, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}}); err != nil {
		b.Fatal(err)
	}
	r, err := gitrepo.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	files := map[string][]byte{"program.cue": []byte(programCue)}
	entries, err := schema.Files.ReadDir(".")
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		src, _ := schema.Files.ReadFile(e.Name())
		files["schema/"+e.Name()] = src
	}
	for i := range n {
		files["applications/"+samplegen.Slug(i)+".cue"] = samplegen.Application(i)
	}
	who := gitrepo.Signature{Name: "bench", Email: "bench@example.com", When: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	base, err := r.Commit(ctx, gitrepo.Change{Branch: "main", Files: files, Message: "program\n", Author: who})
	if err != nil {
		b.Fatal(err)
	}
	changed := append(samplegen.Application(4242), []byte("// edited\n")...)
	head, err := r.Commit(ctx, gitrepo.Change{Parent: base, Branch: "pr", Author: who, Message: "edit\n",
		Files: map[string][]byte{"applications/" + samplegen.Slug(4242) + ".cue": changed}})
	if err != nil {
		b.Fatal(err)
	}
	// Main moves on by one other file, so the merge is a real three-way one.
	tip, err := r.Commit(ctx, gitrepo.Change{Parent: base, Branch: "main", Author: who, Message: "other\n",
		Files: map[string][]byte{"applications/" + samplegen.Slug(7) + ".cue": append(samplegen.Application(7), '\n')}})
	if err != nil {
		b.Fatal(err)
	}
	now := application.MustParseDate("2026-11-25")
	judge := pullrequest.NewJudge()
	once := func() *pullrequest.Judged {
		m, err := r.Merge(ctx, gitrepo.MergeSpec{Base: tip, Head: head, Message: "merge\n", Author: who})
		if err != nil || len(m.Conflicts) > 0 {
			b.Fatalf("merge: %v %v", err, m)
		}
		bt, err := loader.Read(r, tip)
		if err != nil {
			b.Fatal(err)
		}
		mt, err := loader.Read(r, m.Commit)
		if err != nil {
			b.Fatal(err)
		}
		j, err := judge.Judge(bt, mt, pullrequest.Changes(m), now)
		if err != nil {
			b.Fatal(err)
		}
		return j
	}
	if j := once(); len(j.Changes) != 1 || j.Changes[0].Head == nil || j.Changes[0].Head.Errors() != 0 {
		b.Fatalf("the change was not judged clean: %+v", j.Changes)
	}
	before := cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		once()
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
