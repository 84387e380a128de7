package pullrequest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// TestMainStaysValidWhateverIsMergedInWhateverOrder plays random
// interleavings of pull requests from three integrators — valid and
// invalid, conflicting, colliding on names, App IDs and companies — with
// pushes to main (some landing between a verdict and its merge), approvals
// and merges through the real handler, and checks after every merge that
// main has no error from a cross-file rule.
func TestMainStaysValidWhateverIsMergedInWhateverOrder(t *testing.T) {
	seeds, steps := 8, 40
	if testing.Short() || raceDetector {
		seeds, steps = 3, 20
	}
	merges, refused := 0, 0
	for seed := 1; seed <= seeds; seed++ {
		m, r := playProgram(t, uint64(seed), steps)
		merges += m
		refused += r
	}
	t.Logf("%d seeds of %d steps: %d merges, each followed by a check of main; %d approvals not merged", seeds, steps, merges, refused)
	if merges == 0 {
		t.Errorf("no merge happened: the property was never exercised")
	}
}

// playProgram plays one seeded program and returns how many pull requests
// merged and how many approved ones did not.
func playProgram(t *testing.T, seed uint64, steps int) (merges, refused int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	w := newWorld(t)
	integrators := []string{"ia-dev", "ib-dev", "ic-dev"}
	companies := []string{"Alpha Ltd", "Beta Ltd", "Gamma Ltd"}
	names := []string{"Alpha Notes", "Beta Sync", "Gamma Bridge", "Delta Forms", "Epsilon Chat", "Zeta Books",
		"Eta Maps", "Theta Mail", "Iota Pay", "Kappa Docs"}
	appIDs := []string{"1000001", "1000002", "1000003"}
	slugs := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	// file is an application by integrator who: mostly of their own
	// company, with a name and App ID drawn from small pools so that
	// collisions are common; now and then invalid.
	file := func(who, step int) string {
		company := companies[who]
		if rng.IntN(5) == 0 {
			company = companies[rng.IntN(len(companies))]
		}
		name := names[rng.IntN(len(names))]
		if rng.IntN(4) == 0 {
			name = strings.ToLower(name) // the same name, spelt differently
		}
		appID := ""
		if rng.IntN(3) == 0 {
			appID = appIDs[rng.IntN(len(appIDs))]
		}
		src := applicationFile(t, name, company, appID, integrators[who])
		if rng.IntN(6) == 0 {
			src = strings.Replace(src, `auth:         "oauth2"`, `auth:         "api_key"`, 1)
		}
		return src + fmt.Sprintf("// revision %d\n", step)
	}
	owner := map[int]int{} // pull request → integrator
	var open []int
	branch := 0
	for step := range steps {
		switch op := rng.IntN(10); {
		case op < 3 || len(open) == 0: // an integrator opens a pull request
			branch++
			b := fmt.Sprintf("pr-%d", branch)
			who := rng.IntN(len(integrators))
			w.srv.Commit(b, "Apply", map[string]string{"applications/" + slugs[rng.IntN(len(slugs))] + ".cue": file(who, step)})
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: integrators[who], Title: "Apply", Head: b})
			open, owner[pr] = append(open, pr), who
		case op < 5: // the integrator pushes again
			pr := open[rng.IntN(len(open))]
			p := w.srv.PR(pr)
			w.srv.Commit(p.Head, "Again", map[string]string{"applications/" + slugs[rng.IntN(len(slugs))] + ".cue": file(owner[pr], step)})
		case op < 6: // a reviewer's change lands on main directly
			w.pushValidToMain(t, "applications/"+slugs[rng.IntN(len(slugs))]+"-direct.cue", file(rng.IntN(len(integrators)), step))
		default: // a reviewer approves; sometimes main moves just before the merge
			pr := open[rng.IntN(len(open))]
			if rng.IntN(3) == 0 {
				path, src := "applications/"+slugs[rng.IntN(len(slugs))]+"-race.cue", file(rng.IntN(len(integrators)), step)
				w.srv.Before("POST", "/acme-program/connect.git/git-receive-pack", func() { w.pushValidToMain(t, path, src) })
			}
			w.srv.AddReview(pr, "rivera-reviews", "APPROVED", w.srv.PR(pr).HeadSHA)
			if _, err := w.handler.Handle(context.Background(), pr); err != nil {
				t.Fatalf("seed %d step %d: handle #%d: %v", seed, step, pr, err)
			}
			if w.srv.PR(pr).Merged {
				merges++
				open = slices.DeleteFunc(open, func(n int) bool { return n == pr })
				if errs := w.crossFileErrors(t); len(errs) > 0 {
					t.Fatalf("seed %d step %d: after merging #%d, main has cross-file errors:\n%s", seed, step, pr, strings.Join(errs, "\n"))
				}
			} else {
				refused++
			}
		}
	}
	return merges, refused
}

// pushValidToMain commits src at path on main, as a reviewer pushing
// directly, unless main would then break a cross-file rule (a person
// pushing past connectbot is not what is tested).
func (w *world) pushValidToMain(t *testing.T, path, src string) {
	w.srv.Commit(forgetest.DefaultBranch, "Direct", map[string]string{path: src})
	if len(w.crossFileErrors(t)) > 0 || !w.mainValid(t) {
		w.srv.Commit(forgetest.DefaultBranch, "Revert", nil, path)
	}
}

// mainSnapshot judges every application on main.
func (w *world) mainSnapshot(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	ctx := context.Background()
	repo, err := gitrepo.Clone(ctx, w.srv.GitURL(), gitrepo.CloneOptions{Token: w.srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	sha, err := repo.Resolve("refs/remotes/origin/" + forgetest.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := repo.Tree(sha)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := loader.Catalog(tree)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Load(cat, tree, nil, application.DateOf(w.handler.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// crossFileErrors lists main's errors from the cross-file rules.
func (w *world) crossFileErrors(t *testing.T) []string {
	var out []string
	for _, f := range w.mainSnapshot(t).Files {
		for _, x := range f.Findings {
			if x.Severity == application.SeverityError && slices.Contains(policy.CrossFileRules, x.Rule) {
				out = append(out, f.Path+": "+x.Rule+": "+x.Message)
			}
		}
	}
	return out
}

// mainValid reports whether every application on main loads.
func (w *world) mainValid(t *testing.T) bool {
	for _, f := range w.mainSnapshot(t).Files {
		if f.App == nil {
			return false
		}
	}
	return true
}
