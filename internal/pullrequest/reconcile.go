package pullrequest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
)

// Reconciled is what a reconcile found and did for one pull request.
type Reconciled struct {
	Number int
	// Repaired lists what was missing and is now done (a comment, a check,
	// labels, a merge, an answer to a command); empty when GitHub already
	// showed what the rules say.
	Repaired []string
	// Skipped says why the pass left the pull request, or judging it again
	// after a merge, to the next reconcile (the pass's budget was spent);
	// "" when it did not.
	Skipped string
	// Unchanged is true when nothing happened on the pull request since
	// a reconcile found it settled (see Settled): it was not judged.
	Unchanged bool
	Err       error
}

// Backlog remembers in which order reconciles last took up each pull
// request, so
// that the next pass takes up first those it has left longest — the ones
// skipped over the budget, then the ones never taken up — and a large
// backlog cannot starve any pull request. Its methods are safe for
// concurrent use; a process keeps one across its reconciles.
type Backlog struct {
	mu sync.Mutex
	// last is the turn in which each pull request was last taken up; 0
	// for never.
	last map[int]uint64
	turn uint64
}

// NewBacklog returns an empty Backlog: every pull request is taken up in
// the order it was opened.
func NewBacklog() *Backlog { return &Backlog{last: map[int]uint64{}} }

// order sorts prs oldest-unreconciled first: never taken up before, then
// taken up longest ago, and among equals the pull request opened first.
// It forgets the pull requests no longer open.
func (b *Backlog) order(prs []forge.PR) {
	if b == nil {
		slices.SortFunc(prs, func(x, y forge.PR) int { return cmp.Compare(x.Number, y.Number) })
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	open := map[int]bool{}
	for _, pr := range prs {
		open[pr.Number] = true
	}
	for n := range b.last {
		if !open[n] {
			delete(b.last, n)
		}
	}
	slices.SortFunc(prs, func(x, y forge.PR) int {
		if c := cmp.Compare(b.last[x.Number], b.last[y.Number]); c != 0 {
			return c
		}
		return cmp.Compare(x.Number, y.Number)
	})
}

// took records that a reconcile took up pull request number now.
func (b *Backlog) took(number int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.turn++
	b.last[number] = b.turn
}

// Reconcile makes every open pull request into base show what the rules
// say about it now, whatever deliveries were lost, repeated or reordered:
// each is judged as it would merge (its comment, check and labels written
// where they differ, an authorised approval of its head acted on), and
// every `/connectbot terminate` on it that has no answer is answered. A
// pull request whose state already matches costs conditional requests
// only (answered 304 Not Modified) and no write; one with nothing new
// since h.Settled recorded it settled is not judged at all (Unchanged).
// Every pull request is judged through h.Judge, whose loader keeps the
// base loaded once for the whole pass. The error joins every pull
// request that failed; the others are reconciled all the same.
//
// The pass takes the pull requests up oldest-unreconciled first (see
// Backlog) and stops taking them up once it has made h.ReconcileBudget
// writes — each thing it repaired counts one; a pull request taken up is
// finished — reporting the rest Skipped, for the next pass. A merge moves
// the base under the pull requests judged before it in the pass: they are
// judged again, within the same budget. Once GitHub's rate limit stops a
// pull request, the pass takes up no more: the rest are reported Skipped,
// saying until when, for the next pass.
//
// `/connectbot recheck` needs no answer here: judging the pull request is
// what it asks for.
func (h *Handler) Reconcile(ctx context.Context, base string) ([]Reconciled, error) {
	recorded, recErr := h.recordReconciled(ctx, base)
	prs, err := h.openInto(ctx, base)
	if err != nil {
		return recorded, errors.Join(recErr, err)
	}
	p := &pass{h: h, turn: turn{rejudging: true}, base: base, day: application.DateOf(h.Now()), prs: prs, out: make([]Reconciled, len(prs)),
		again: map[int]string{}, pending: map[int]bool{}}
	for i, pr := range prs {
		p.out[i].Number = pr.Number
		p.queue = append(p.queue, i)
	}
	for len(p.queue) > 0 {
		i := p.queue[0]
		p.queue = p.queue[1:]
		delete(p.pending, i)
		p.takeUp(ctx, i)
	}
	return append(recorded, p.out...), errors.Join(append([]error{recErr}, p.errs...)...)
}

// recordReconciled records the stage changes merged into base on GitHub
// that are not recorded yet (RecordMerged), as the pull requests they
// are of, reconciled.
func (h *Handler) recordReconciled(ctx context.Context, base string) ([]Reconciled, error) {
	if base == "" {
		return nil, nil
	}
	done, err := h.RecordMerged(ctx, base)
	var out []Reconciled
	for _, r := range done {
		w := slices.DeleteFunc(slices.Clone(r.Done), func(d string) bool {
			return !strings.HasPrefix(d, "recorded ") && !strings.HasPrefix(d, "commented ")
		})
		if len(w) > 0 {
			out = append(out, Reconciled{Number: r.Number, Repaired: w})
		}
	}
	if err != nil {
		err = fmt.Errorf("record the stage changes merged into %s: %w", base, err)
	}
	return out, err
}

// pass is one reconcile's progress through the open pull requests.
type pass struct {
	h *Handler
	// turn is the work the pass does: judging again, so that a merge in
	// it starts no round of its own (the pass judges again those it
	// judged before the merge).
	turn turn
	base string
	day  application.Date
	prs  []forge.PR
	out  []Reconciled
	// queue holds indices into prs and out, in turn.
	queue []int
	errs  []error
	spent int
	// taken are the indices taken up, in order.
	taken []int
	// again maps an index to the merge it is judged again after; pending
	// marks the indices queued to be judged again.
	again   map[int]string
	pending map[int]bool
	// tip is the base's tip as origin named it for the settled pull
	// requests; "" until asked, and after a merge moved it.
	tip string
	// limited is GitHub's rate limit once a pull request ran into it:
	// the pass takes up no more.
	limited *forge.RateLimitError
}

func (p *pass) over() bool { return p.h.ReconcileBudget > 0 && p.spent >= p.h.ReconcileBudget }

// takeUp reconciles the pull request at index i: skipped over the
// budget, left alone when nothing changed since it was settled, or
// judged, with its commands answered.
func (p *pass) takeUp(ctx context.Context, i int) {
	h, r, pr := p.h, &p.out[i], p.prs[i]
	if p.over() {
		if after, ok := p.again[i]; ok {
			r.Skipped = fmt.Sprintf("judging it again after %s is over the reconcile's budget of %s; the next reconcile does it", after, budgetWrites(h.ReconcileBudget))
		} else {
			r.Skipped = fmt.Sprintf("over the reconcile's budget of %s; the next reconcile takes it up first", budgetWrites(h.ReconcileBudget))
		}
		return
	}
	if p.limited != nil {
		r.Skipped = fmt.Sprintf("GitHub's %s; the next reconcile takes it up first", limitSpent(p.limited))
		return
	}
	_, rejudged := p.again[i]
	if !rejudged {
		p.taken = append(p.taken, i)
		h.Backlog.took(r.Number)
		if p.unchanged(ctx, pr) {
			r.Unchanged = true
			return
		}
	}
	o, err := h.handle(ctx, p.turn, r.Number, false)
	repaired := writes(o.Done)
	if err == nil && !rejudged {
		var answered []string
		answered, err = h.answerCommands(ctx, r.Number, h.ReconcileBudget-p.spent-len(repaired))
		repaired = append(repaired, answered...)
	}
	r.Repaired = append(r.Repaired, repaired...)
	p.spent += len(repaired)
	if err != nil && r.Err == nil {
		r.Err = err
		p.errs = append(p.errs, fmt.Errorf("pull request #%d: %w", r.Number, err))
		errors.As(err, &p.limited)
	}
	p.h.settle(ctx, pr, settling{o: o, wrote: len(repaired), err: err, whole: !rejudged && !p.over(), day: p.day})
	if o.MergedInto == "" {
		return
	}
	p.tip = ""
	// Those judged before it were judged against the old tip.
	for _, j := range p.taken {
		if j != i && !p.pending[j] && p.out[j].Err == nil {
			p.again[j] = fmt.Sprintf("#%d merged", r.Number)
			p.pending[j] = true
			p.queue = append(p.queue, j)
		}
	}
}

// unchanged reports whether pull request pr, as listed, is as a reconcile
// last found it settled (Handler.Settled), against the base's current
// tip, asked of origin once for the pass. Any doubt — the base or the
// checks cannot be read — says no.
func (p *pass) unchanged(ctx context.Context, pr forge.PR) bool {
	if p.h.Settled == nil {
		return false
	}
	if p.tip == "" {
		tip, err := p.h.Git.RemoteTip(ctx, p.base)
		if err != nil {
			return false
		}
		p.tip = tip
	}
	return p.h.unchanged(ctx, pr, p.tip, p.day)
}

// limitSpent says which rate limit is spent, and until when.
func limitSpent(e *forge.RateLimitError) string {
	kind := "rate limit"
	if e.Secondary {
		kind = "secondary rate limit"
	}
	return fmt.Sprintf("%s is spent until %s", kind, e.Reset.UTC().Format(time.RFC3339))
}

// budgetWrites says n writes in words.
func budgetWrites(n int) string {
	if n == 1 {
		return "1 write"
	}
	return fmt.Sprintf("%d writes", n)
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
// the comment, so a command is answered once), at most room of them when
// the reconcile has a budget (none when room is below one): the others
// wait for the next reconcile, so a flood of commands cannot spend more
// than the budget.
func (h *Handler) answerCommands(ctx context.Context, number, room int) ([]string, error) {
	comments, err := h.Forge.ListComments(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d comments: %w", number, err)
	}
	answered := map[int64]bool{}
	for _, c := range comments {
		if h.isBot(c.Author) {
			if id, ok := replyTo(c.Body); ok {
				answered[id] = true
			}
		}
	}
	var out []string
	taken := 0
	for _, c := range comments {
		if h.isBot(c.Author) || answered[c.ID] || !strings.Contains(c.Body, "/connectbot") {
			continue
		}
		if h.ReconcileBudget > 0 && taken >= room {
			break
		}
		cmd, ok, _ := program.ParseCommand(c.Body, nil)
		if !ok || cmd.Name == program.CommandRecheck {
			continue
		}
		taken++
		var done []string
		if c.Edited {
			// Anyone with write access may edit anyone's comment: an
			// edited command is not its author's word, so it is answered
			// and never carried out.
			done, err = h.once(ctx, number, c, func(ctx context.Context, _ turn) ([]string, error) {
				return h.answer(ctx, number, c, editedCommand)
			})
		} else {
			done, err = h.Comment(ctx, number, c)
		}
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

// editedCommand answers a command found in a comment edited after it was
// posted.
const editedCommand = "this comment was edited after it was posted, and connectbot carries out a command only as it was first posted: nothing was done. Post the command again in a new comment."

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
