package pullrequest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestAnApprovalRecordsTheDayItWasGivenNotTheDayItWasSeen: newco-dev
// pushes an application with the real git and opens a pull request; a
// reviewer approves it on GitHub; connectbot acts on the approval only
// days later (its delivery lost, a reconcile takes it up). acceptedAt and
// the history row are the day of the approval, so the listing clock runs
// from then: a lost delivery moves no deadline. An approval GitHub dates
// after connectbot's today is recorded today.
func TestAnApprovalRecordsTheDayItWasGivenNotTheDayItWasSeen(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH: the test pushes with the real git client")
	}
	noon := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d.Add(12 * time.Hour) }
	tests := []struct {
		name string
		// approved is GitHub's day when the reviewer approves, and seen
		// connectbot's day when it acts on the approval.
		approved, seen string
		want           string
	}{
		{name: "an approval taken up by a reconcile four days later", approved: "2026-11-25", seen: "2026-11-29", want: "2026-11-25"},
		{name: "an approval taken up the same day", approved: "2026-11-25", seen: "2026-11-25", want: "2026-11-25"},
		{name: "an approval GitHub dates after connectbot's today", approved: "2026-11-27", seen: "2026-11-25", want: "2026-11-25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			github := newTestClock(noon(tt.approved))
			w.srv.SetClock(github.Now)
			w.clock.Set(noon(tt.seen))

			pr := w.pushAndOpen("newco-dev", "newco-apply", map[string]string{"applications/newco.cue": newApplication(t)})
			w.call("rivera-reviews", "POST", fmt.Sprintf("/pulls/%d/reviews", pr), `{"event":"APPROVE"}`)
			// Nobody was told: the reconcile on connectbot's day finds it.
			if _, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch); err != nil {
				t.Fatal(err)
			}
			if !w.srv.PR(pr).Merged {
				t.Fatalf("the reconcile did not merge the approved pull request")
			}
			src, _ := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
			cat, _ := catalog.Default()
			f := cat.Application("applications/newco.cue", []byte(src))
			if f.App == nil {
				t.Fatalf("main's newco.cue does not load: %+v", f.Findings)
			}
			p := f.App.Program
			got := []string{fmt.Sprint("acceptedAt ", p.AcceptedAt)}
			for _, h := range p.History {
				got = append(got, fmt.Sprintf("history %s %s by %s", h.Date, h.Stage, h.By))
			}
			want := []string{"acceptedAt " + tt.want, fmt.Sprintf("history %s beta by rivera-reviews", tt.want)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("recorded on main (-want +got):\n%s", diff)
			}
		})
	}
}

// pushAndOpen pushes files on a new branch as login with the real git,
// from a clone of main, and opens a pull request of it as login through
// GitHub's REST API; it returns its number.
func (w *world) pushAndOpen(login, branch string, files map[string]string) int {
	w.t.Helper()
	w.as(login)
	dir := w.t.TempDir()
	remote := strings.Replace(w.srv.GitURL(), "http://", "http://"+login+":"+login+"-token@", 1)
	realGit(w.t, dir, "clone", "-q", remote, "clone")
	clone := filepath.Join(dir, "clone")
	realGit(w.t, clone, "checkout", "-q", "-b", branch)
	for p, content := range files {
		if err := os.WriteFile(filepath.Join(clone, p), []byte(content), 0o644); err != nil {
			w.t.Fatal(err)
		}
		realGit(w.t, clone, "add", p)
	}
	realGit(w.t, clone, "commit", "-q", "-m", "Apply")
	realGit(w.t, clone, "push", "-q", "origin", branch)
	before := len(w.srv.PRs())
	w.call(login, "POST", "/pulls", fmt.Sprintf(`{"title":"Apply","head":%q,"base":%q}`, branch, forgetest.DefaultBranch))
	prs := w.srv.PRs()
	if len(prs) != before+1 {
		w.t.Fatalf("no pull request opened: %+v", prs)
	}
	return prs[len(prs)-1].Number
}

// realGit runs the real git in dir with no user or system configuration.
func realGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Newco", "-c", "user.email=dev@newco.example", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_TERMINAL_PROMPT=0", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
