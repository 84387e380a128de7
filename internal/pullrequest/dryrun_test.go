package pullrequest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// dryRun handles pull request pr as a dry run of the world's handler
// would, and returns what it says it would do: its lines that say so
// (the comment's body left out), and what it reported done.
func (w *world) dryRun(pr int) ([]string, []string) {
	w.t.Helper()
	dry := *w.handler
	var out strings.Builder
	dry.DryRun, dry.Out = true, &out
	o, err := dry.Handle(context.Background(), pr)
	if err != nil {
		w.t.Fatalf("dry run of #%d: %v", pr, err)
	}
	var said []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "dry run: ") || strings.HasPrefix(l, "would ") {
			said = append(said, l)
		}
	}
	return said, o.Done
}

// writesOf lists what GitHub shows of pull request pr that connectbot
// writes: its checks, comments and labels.
func (w *world) writesOf(pr int) string {
	p := w.srv.PR(pr)
	return fmt.Sprintf("checks %d, comments %d, labels %v", len(w.srv.CheckRuns(p.HeadSHA)), len(w.srv.Comments(pr)), w.srv.Labels(pr))
}

// TestADryRunSaysTheWritesTheRunMakes carries a verdict out as a dry run
// and then for real, at each step of a pull request's life: the dry run
// goes through the same place as the run, which decides the writes, so it
// says exactly the writes the run then makes — nothing where GitHub shows
// the verdict already — and makes none.
func TestADryRunSaysTheWritesTheRunMakes(t *testing.T) {
	w := newWorld(t)
	broken := strings.Replace(newApplication(t), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": broken})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	var fixed string
	steps := []struct {
		name   string
		before func()
		want   func() []string
		// done is what the dry run reports done: never a write.
		done []string
	}{{
		name: "a new invalid application: the check, the comment and the labels",
		want: func() []string {
			return []string{
				fmt.Sprintf("dry run: pull request #%d at %s", pr, head),
				`would post the check "connectbot": failure`,
				"would post the comment:",
				"would add the labels: application:new, invalid, stage:applied",
			}
		},
	}, {
		name: "the same verdict again: nothing",
		want: func() []string {
			return []string{
				fmt.Sprintf("dry run: pull request #%d at %s", pr, head),
				"would write nothing: GitHub shows it all already",
			}
		},
		done: []string{"comment unchanged"},
	}, {
		name: "a fix pushed: the check, the comment edited, the labels swapped",
		before: func() {
			fixed = w.srv.Commit("newco-apply", "Fix auth", map[string]string{"applications/newco.cue": newApplication(t)})
		},
		want: func() []string {
			return []string{
				fmt.Sprintf("dry run: pull request #%d at %s", pr, fixed),
				`would post the check "connectbot": success`,
				fmt.Sprintf("would edit comment %d to say:", w.botComments(pr)[0].ID),
				"would add the labels: needs-review",
				"would remove the labels: invalid",
			}
		},
	}, {
		name:   "a reviewer's approval: the merge and what it records",
		before: func() { w.srv.AddReview(pr, "okafor-pm", "APPROVED", fixed) },
		want: func() []string {
			return []string{
				fmt.Sprintf("dry run: pull request #%d at %s", pr, fixed),
				`would post the check "connectbot": success`,
				fmt.Sprintf("would edit comment %d to say:", w.botComments(pr)[0].ID),
				"would remove the labels: needs-review",
				fmt.Sprintf("would merge at %s, approved by @okafor-pm", fixed),
				"would record newco: applied -> beta (acceptedAt), connect/beta-1",
			}
		},
	}}
	for _, step := range steps {
		if step.before != nil {
			step.before()
		}
		before := w.writesOf(pr)
		said, done := w.dryRun(pr)
		if diff := cmp.Diff(step.want(), said); diff != "" {
			t.Errorf("%s: the dry run says (-want +got):\n%s", step.name, diff)
		}
		if diff := cmp.Diff(step.done, done); diff != "" {
			t.Errorf("%s: the dry run reports done (-want +got):\n%s", step.name, diff)
		}
		if after := w.writesOf(pr); after != before || w.srv.PR(pr).Merged {
			t.Errorf("%s: the dry run wrote: %s, then %s (merged %v)", step.name, before, after, w.srv.PR(pr).Merged)
		}
		// The run; the next step's dry run starts from what it wrote.
		w.handle(pr)
	}
}

// TestADryRunOfACommandSaysItsAnswer posts commands on a pull request and
// has a dry run handle them: each says what connectbot would answer or
// open, and nothing is written.
func TestADryRunOfACommandSaysItsAnswer(t *testing.T) {
	tests := []struct {
		name, author, body, want string
	}{{
		name: "a termination by someone who is not a reviewer is answered", author: "acme-dev",
		body: "/connectbot terminate acme-sync collects passwords",
		want: "dry run: would answer @acme-dev: only the program's reviewers can terminate a participation; @<!-- -->acme-dev is not one, so nothing was done\n",
	}, {
		name: "a reviewer's termination opens the removal", author: "okafor-pm",
		body: "/connectbot terminate acme-sync collects passwords",
		want: "dry run: would open a removal pull request for acme-sync: terminated by @okafor-pm: collects passwords\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			pr := w.acmeEditPR()
			id := w.srv.AddComment(pr, tt.author, tt.body)
			comments := len(w.srv.Comments(pr))
			dry := *w.handler
			var out strings.Builder
			dry.DryRun, dry.Out = true, &out
			if _, err := dry.Comment(context.Background(), pr, forge.Comment{ID: id, Author: tt.author, Body: tt.body}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("the dry run says (-want +got):\n%s", diff)
			}
			if n := len(w.srv.Comments(pr)); n != comments || len(w.removals("acme-sync")) != 0 {
				t.Errorf("the dry run wrote: %d comments, was %d; removals %v", n, comments, w.removals("acme-sync"))
			}
		})
	}
}
