package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/program"
)

// Reconciled is what a reconcile found and did for one pull request.
type Reconciled struct {
	Number int
	// Repaired lists what was missing and is now done (a comment, a check,
	// labels, a merge, an answer to a command); empty when GitHub already
	// showed what the rules say.
	Repaired []string
	Err      error
}

// Reconcile makes every open pull request into base show what the rules
// say about it now, whatever deliveries were lost, repeated or reordered:
// each is judged as it would merge (its comment, check and labels written
// where they differ, an authorised approval of its head acted on), and
// every `/connectbot terminate` on it that has no answer is answered. A
// pull request whose state already matches costs conditional requests
// only (answered 304 Not Modified) and no write. The error joins every
// pull request that failed; the others are reconciled all the same.
//
// `/connectbot recheck` needs no answer here: judging the pull request is
// what it asks for.
func (h *Handler) Reconcile(ctx context.Context, base string) ([]Reconciled, error) {
	ctx = context.WithValue(ctx, rejudgingKey{}, true)
	lister, ok := h.Forge.(prLister)
	if !ok {
		return nil, errors.New("reconcile: the forge client cannot list pull requests")
	}
	all, err := lister.ListPRs(ctx, "", "open")
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	var out []Reconciled
	var errs []error
	merged := false
	for _, pr := range all {
		if pr.BaseRef != base {
			continue
		}
		r := Reconciled{Number: pr.Number}
		o, err := h.Handle(ctx, pr.Number)
		r.Repaired = append(r.Repaired, writes(o.Done)...)
		merged = merged || o.MergedInto != ""
		if err == nil {
			var answered []string
			answered, err = h.answerCommands(ctx, pr.Number)
			r.Repaired = append(r.Repaired, answered...)
		}
		if err != nil {
			r.Err = err
			errs = append(errs, fmt.Errorf("pull request #%d: %w", pr.Number, err))
		}
		out = append(out, r)
	}
	if merged {
		// A merge moved the base under the pull requests judged before it.
		again, err := h.Rejudge(ctx, base)
		for _, a := range again {
			for i := range out {
				if out[i].Number == a.Number {
					out[i].Repaired = append(out[i].Repaired, writes(a.Outcome.Done)...)
				}
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// writes keeps the entries of a handler's Done that changed something.
func writes(done []string) []string {
	var out []string
	for _, d := range done {
		if d == "comment unchanged" || strings.HasPrefix(d, "not merged") || strings.HasPrefix(d, "pull request is ") {
			continue
		}
		out = append(out, d)
	}
	return out
}

// answerCommands answers each `/connectbot terminate` comment on pull
// request number that has no answer yet (the answer carries a marker naming
// the comment, so a command is answered once).
func (h *Handler) answerCommands(ctx context.Context, number int) ([]string, error) {
	comments, err := h.Forge.ListComments(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d comments: %w", number, err)
	}
	answered := map[int64]bool{}
	for _, c := range comments {
		if strings.EqualFold(c.Author, h.BotLogin) {
			if id, ok := replyTo(c.Body); ok {
				answered[id] = true
			}
		}
	}
	var out []string
	for _, c := range comments {
		if strings.EqualFold(c.Author, h.BotLogin) || answered[c.ID] || !strings.Contains(c.Body, "/connectbot") {
			continue
		}
		cmd, ok, _ := program.ParseCommand(c.Body, nil)
		if !ok || cmd.Name == program.CommandRecheck {
			continue
		}
		done, err := h.Comment(ctx, number, c.ID, c.Author, c.Body)
		if err != nil {
			return out, err
		}
		for _, d := range done {
			if d != "already answered" {
				out = append(out, fmt.Sprintf("comment %d: %s", c.ID, d))
			}
		}
	}
	return out, nil
}

// replyMarker names the comment an answer answers.
const replyMarker = "<!-- connectbot:reply %d -->"

// replyTo reads which comment an answer of connectbot's answers.
func replyTo(body string) (int64, bool) {
	var id int64
	if _, err := fmt.Sscanf(body, replyMarker, &id); err != nil {
		return 0, false
	}
	return id, true
}
