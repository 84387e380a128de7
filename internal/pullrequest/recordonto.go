package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"syscall"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/program"
)

// A record lands after GitHub's merge, and other commits may land on the
// branch between the two: another record, a removal merged, a person's
// edit. The record therefore does not write the file as it stood after
// the merge: it applies the transition — the program fields the approval
// changes — to the file as the tip it pushes onto holds it, through the
// loader's Rewrite, and keeps everything else of that file. Where that
// cannot be done safely — the file is gone or does not load, its stage is
// no longer the one the merge left, or a field the transition changes
// changed since — it records nothing for that file and says so. With no
// commit in between, the record is byte for byte connectbot's own merge.

// recordFiles applies each transition of v, judged at GitHub's merge m,
// to its application as tip holds it (onto) and rewrites the file: it
// returns the files, v with the transitions it applied, and why each
// other was not applied, one line each.
func (h *Handler) recordFiles(tip string, m mergedByGitHub, v program.Verdict) (map[string][]byte, program.Verdict, []string, error) {
	at, err := h.tree(tip)
	if err != nil {
		return nil, v, nil, err
	}
	merged, err := h.tree(m.commit)
	if err != nil {
		return nil, v, nil, err
	}
	l := h.judge().Loader
	files := map[string][]byte{}
	var applied []program.Transition
	var skipped []string
	for _, t := range v.Transitions {
		p := application.PathOf(t.Slug)
		state, why, err := stateOnTip(l, merged, at, p, t.Program)
		if err != nil {
			return nil, v, nil, fmt.Errorf("record %s: %w", t.Slug, err)
		}
		if why != "" {
			skipped = append(skipped, fmt.Sprintf("%s (%s → %s): %s changed since: %s", t.Slug, t.From, t.To, p, why))
			continue
		}
		if files[p], err = l.Rewrite(at, p, state); err != nil {
			return nil, v, nil, fmt.Errorf("record %s: %w", t.Slug, err)
		}
		applied = append(applied, t)
	}
	v.Transitions = applied
	return files, v, skipped, nil
}

// stateOnTip is the program part to record at p of tree at: after, the
// one the approval records at GitHub's merge merged, applied to at's
// (onto); or why it cannot be.
func stateOnTip(l *loader.Loader, merged, at loader.Tree, p string, after application.ProgramState) (application.ProgramState, string, error) {
	now, _, err := l.Application(at, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return application.ProgramState{}, "it is gone", nil
	case errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.ENOTDIR), errors.Is(err, gitrepo.ErrFileTooLarge):
		return application.ProgramState{}, "it is no longer a file connectbot reads", nil
	case err != nil:
		return application.ProgramState{}, "", err
	case now.App == nil:
		return application.ProgramState{}, "it does not load", nil
	}
	before, _, err := l.Application(merged, p)
	if err != nil {
		return application.ProgramState{}, "", err
	}
	if before.App == nil {
		return application.ProgramState{}, "", fmt.Errorf("%s does not load at GitHub's merge", p)
	}
	state, why := onto(before.App.Program, after, now.App.Program)
	return state, why, nil
}

// onto applies the transition from before to after — an application's
// program part at GitHub's merge and the one its approval records — to
// tip, the program part at the tip the record goes onto: each field the
// transition changes takes after's value, every other keeps tip's. It
// refuses, saying why, where tip no longer starts where the transition
// did: another stage, or a field the transition changes changed since.
// Where tip is before, it returns after.
func onto(before, after, tip application.ProgramState) (application.ProgramState, string) {
	if tip.Stage != before.Stage {
		return tip, fmt.Sprintf("its stage is %s now, not %s", tip.Stage, before.Stage)
	}
	out := tip
	b, a, t, o := reflect.ValueOf(before), reflect.ValueOf(after), reflect.ValueOf(tip), reflect.ValueOf(&out).Elem()
	for i := range b.NumField() {
		if reflect.DeepEqual(a.Field(i).Interface(), b.Field(i).Interface()) {
			continue
		}
		if !reflect.DeepEqual(t.Field(i).Interface(), b.Field(i).Interface()) {
			name, _, _ := strings.Cut(b.Type().Field(i).Tag.Get("json"), ",")
			return tip, fmt.Sprintf("its %s changed", name)
		}
		o.Field(i).Set(a.Field(i))
	}
	return out, ""
}

// changedMarker marks connectbot's comment on a pull request GitHub
// merged whose stage change it did not record because the application's
// file changed after the merge.
const changedMarker = "<!-- connectbot:unrecorded-changed -->"

// sayEachUnrecorded says, once, on each pull request of rs whose stage
// change was not recorded for a file changed after GitHub's merge, which
// and why; a dry run prints it instead.
func (h *Handler) sayEachUnrecorded(ctx context.Context, base string, rs records) error {
	for i, r := range rs.out {
		why := rs.unrecorded[i]
		if len(why) == 0 {
			continue
		}
		if h.DryRun {
			if _, err := fmt.Fprintf(h.Out, "pull request #%d, merged on GitHub: would comment that %s is not recorded\n", r.Number, strings.Join(why, "; ")); err != nil {
				return err
			}
			continue
		}
		done, err := h.sayUnrecorded(ctx, r.Number, changedMarker, changedBody(base, why))
		if err != nil {
			return err
		}
		rs.out[i].Done = append(rs.out[i].Done, done...)
	}
	return nil
}

// changedBody is the comment on a pull request whose stage change, for
// the applications why names, was not recorded on base.
func changedBody(base string, why []string) string {
	return fmt.Sprintf("GitHub merged this pull request, but connectbot could not record on `%s` the stage change its approval makes, "+
		"because the application's file changed on `%s` after the merge and connectbot does not write over a later change:\n\n- %s\n\n"+
		"Until it is recorded, connectbot's clocks and the program's status do not see it. "+
		"If the stage change still stands, record it in a pull request that edits the file's `program` part.",
		base, base, strings.Join(why, "\n- "))
}
