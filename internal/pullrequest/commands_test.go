package pullrequest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/pullrequest"
)

// These tests replay, redeliver and disguise /connectbot commands through
// the fake GitHub, with the handler's real git repositories.

// setClock moves the handler's clock, and its executor's, to now.
func (w *world) setClock(now time.Time) {
	w.t.Helper()
	w.handler.Now = func() time.Time { return now }
	x, ok := w.handler.Apply.(*apply.Executor)
	if !ok {
		w.t.Fatalf("the handler's executor is a %T", w.handler.Apply)
	}
	x.Now = w.handler.Now
}

// removals lists the numbers of the pull requests that remove slug, open
// or closed.
func (w *world) removals(slug string) []int {
	var out []int
	for _, p := range w.srv.PRs() {
		if p.Head == "connectbot/remove/"+slug {
			out = append(out, p.Number)
		}
	}
	return out
}

// command posts body on pr as author and has the handler handle it.
func (w *world) command(pr int, author, body string) int64 {
	w.t.Helper()
	id := w.srv.AddComment(pr, author, body)
	if _, err := w.handler.Comment(context.Background(), pr, forge.Comment{ID: id, Author: author, Body: body}); err != nil {
		w.t.Fatalf("comment %d: %v", id, err)
	}
	return id
}

func TestATerminationHandledAgainOnALaterDayOpensNothing(t *testing.T) {
	tests := []struct {
		name  string
		again func(w *world, pr int, id int64, body string) error
	}{
		{"the same comment delivered again (a redelivery, a replayed body under a new delivery id)", func(w *world, pr int, id int64, body string) error {
			_, err := w.handler.Comment(context.Background(), pr, forge.Comment{ID: id, Author: "okafor-pm", Body: body})
			return err
		}},
		{"a reconcile reading the comments again", func(w *world, pr int, id int64, body string) error {
			_, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			pr := w.acmeEditPR()
			body := "/connectbot terminate acme-sync collects passwords"
			id := w.command(pr, "okafor-pm", body)
			first := w.removals("acme-sync")
			if len(first) != 1 {
				t.Fatalf("removals after the command: %v, want one", first)
			}
			// A reviewer closes the removal: the program keeps acme-sync.
			if err := w.as("rivera-reviews").ClosePR(context.Background(), first[0]); err != nil {
				t.Fatal(err)
			}
			for _, day := range []time.Time{
				time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
				time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC),
			} {
				w.setClock(day)
				if err := tt.again(w, pr, id, body); err != nil {
					t.Fatal(err)
				}
			}
			if got := w.removals("acme-sync"); len(got) != 1 || w.srv.PR(first[0]).State != "closed" {
				t.Errorf("removals %v (#%d %s); want only the closed #%d", got, first[0], w.srv.PR(first[0]).State, first[0])
			}
			if replies := w.botReplies(pr); len(replies) != 1 {
				t.Errorf("answers %q; want the one first answer", replies)
			}
		})
	}
}

func TestATerminationWhoseAnswerWasLostIsAnsweredNotDoneAgain(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	body := "/connectbot terminate acme-sync collects passwords"
	id := w.srv.AddComment(pr, "okafor-pm", body)
	// connectbot opens the removal, and its answer is lost: GitHub
	// answers 502 and posts nothing, as when the bot stops before it
	// answers.
	w.srv.FailNext("POST", fmt.Sprintf("/repos/acme-program/connect/issues/%d/comments", pr), 502, nil)
	if _, err := w.handler.Comment(context.Background(), pr, forge.Comment{ID: id, Author: "okafor-pm", Body: body}); err == nil {
		t.Fatal("the lost answer was not reported")
	}
	first := w.removals("acme-sync")
	if len(first) != 1 || len(w.botReplies(pr)) != 0 {
		t.Fatalf("removals %v, answers %q; want one removal and no answer", first, w.botReplies(pr))
	}
	if err := w.as("rivera-reviews").ClosePR(context.Background(), first[0]); err != nil {
		t.Fatal(err)
	}
	// The next reconcile, days later, finds the command unanswered.
	w.setClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	if _, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	if got := w.removals("acme-sync"); len(got) != 1 {
		t.Errorf("removals %v; want only the closed #%d", got, first[0])
	}
	replies := w.botReplies(pr)
	if len(replies) != 1 || !strings.Contains(replies[0], fmt.Sprintf("#%d", first[0])) {
		t.Errorf("answers %q; want one naming #%d", replies, first[0])
	}
}

func TestALookAlikeHyphenTerminatesNothing(t *testing.T) {
	tests := []struct {
		name, slug, want string
	}{
		{"a non-breaking hyphen (U+2011)", "northwind\u2011notes", "did you mean northwind-notes"},
		{"a hyphen (U+2010)", "northwind\u2010notes", "did you mean northwind-notes"},
		{"an en dash (U+2013)", "northwind\u2013notes", "did you mean northwind-notes"},
		{"a minus sign (U+2212)", "northwind\u2212notes", "did you mean northwind-notes"},
		{"a Cyrillic о in a slug", "n\u043erthwind-notes", "did you mean northwind-notes"},
		{"a zero-width space in a slug", "northwind\u200b-notes", "did you mean northwind-notes"},
		{"a slug in capitals", "Northwind-Notes", "did you mean northwind-notes"},
		{"a one-word slug mistyped", "acme-synk", "did you mean acme-sync"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.srv.Commit(forgetest.DefaultBranch, "Northwind", map[string]string{"applications/northwind-notes.cue": sampleFile(t, "northwind-notes.cue")})
			pr := w.acmeEditPR()
			w.command(pr, "okafor-pm", "/connectbot terminate "+tt.slug+" abandoned for a year")
			if n := len(w.srv.PRs()); n != 1 {
				t.Errorf("%d pull requests: %q terminated something: %+v", n, tt.slug, w.srv.PRs())
			}
			if replies := w.botReplies(pr); len(replies) != 1 || !strings.Contains(replies[0], tt.want) {
				t.Errorf("answers %q; want one saying %q", replies, tt.want)
			}
		})
	}
}

func TestACommandAReaderDoesNotSeeAsOneIsNotCarriedOut(t *testing.T) {
	const cmd = "/connectbot terminate acme-sync collects passwords"
	tests := []struct {
		name, body string
	}{
		{"in a <pre> block", "<pre>\n" + cmd + "\n</pre>"},
		{"in a <code> element", "<code>\n" + cmd + "\n</code>"},
		{"in a <code> element within a paragraph", "See\n<code>\n" + cmd + "\n</code>"},
		{"in a hidden <div>", "<div hidden>\n" + cmd + "\n</div>"},
		{"in a hidden <div> around a paragraph", "<div hidden>\n\n" + cmd + "\n\n</div>"},
		{"in a collapsed <details>", "<details>\n\n" + cmd + "\n\n</details>"},
		{"in a hidden <span> within a paragraph", "Thanks\n<span hidden>\n" + cmd + "\n</span>"},
		{"in a multi-line <img alt>", "Look: <img alt=\"a\n" + cmd + "\n\" src=\"x.png\">"},
		{"in an inline code span", "`\n" + cmd + "\n`"},
		{"as link text", "[\n" + cmd + "\n](https://example.com)"},
		{"in a list item", "- " + cmd},
		{"in a quote", "> " + cmd},
		{"in a fenced code block", "```\n" + cmd + "\n```"},
		{"in an HTML comment", "<!--\n" + cmd + "\n-->"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			pr := w.acmeEditPR()
			w.command(pr, "okafor-pm", tt.body)
			if _, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch); err != nil {
				t.Fatal(err)
			}
			if got := w.removals("acme-sync"); len(got) != 0 {
				t.Errorf("removals %v: a command a reader does not see was carried out", got)
			}
			if replies := w.botReplies(pr); len(replies) != 0 {
				t.Errorf("answers %q; want none", replies)
			}
		})
	}
}

func TestATerminationIsDatedTheDayItWasPosted(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	body := "/connectbot terminate acme-sync collects passwords"
	// Posted on the 20th; its delivery was lost, and a reconcile on the
	// 25th (the handler's day) carries it out.
	posted := time.Date(2026, 11, 20, 16, 30, 0, 0, time.UTC)
	c := forge.Comment{ID: w.srv.AddComment(pr, "okafor-pm", body), Author: "okafor-pm", Body: body, Created: posted}
	if _, err := w.handler.Comment(context.Background(), pr, c); err != nil {
		t.Fatal(err)
	}
	removals := w.removals("acme-sync")
	if len(removals) != 1 {
		t.Fatalf("removals %v, want one", removals)
	}
	src, ok := w.srv.ReadFile("connectbot/remove/acme-sync", "applications/acme-sync.cue")
	if !ok {
		t.Fatal("the removal branch holds no applications/acme-sync.cue")
	}
	for _, want := range []string{`at:     "2026-11-20"`, `date:  "2026-11-20"`} {
		if !strings.Contains(src, want) {
			t.Errorf("the removal does not record %s, the day the command was posted:\n%s", want, src)
		}
	}
	if strings.Contains(src, "2026-11-25") {
		t.Errorf("the removal records the day connectbot handled the command:\n%s", src)
	}
}

// posted is comment id on pr as GitHub lists it, its time included.
func (w *world) posted(pr int, id int64) forge.Comment {
	w.t.Helper()
	all, err := w.as("okafor-pm").ListComments(context.Background(), pr)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, c := range all {
		if c.ID == id {
			return c
		}
	}
	w.t.Fatalf("comment %d is not on #%d", id, pr)
	return forge.Comment{}
}

func TestACommandUnderAFloodOfCommentsCostsFewRequests(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	for i := range 1000 { // ten pages of strangers' comments before the command
		w.srv.AddComment(pr, "stranger", fmt.Sprintf("spam %d", i))
	}
	body := "/connectbot terminate acme-sync collects passwords"
	c := w.posted(pr, w.srv.AddComment(pr, "okafor-pm", body))
	w.srv.ResetCalls()
	if _, err := w.handler.Comment(context.Background(), pr, c); err != nil {
		t.Fatal(err)
	}
	if got := len(w.removals("acme-sync")); got != 1 {
		t.Fatalf("%d removals, want 1", got)
	}
	if calls := len(w.srv.Calls()); calls > 25 {
		t.Errorf("the command cost %d REST requests, want at most 25", calls)
	}
	// Handled again: it finds its answer in one page after the command.
	w.srv.ResetCalls()
	done, err := w.handler.Comment(context.Background(), pr, c)
	if err != nil || !slices.Equal(done, []string{"already answered"}) {
		t.Fatalf("again: %v, %v; want already answered", done, err)
	}
	if calls := len(w.srv.Calls()); calls > 2 {
		t.Errorf("looking for the answer again cost %d REST requests, want at most 2", calls)
	}
}

func TestACommandBuriedBeforeItsAnswerIsNotCarriedOut(t *testing.T) {
	w := newWorld(t)
	pr := w.acmeEditPR()
	body := "/connectbot terminate acme-sync collects passwords"
	c := w.posted(pr, w.srv.AddComment(pr, "okafor-pm", body))
	// Its delivery is lost, and strangers bury it under more comments than
	// connectbot reads looking for its answer.
	for i := range 350 {
		w.srv.AddComment(pr, "stranger", fmt.Sprintf("spam %d", i))
	}
	_, err := w.handler.Comment(context.Background(), pr, c)
	if !errors.Is(err, pullrequest.ErrAnswerUnknown) {
		t.Fatalf("err = %v, want ErrAnswerUnknown", err)
	}
	if got := w.removals("acme-sync"); len(got) != 0 {
		t.Errorf("removals %v, want none: an answer may be among the unread comments", got)
	}
}
