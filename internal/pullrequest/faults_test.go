package pullrequest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/tick"
)

// delivery is one webhook's worth of work for the bot: handling a pull
// request, or a comment on one.
type delivery struct {
	pr      int
	comment int64
	author  string
	body    string
}

// endState is what a program looks like on GitHub once everything settled.
type endState struct {
	MainTree string
	// PRs maps each pull request's head branch to its state.
	PRs map[string]string
	// Comments maps each pull request's head branch to the bodies of the
	// bot's comments on it, sorted.
	Comments map[string][]string
	// Checks maps each pull request's head branch to the conclusion of the
	// latest check on its head.
	Checks map[string]string
	// Issues lists the tracking issues with the bodies of their comments.
	Issues []string
}

// TestAMonthOfTheProgramEndsTheSameWhateverHappensToDeliveries plays the
// same month — applications opened, pushed, approved, a termination, the
// clocks of a tick — once as it should go, and under seeded faults: every
// delivery may be dropped, delivered twice or out of order, and GitHub's
// answers fail at random (server errors before and after acting,
// secondary rate limits, connections reset). After a final reconcile and
// tick, the end state must equal the one without faults. The bot's clock
// and GitHub's move with the month, so an approval whose delivery was
// lost is taken up weeks after it was given: what it records is still
// the day it was given.
func TestAMonthOfTheProgramEndsTheSameWhateverHappensToDeliveries(t *testing.T) {
	seeds := 20
	if testing.Short() || raceDetector {
		seeds = 4
	}
	want := playMonth(t, 0, nil)
	if n := strings.Count(want.MainTree, `acceptedAt: "2026-11-25"`); n != 2 {
		t.Fatalf("without faults, %d applications are accepted on the day of their approval (2026-11-25), want 2", n)
	}
	totals := map[string]int{}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		counts := map[string]int{}
		got := playMonth(t, seed, counts)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d ends elsewhere than the run without faults (-want +got):\n%s", seed, diff)
		}
		for k, v := range counts {
			totals[k] += v
		}
	}
	var kinds []string
	for k, v := range totals {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(kinds)
	t.Logf("%d seeds, faults injected: %s", seeds, strings.Join(kinds, ", "))
}

// playMonth plays the month with faults from seed (0: none), adding the
// faults it injected to counts, and returns the end state.
func playMonth(t *testing.T, seed uint64, counts map[string]int) endState {
	t.Helper()
	w := newWorld(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 0x6d6f6e7468))
	faulty := seed != 0
	deliver := func(ds ...delivery) {
		if faulty {
			before := slices.Clone(ds)
			rng.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
			if !slices.Equal(before, ds) {
				counts["deliveries-reordered"]++
			}
			w.srv.Faults(seed*1000+uint64(len(w.srv.Calls())), 0.15)
			defer w.srv.Faults(0, 0)
		}
		for _, d := range ds {
			times := 1
			if faulty {
				times = []int{0, 1, 1, 2}[rng.IntN(4)] // dropped, once, or twice
				switch times {
				case 0:
					counts["delivery-dropped"]++
				case 2:
					counts["delivery-duplicated"]++
				}
			}
			for range times {
				var err error
				if d.comment != 0 {
					_, err = w.handler.Comment(ctx, d.pr, forge.Comment{ID: d.comment, Author: d.author, Body: d.body})
				} else {
					_, err = w.handler.Handle(ctx, d.pr)
				}
				if err != nil && !faulty {
					t.Fatalf("without faults, #%d: %v", d.pr, err)
				}
			}
		}
	}
	// The bot's clock and GitHub's move together: what happens on a day is
	// dated that day, whenever the bot reads it.
	on := func(s string) time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		w.clock.Set(d.Add(12 * time.Hour))
		return w.clock.Now()
	}
	runTick := func(day string, withFaults bool) {
		when := on(day)
		ex := w.handler.Apply.(*apply.Executor)
		r := &tick.Runner{Forge: w.handler.Forge.(*forge.Client), Git: ex.Git.(*gitrepo.Repo), Base: forgetest.DefaultBranch, Exec: ex}
		if withFaults && faulty {
			w.srv.Faults(seed*7919, 0.15)
			defer w.srv.Faults(0, 0)
		}
		if _, err := r.Run(ctx, when); err != nil && !(withFaults && faulty) {
			t.Fatalf("tick on %s: %v", day, err)
		}
	}

	// Week 1: three applications; one is broken.
	on("2026-11-18")
	newcoHead := w.srv.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	newco := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco"})
	broken := strings.Replace(applicationFile(t, "Broken Notes", "Broken Ltd", "", "broken-dev"), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	w.srv.Commit("broken", "Apply", map[string]string{"applications/broken.cue": broken})
	brokenPR := w.srv.OpenPR(forgetest.PRSpec{Author: "broken-dev", Title: "Apply: Broken", Head: "broken"})
	acme := sampleFile(t, "acme-sync.cue")
	w.srv.Commit("acme-tagline", "Tagline", map[string]string{"applications/acme-sync.cue": strings.Replace(acme, "Two-way contact sync", "Contacts, in sync", 1)})
	acmePR := w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "New tagline", Head: "acme-tagline"})
	deliver(delivery{pr: newco}, delivery{pr: brokenPR}, delivery{pr: acmePR})

	// Week 2: approvals; the broken one is fixed and approved; a stranger
	// asks for a termination, and a reviewer makes one.
	on("2026-11-25")
	w.srv.AddReview(newco, "rivera-reviews", "APPROVED", newcoHead)
	fixed := w.srv.Commit("broken", "Fix", map[string]string{"applications/broken.cue": applicationFile(t, "Broken Notes", "Broken Ltd", "", "broken-dev")})
	w.srv.AddReview(brokenPR, "okafor-pm", "APPROVED", fixed)
	stranger := w.srv.AddComment(acmePR, "random-friend", "/connectbot terminate acme-sync I do not like them")
	terminate := w.srv.AddComment(acmePR, "okafor-pm", "/connectbot terminate acme-sync the integration stopped working")
	deliver(delivery{pr: newco}, delivery{pr: brokenPR},
		delivery{pr: acmePR, comment: stranger, author: "random-friend", body: "/connectbot terminate acme-sync I do not like them"},
		delivery{pr: acmePR, comment: terminate, author: "okafor-pm", body: "/connectbot terminate acme-sync the integration stopped working"})

	// GitHub delivers the opening of the removal the termination proposed.
	for _, p := range w.srv.PRs() {
		if p.Head == "connectbot/remove/acme-sync" {
			deliver(delivery{pr: p.Number})
		}
	}

	// Weeks 3 and 4: the clocks — a reminder of the listing due for the
	// application accepted in week 2.
	runTick("2026-12-18", true)

	// The end, on the day of the tick: faults stop; a reconcile and a tick
	// make good what was lost.
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatalf("final reconcile (seed %d): %v", seed, err)
	}
	runTick("2026-12-18", false)
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
		t.Fatalf("final reconcile (seed %d): %v", seed, err)
	}
	for k, v := range w.srv.FaultCounts() {
		counts[k] += v
	}
	return w.endState(t)
}

// endState reads what the program looks like on the fake GitHub.
func (w *world) endState(t *testing.T) endState {
	t.Helper()
	main, err := w.srv.Repo().CommitObject(plumbing.NewHash(w.srv.Branch(forgetest.DefaultBranch)))
	if err != nil {
		t.Fatal(err)
	}
	// The main tree, file by file, with the commit SHAs it records (the
	// commit each approval's checklist was shown at) read as "SHA".
	tree, err := main.Tree()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = tree.Files().ForEach(func(f *object.File) error {
		text, err := f.Contents()
		files = append(files, f.Name+" "+f.Mode.String()+"\n"+stripJudged(text))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := endState{MainTree: strings.Join(files, "\n"), PRs: map[string]string{}, Comments: map[string][]string{}, Checks: map[string]string{}}
	for _, p := range w.srv.PRs() {
		state := p.State
		if p.Merged {
			state = "merged"
		}
		s.PRs[p.Head] = state
		var bodies []string
		for _, c := range w.srv.Comments(p.Number) {
			if c.Author == forgetest.BotLogin {
				bodies = append(bodies, stripJudged(c.Body))
			}
		}
		sort.Strings(bodies)
		s.Comments[p.Head] = bodies
		if runs := w.srv.CheckRuns(p.HeadSHA); len(runs) > 0 {
			s.Checks[p.Head] = runs[len(runs)-1].Conclusion
		}
	}
	for _, is := range w.srv.Issues() {
		var bodies []string
		for _, c := range w.srv.Comments(is.Number) {
			bodies = append(bodies, stripJudged(c.Body))
		}
		s.Issues = append(s.Issues, is.Title+": "+strings.Join(bodies, " | "))
	}
	slices.Sort(s.Issues)
	return s
}

// numbered are what differs between two runs of the same month without
// meaning anything: commit SHAs (the fake dates commits by its own
// clock, which every request moves), and the numbers GitHub gives pull
// requests, issues and comments in the order they come.
var numbered = regexp.MustCompile(`\b[0-9a-f]{40}\b|\bat [0-9a-f]{7}\b|#\d+|(reply|close|comment) \d+`)

// stripJudged drops the hidden line naming the commits a verdict is for,
// and what differs between runs without meaning anything.
func stripJudged(body string) string {
	if _, _, ok := report.Judged(body); ok {
		marker, rest, _ := strings.Cut(body, "\n")
		_, rest, _ = strings.Cut(rest, "\n")
		body = marker + "\n" + rest
	}
	return numbered.ReplaceAllStringFunc(body, func(m string) string {
		if word, _, ok := strings.Cut(m, " "); ok {
			if word == "at" {
				return "at SHA"
			}
			return word + " N"
		}
		if strings.HasPrefix(m, "#") {
			return "#N"
		}
		return "SHA"
	})
}
