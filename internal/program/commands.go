package program

import (
	"fmt"
	"regexp"
	"strings"

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
// "/connectbot" and reads it. A line GitHub shows as code — in a fenced
// code block (``` or ~~~) or indented by four spaces or a tab — or as a
// quotation (> ...) is an example or someone else's words, and one in an
// HTML comment (<!-- ... -->) is hidden from whoever reads the comment:
// none is a command. ok is false when the comment holds no command; err
// says what is wrong with one that does not parse.
func ParseCommand(body string, slugs map[string]bool) (cmd Command, ok bool, err error) {
	fence := "" // the opening fence while inside a fenced code block
	for _, line := range strings.Split(htmlCommentRE.ReplaceAllString(body, ""), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if fence != "" {
			if closesFence(line, fence) {
				fence = ""
			}
			continue
		}
		if f := opensFence(line); f != "" {
			fence = f
			continue
		}
		if strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "    ") {
			continue // an indented code block
		}
		line = strings.TrimSpace(line)
		rest, found := strings.CutPrefix(line, "/connectbot")
		if !found || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		words := strings.Fields(rest)
		if len(words) == 0 {
			return Command{}, true, fmt.Errorf("say what to do: /connectbot recheck, or /connectbot terminate [slug] <reason>")
		}
		switch words[0] {
		case CommandRecheck:
			return Command{Name: CommandRecheck}, true, nil
		case CommandTerminate:
			c := Command{Name: CommandTerminate}
			args := words[1:]
			if len(args) > 0 && slugs[args[0]] {
				c.Slug, args = args[0], args[1:]
			} else if len(args) > 0 && strings.Contains(args[0], "-") && policy.ValidSlug(args[0]) {
				// A slug mistyped, or of an application not in the
				// program: read as the reason, it would terminate the pull
				// request's own application instead.
				return Command{}, true, fmt.Errorf("there is no application %q in the program: name one that is (/connectbot terminate <slug> <reason>), or leave the slug out to terminate this pull request's application", args[0])
			}
			c.Reason = strings.Join(args, " ")
			if c.Reason == "" {
				return Command{}, true, fmt.Errorf("a termination needs a reason: /connectbot terminate [slug] <reason>")
			}
			return c, true, nil
		}
		return Command{}, true, fmt.Errorf("unknown command %q: use /connectbot recheck, or /connectbot terminate [slug] <reason>", words[0])
	}
	return Command{}, false, nil
}

// htmlCommentRE matches an HTML comment, which GitHub does not show, to
// its end or to the end of the text.
var htmlCommentRE = regexp.MustCompile(`(?s)<!--.*?(?:-->|$)`)

// opensFence returns the fence a line opens (a run of three or more
// backticks or tildes after at most three spaces), or "".
func opensFence(line string) string {
	rest := strings.TrimLeft(line, " ")
	if len(line)-len(rest) > 3 || len(rest) < 3 || (rest[0] != '`' && rest[0] != '~') {
		return ""
	}
	n := len(rest) - len(strings.TrimLeft(rest, rest[:1]))
	if n < 3 || (rest[0] == '`' && strings.Contains(rest[n:], "`")) {
		return "" // a backtick fence's info string holds no backtick
	}
	return rest[:n]
}

// closesFence reports whether line closes a code block opened by fence:
// the same character, at least as many, and nothing else on the line.
func closesFence(line, fence string) bool {
	rest := strings.TrimLeft(line, " ")
	if len(line)-len(rest) > 3 {
		return false
	}
	rest = strings.TrimRight(rest, " \t")
	return len(rest) >= len(fence) && strings.Trim(rest, fence[:1]) == ""
}

// Terminate returns the removal a reviewer's `/connectbot terminate`
// demands, or an error saying why it is refused: only a reviewer of the
// program may terminate, and a removed application cannot be removed again.
func Terminate(cmd Command, by string, f *application.File, cfg application.Config, now application.Date) (Action, error) {
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
	rule := "connect/beta-8"
	if f.App.Program.Stage == application.StageCertification || f.App.Program.Stage == application.StagePartner {
		rule = "connect/cert-7"
	}
	d.add(Action{
		Kind: KindOpenRemovalPR, Reason: ReasonTerminated, Due: now, Rule: rule,
		Dates: d.dates("acceptedAt", "listingPublishedAt", "approvedAt", "launchDate"), Installs: d.installs,
		Evidence: fmt.Sprintf("terminated by @%s: %s", by, cmd.Reason),
	})
	return d.actions[0], nil
}
