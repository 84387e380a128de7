package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/connectbot/connectbot/internal/program"
)

// A pull request GitHub merged — its merge queue, or a person's merge
// button where the branch's rules allow it — lands without the stage
// change its approval records, which connectbot's own merge pushes in the
// same push. RecordMerged records it afterwards: it reads the base
// branch's first-parent history back from its tip to connectbot's newest
// commit on it, and for each merge commit of GitHub's on the way whose
// pull request connectbot judges an approved stage change — its head
// merged into the commit before, holding exactly what connectbot's merge
// would — it commits the program fields connectbot's merge would have
// written, applied to each file as the tip holds it (recordFiles).
// The commits go in one push, under a lease on the tip read, so that
// connectbot's newest commit always follows every merge before it that
// it recorded: the next event, reconcile or tick finds nothing to do.

// mergedByGitHub is one of GitHub's merges of a pull request on the base
// branch: commit, whose first parent onto the pull request's head was
// merged into, holding tree.
type mergedByGitHub struct {
	number                   int
	commit, onto, head, tree string
}

// mergeSubject is how GitHub's merge commit of a pull request begins,
// its merge queue's included: "Merge pull request #12 from owner/branch".
var mergeSubject = regexp.MustCompile(`^Merge pull request #([0-9]+) from `)

// Recorded is what recording one pull request's merge did.
type Recorded struct {
	Number int
	// Done says what was recorded, or why nothing was.
	Done []string
}

// RecordMerged records on branch base the stage changes of the approved
// pull requests GitHub merged there since connectbot's newest commit on
// it (see above). A push GitHub declines by the branch's rules is
// reported on each pull request, in a comment saying what to do, and in
// the error; a tip that moved meanwhile is read again.
// With h.Settled, a base whose tip has not moved since everything merged
// into it was found recorded costs one question to origin (RemoteTip).
func (h *Handler) RecordMerged(ctx context.Context, base string) ([]Recorded, error) {
	tip, err := h.Git.RemoteTip(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("record on %s: %w", base, err)
	}
	if h.Settled.recordedAt(base, tip) {
		return nil, nil
	}
	for attempt := 1; ; attempt++ {
		out, err := h.recordOnce(ctx, base)
		if !errors.Is(err, errBaseMoved) || attempt == mergeAttempts {
			return out, err
		}
	}
}

// recordOnce is one attempt of RecordMerged.
func (h *Handler) recordOnce(ctx context.Context, base string) ([]Recorded, error) {
	if err := h.Git.Fetch(ctx, baseRefspec(base)); err != nil {
		return nil, err
	}
	tip, err := h.Git.Resolve("refs/remotes/origin/" + base)
	if err != nil {
		return nil, err
	}
	if h.Identity.Email == "" {
		return nil, errors.New("record: connectbot's commits are told from others' by its identity's email, and it has none")
	}
	merges, err := h.mergedSince(tip, h.Settled.recordedThrough(base))
	if err != nil || len(merges) == 0 {
		if err == nil {
			h.Settled.noteRecorded(base, tip)
		}
		return nil, err
	}
	rs, err := h.recordEach(ctx, base, tip, merges)
	if err != nil {
		return nil, err
	}
	// What is not recorded is said before the records are pushed: once
	// they land, the next run walks back no further than them, and would
	// never say it.
	if err := h.sayEachUnrecorded(ctx, base, rs); err != nil {
		return rs.out, err
	}
	if rs.head != tip {
		if err := h.pushRecords(ctx, base, tip, rs.head, rs.out, rs.pending); err != nil {
			return rs.out, err
		}
	}
	if h.DryRun && (rs.head != tip || len(rs.unrecorded) > 0) {
		// A dry run wrote and said nothing: the live run must still.
		return rs.out, nil
	}
	h.Settled.noteRecorded(base, rs.head)
	return rs.out, nil
}

// records is what recordEach made of GitHub's merges since connectbot's
// newest commit.
type records struct {
	// head is the newest record commit on the tip read, or the tip.
	head string
	out  []Recorded
	// pending are the indices in out of the pull requests a commit on
	// the way to head records.
	pending []int
	// unrecorded says, by index in out, each application whose stage
	// change was not recorded because its file changed after GitHub's
	// merge, and why.
	unrecorded map[int][]string
}

// recordEach judges each of merges, oldest first, and commits the record
// of each approved stage change on the one before, from tip.
func (h *Handler) recordEach(ctx context.Context, base, tip string, merges []mergedByGitHub) (records, error) {
	rs := records{head: tip, unrecorded: map[int][]string{}}
	for _, m := range merges {
		r := Recorded{Number: m.number}
		v, ok, err := h.approvedAt(ctx, base, m, &r)
		if err != nil {
			return rs, fmt.Errorf("record #%d: %w", m.number, err)
		}
		if ok {
			next, done, err := h.recordCommit(ctx, rs.head, m, v)
			if err != nil {
				return rs, err
			}
			if next != rs.head {
				rs.head = next
				r.Done = append(r.Done, fmt.Sprintf(recordedPrefix+"%s in %s", transitionsText(done.v), gitsha.Short(next)))
				rs.pending = append(rs.pending, len(rs.out))
			}
			for _, why := range done.stood {
				r.Done = append(r.Done, "already recorded: "+why)
			}
			for _, why := range done.refused {
				r.Done = append(r.Done, fmt.Sprintf("not recorded: %s, after GitHub's merge %s", why, gitsha.Short(m.commit)))
			}
			if len(done.refused) > 0 {
				rs.unrecorded[len(rs.out)] = done.refused
			}
		}
		rs.out = append(rs.out, r)
	}
	return rs, nil
}

// mergedSince walks base's first-parent history back from tip to
// connectbot's newest commit, or to done (a tip through which everything
// was found recorded), at most maxQueued commits, and returns GitHub's
// merges of pull requests on the way, oldest first.
func (h *Handler) mergedSince(tip, done string) ([]mergedByGitHub, error) {
	var out []mergedByGitHub
	for c, n := tip, 0; c != "" && c != done && n < maxQueued; n++ {
		author, err := h.Git.Author(c)
		if err != nil {
			return nil, err
		}
		if h.Identity.Email != "" && strings.EqualFold(author.Email, h.Identity.Email) {
			break
		}
		parents, tree, err := h.Git.Parents(c)
		if err != nil {
			return nil, err
		}
		if len(parents) == 2 {
			msg, err := h.Git.Message(c)
			if err != nil {
				return nil, err
			}
			if m := mergeSubject.FindStringSubmatch(msg); m != nil {
				number, _ := strconv.Atoi(m[1])
				out = append(out, mergedByGitHub{number: number, commit: c, onto: parents[0], head: parents[1], tree: tree})
			}
		}
		c = ""
		if len(parents) > 0 {
			c = parents[0]
		}
	}
	slices.Reverse(out)
	return out, nil
}

// approvedAt judges the pull request m merged as GitHub merged it — its
// head merged into m's first parent — and returns the verdict when it is
// an authorised approval that records a stage change and m holds exactly
// connectbot's merge of it; r says why not otherwise. The commit's message
// only names the pull request: GitHub must show it merged into base with
// m's second parent as its head.
func (h *Handler) approvedAt(ctx context.Context, base string, m mergedByGitHub, r *Recorded) (program.Verdict, bool, error) {
	pr, err := h.Forge.PullRequest(ctx, m.number)
	if errors.Is(err, forge.ErrNotFound) {
		r.Done = append(r.Done, fmt.Sprintf("%s names no pull request: nothing to record", gitsha.Short(m.commit)))
		return program.Verdict{}, false, nil
	}
	if err != nil {
		return program.Verdict{}, false, err
	}
	if !pr.Merged || pr.BaseRef != base || pr.HeadSHA != m.head {
		r.Done = append(r.Done, fmt.Sprintf("%s is not GitHub's merge of #%d's head into %s: nothing to record", gitsha.Short(m.commit), m.number, base))
		return program.Verdict{}, false, nil
	}
	facts, st, err := h.gather(ctx, pr, application.DateOf(h.Now()), m.onto)
	if err != nil {
		return program.Verdict{}, false, err
	}
	if facts.ReopenedAt, err = h.lastReopened(ctx, *facts); err != nil {
		return program.Verdict{}, false, err
	}
	v := program.JudgePullRequest(*facts)
	same, err := h.sameTree(st, m.tree)
	switch {
	case err != nil:
		return v, false, err
	case !v.Merge || len(v.Transitions) == 0:
		r.Done = append(r.Done, fmt.Sprintf("merged in %s without an approval that changes a stage: nothing to record", gitsha.Short(m.commit)))
		return v, false, nil
	case !same:
		r.Done = append(r.Done, fmt.Sprintf("not recorded: GitHub's merge %s holds other files than connectbot's merge of #%d would", gitsha.Short(m.commit), m.number))
		return v, false, nil
	}
	return v, true, nil
}

// recordCommit commits on parent the record of v, judged at GitHub's
// merge m: each transition applied to the application as parent holds
// it (recordFiles), with its message. It returns the commit — parent
// itself when no file changes — and what recordFiles made of v: the
// transitions it recorded, those the tip holds already, and why each
// other was not recorded.
func (h *Handler) recordCommit(ctx context.Context, parent string, m mergedByGitHub, v program.Verdict) (string, recorded, error) {
	done, err := h.recordFiles(parent, m, v)
	if err != nil || len(done.files) == 0 {
		return parent, done, err
	}
	id := h.Identity
	id.When = h.Now()
	msg := recordMessage(m.number, done.v) + fmt.Sprintf("\nGitHub merged #%d in %s; connectbot records the stage change its approval makes.\n", m.number, m.commit)
	commit, err := h.Git.Commit(ctx, gitrepo.Change{Parent: parent, Files: done.files, Message: msg, Author: id})
	return commit, done, err
}

// recordMessage is the message of the commit recording approved verdict
// v of pull request number: its subject names the pull request and the
// approval, its body each transition.
func recordMessage(number int, v program.Verdict) string {
	return fmt.Sprintf("connectbot: record #%d approved by @%s\n\n%s\n", number, v.Approval.Author, strings.Join(transitionLines(v), "\n"))
}

// transitionLines says each transition of v, one a line:
// "newco: applied → beta (acceptedAt)".
func transitionLines(v program.Verdict) []string {
	var why []string
	for _, t := range v.Transitions {
		why = append(why, fmt.Sprintf("%s: %s → %s (%s)", t.Slug, t.From, t.To, strings.Join(t.Set, ", ")))
	}
	return why
}

// transitionsText says every transition of v on one line.
func transitionsText(v program.Verdict) string { return strings.Join(transitionLines(v), "; ") }

// pushRecords pushes head, the record commits on tip, to base, under a
// lease on tip: out[i] for each i of pending is a record among them. A
// push the branch's rules decline is said on each of those pull requests,
// and in the error.
func (h *Handler) pushRecords(ctx context.Context, base, tip, head string, out []Recorded, pending []int) error {
	if h.DryRun {
		for _, i := range pending {
			_, err := fmt.Fprintf(h.Out, "pull request #%d, merged on GitHub: would push to %s: %s\n", out[i].Number, base, strings.Join(out[i].Done, "; "))
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := h.Git.SetBranch(base, head); err != nil {
		return err
	}
	err := h.Git.Push(ctx, base, gitrepo.PushOptions{ExpectedRemote: tip})
	switch {
	case errors.Is(err, gitrepo.ErrRejected):
		return errBaseMoved
	case errors.Is(err, gitrepo.ErrDeclined):
		return h.declinedRecords(ctx, base, out, pending, err)
	case err != nil:
		return fmt.Errorf("record on %s: %w", base, err)
	}
	return nil
}

// recordedPrefix begins the outcome's line of a record made.
const recordedPrefix = "recorded "

// unrecordedMarker marks connectbot's comment on a pull request GitHub
// merged whose stage change it could not record.
const unrecordedMarker = "<!-- connectbot:unrecorded -->"

// declinedRecords says on each pull request out[i] of pending that its
// stage change is not recorded, and what to do — once: a comment there
// already is not posted again — and returns the one-line error naming
// the ruleset's refusal.
func (h *Handler) declinedRecords(ctx context.Context, base string, out []Recorded, pending []int, declined error) error {
	var numbers []string
	errs := []error{}
	for _, i := range pending {
		r := &out[i]
		numbers = append(numbers, fmt.Sprintf("#%d", r.Number))
		// The records made are not on base after all; what was not
		// recorded for another reason still stands.
		r.Done = slices.DeleteFunc(r.Done, func(line string) bool { return strings.HasPrefix(line, recordedPrefix) })
		r.Done = append(r.Done, fmt.Sprintf("not recorded: GitHub declined the push to %s by the branch's rules; connectbot's App must be a bypass actor of its ruleset", base))
		done, err := h.sayUnrecorded(ctx, r.Number, unrecordedMarker, declinedBody(base))
		r.Done = append(r.Done, done...)
		errs = append(errs, err)
	}
	err := fmt.Errorf("record %s: GitHub declined connectbot's push of the recorded stage to %s: make connectbot's App a bypass actor (always) of the branch's ruleset, as docs/deploy.md's \"Protect the program's branch\" shows: %w",
		strings.Join(numbers, ", "), base, declined)
	return errors.Join(append([]error{err}, errs...)...)
}

// sayPages bounds the pages of comments sayUnrecorded reads, the first
// and the newest: more than an event's listPages, as its comment may be
// said on every run while the record is refused, and must be found under
// the comments that came after it. It lands on a merged pull request,
// whose thread no longer grows much: a thread of up to sayPages pages is
// read whole, only a pull request whose record is refused costs it, and
// each comment is found until sayPages-1 pages of others bury it. Past
// that it is said again — a refusal said twice, not one never said.
const sayPages = 10

// sayUnrecorded comments on pull request number that its stage change is
// not recorded on base, as body says after marker, unless connectbot's
// comment with marker says so already among the sayPages pages read.
func (h *Handler) sayUnrecorded(ctx context.Context, number int, marker, body string) ([]string, error) {
	comments, _, err := h.Forge.ListCommentsAtEnds(ctx, number, sayPages)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d comments: %w", number, err)
	}
	for _, c := range comments {
		if h.isBot(c.Author) && strings.HasPrefix(c.Body, marker) {
			return []string{"the comment saying so stands"}, nil
		}
	}
	if _, err := h.Forge.CreateComment(ctx, number, marker+"\n"+body); err != nil {
		return nil, fmt.Errorf("pull request #%d: comment: %w", number, err)
	}
	return []string{"commented that the stage change is not recorded"}, nil
}

// declinedBody is the comment on a pull request whose record GitHub
// declined to take on base by the branch's ruleset.
func declinedBody(base string) string {
	return fmt.Sprintf("GitHub merged this pull request, but connectbot could not record on `%s` the stage change its approval makes: "+
		"GitHub declined connectbot's push by the branch's ruleset. Until it is recorded, connectbot's clocks and the program's status do not see it.\n\n"+
		"To fix it, make connectbot's App a bypass actor (always) of the branch's ruleset (docs/deploy.md, \"Protect the program's branch\"): "+
		"the next push to `%s`, reconcile or tick then records it.", base, base)
}
