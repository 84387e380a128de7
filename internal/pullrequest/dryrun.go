package pullrequest

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
)

// recorder is a dry run's writer: it writes nothing on GitHub or in git,
// and records each write it is handed, in words, as what would be done.
type recorder struct {
	// heading says what the record is of ("pull request #7 at <sha>");
	// without one, each line is said on its own.
	heading string
	lines   []string
}

// record adds one write to the record.
func (r *recorder) record(format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

// flush writes the record to out at once, each line marked as a dry
// run's: under its heading, or one by one.
func (r *recorder) flush(out io.Writer) error {
	var b strings.Builder
	if r.heading != "" {
		b.WriteString("dry run: " + r.heading + "\n")
		if len(r.lines) == 0 {
			b.WriteString("would write nothing: GitHub shows it all already\n")
		}
	}
	for _, l := range r.lines {
		if r.heading == "" {
			b.WriteString("dry run: ")
		}
		b.WriteString(l + "\n")
	}
	if b.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func (r *recorder) check(_ context.Context, v program.Verdict, _ *Outcome) error {
	r.record("would post the check %q: %s", CheckName, v.Conclusion)
	return nil
}

func (r *recorder) comment(_ context.Context, _ int, existing *forge.Comment, body string, _ *Outcome) error {
	what := "post the comment"
	if existing != nil {
		what = fmt.Sprintf("edit comment %d to say", existing.ID)
	}
	r.record("would %s:\n\n%s", what, strings.TrimSuffix(body, "\n"))
	return nil
}

func (r *recorder) labels(_ context.Context, _ int, add, remove []string, _ *Outcome) error {
	if len(add) > 0 {
		r.record("would add the labels: %s", strings.Join(add, ", "))
	}
	if len(remove) > 0 {
		r.record("would remove the labels: %s", strings.Join(remove, ", "))
	}
	return nil
}

func (r *recorder) merge(_ context.Context, _ forge.PR, v program.Verdict, _ *judgement, _ *Outcome) error {
	r.record("would merge at %s, approved by @%s", v.HeadSHA, v.Approval.Author)
	for _, t := range v.Transitions {
		r.record("would record %s: %s -> %s (%s), %s", t.Slug, t.From, t.To, strings.Join(t.Set, ", "), t.Rule)
	}
	return nil
}

func (r *recorder) updateBranch(_ context.Context, _ int, sha string, _ *Outcome) error {
	r.record("would ask GitHub to update the branch at %s with its base", sha)
	return nil
}

func (r *recorder) answer(_ context.Context, _ int, c forge.Comment, text string) ([]string, error) {
	r.record("would answer @%s: %s", c.Author, text)
	return nil, nil
}

// propose records the removal; what it would answer depends on what
// opening it would do, and is not said.
func (r *recorder) propose(_ context.Context, _ application.Date, action program.Action, _ func(string) ([]string, error)) ([]string, error) {
	r.record("would open a removal pull request for %s: %s", action.Slug, action.Evidence)
	return nil, nil
}
