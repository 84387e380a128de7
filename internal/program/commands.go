package program

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// Comment commands.
const (
	CommandRecheck   = "recheck"
	CommandTerminate = "terminate"
)

// ReasonTerminated is the removal reason of a reviewer's termination.
const ReasonTerminated = "terminated"

// Command is a `/connectbot ...` line in a comment.
type Command struct {
	Name string
	// Slug is the application a terminate names, if it names one.
	Slug string
	// Reason is the rest of the line after the command (and slug).
	Reason string
}

// ParseCommand finds the first line of a comment that starts with
// "/connectbot" and reads it. Only a line of a paragraph at the top level
// of the comment, as GitHub shows it, can be a command (see
// visibleLines): one in code, in HTML or hidden by it, in a quotation, a
// list, a link or an HTML comment is an example, someone else's words or
// hidden from whoever reads the comment. ok is false when the comment
// holds no command; err says what is wrong with one that does not parse.
//
// slugs are the applications of the program. The first word after
// "terminate" is the slug of the application to terminate when it names
// one; a word that reads as a slug without naming one is refused (see
// readSlug); any other word starts the reason.
func ParseCommand(body string, slugs map[string]bool) (cmd Command, ok bool, err error) {
	for _, l := range visibleLines(body) {
		rest, found := strings.CutPrefix(strings.TrimSpace(l.text), "/connectbot")
		if r, _ := utf8.DecodeRuneInString(rest); !found || rest != "" && !unicode.IsSpace(r) {
			continue
		}
		if !l.plain {
			return Command{}, true, fmt.Errorf("write the command in plain words on a line of its own, with no code, link, HTML or struck-out text in it: nothing was done")
		}
		cmd, err := readCommand(strings.Fields(rest), slugs)
		return cmd, true, err
	}
	return Command{}, false, nil
}

// readCommand reads the words after "/connectbot".
func readCommand(words []string, slugs map[string]bool) (Command, error) {
	if len(words) == 0 {
		return Command{}, fmt.Errorf("say what to do: /connectbot recheck, or /connectbot terminate [slug] <reason>")
	}
	switch words[0] {
	case CommandRecheck:
		return Command{Name: CommandRecheck}, nil
	case CommandTerminate:
		c := Command{Name: CommandTerminate}
		args := words[1:]
		if len(args) > 0 {
			slug, named, err := readSlug(args[0], slugs)
			if err != nil {
				return Command{}, err
			}
			if named {
				c.Slug, args = slug, args[1:]
			}
		}
		c.Reason = strings.Join(args, " ")
		if c.Reason == "" {
			return Command{}, fmt.Errorf("a termination needs a reason: /connectbot terminate [slug] <reason>")
		}
		return c, nil
	}
	return Command{}, fmt.Errorf("unknown command %q: use /connectbot recheck, or /connectbot terminate [slug] <reason>", words[0])
}

// readSlug reads the first word after "terminate". It names an
// application when it is one of slugs, exactly. It is refused, with the
// nearest slugs, when it reads as a slug without being one — it folds
// (NFKC, case, confusables, invisible characters, any dash) to a slug's
// key, it holds dash punctuation of any kind, or it is one word within
// slugTypos edits of a slug — since read as the reason it would terminate
// the pull request's own application instead. Any other word starts the
// reason.
func readSlug(word string, slugs map[string]bool) (slug string, named bool, err error) {
	if slugs[word] {
		return word, true, nil
	}
	key := policy.SlugKey(word)
	near, dist := nearestSlugs(key, slugs)
	switch {
	case dist == 0, policy.HasDash(word), key != "" && dist <= slugTypos && dist*3 <= len(key):
		return "", false, fmt.Errorf("there is no application %s in the program%s: name the application to terminate as it is spelt, /connectbot terminate <slug> <reason>", strconv.QuoteToASCII(word), didYouMean(near))
	}
	return "", false, nil
}

// slugTypos is how many edits away from a slug a one-word reason may be
// before it is taken for a mistyped slug (and at most a third of its
// length, so that a word of one or two letters is never taken for one).
// A reviewer whose one-word reason is refused names the application
// first: /connectbot terminate <slug> <reason>.
const slugTypos = 2

// nearestSlugs returns the slugs whose keys are fewest edits from key, in
// order (at most three), and that number of edits; -1 when there are no
// slugs.
func nearestSlugs(key string, slugs map[string]bool) ([]string, int) {
	best, out := -1, []string(nil)
	for s := range slugs {
		d := editDistance(key, policy.SlugKey(s))
		switch {
		case best < 0 || d < best:
			best, out = d, []string{s}
		case d == best:
			out = append(out, s)
		}
	}
	sort.Strings(out)
	if len(out) > 3 {
		out = out[:3]
	}
	return out, best
}

// didYouMean suggests slugs, or says nothing when there are none.
func didYouMean(slugs []string) string {
	if len(slugs) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(slugs, ", ") + "?)"
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur := make([]int, len(rb)+1)
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// Terminate returns the removal a reviewer's `/connectbot terminate`
// demands, or an error saying why it is refused: only a reviewer of the
// program may terminate, and a removed application cannot be removed
// again. comment is the id of the comment the command was posted in,
// which keys the removal's pull request (Marker), and now the day it was
// posted, the day the removal records.
func Terminate(cmd Command, by string, comment int64, f *application.File, cfg application.Config, now application.Date) (Action, error) {
	if !isReviewer(cfg, by) {
		return Action{}, fmt.Errorf("only the program's reviewers can terminate a participation; @%s is not one, so nothing was done", by)
	}
	if f == nil || f.App == nil {
		return Action{}, fmt.Errorf("there is no application %q that loads; name one: /connectbot terminate <slug> <reason>", cmd.Slug)
	}
	if f.App.Program.Stage == application.StageRemoved {
		return Action{}, fmt.Errorf("%s is already removed", f.Slug)
	}
	d := &decision{in: Input{Config: cfg, Now: now}, file: f, app: f.App}
	d.installs, d.counts = d.installCounts()
	rule := policy.RuleBeta8
	if f.App.Program.Stage == application.StageCertification || f.App.Program.Stage == application.StagePartner {
		rule = policy.RuleCert7
	}
	d.add(Action{
		Kind: KindOpenRemovalPR, Reason: ReasonTerminated, Due: now, Rule: rule, Comment: comment,
		Dates: d.dates("acceptedAt", "listingPublishedAt", "approvedAt", "launchDate"), Installs: d.installs,
		Evidence: fmt.Sprintf("terminated by @%s: %s", by, cmd.Reason),
	})
	return d.actions[0], nil
}
