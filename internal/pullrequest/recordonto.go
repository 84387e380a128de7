package pullrequest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
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
// changed since — it records nothing for that file and says so. Where the
// tip holds the transition already — two approvals of one stage change
// merged in one batch of the queue's, the first one's record made it —
// it records nothing for that file either, and says it is recorded. With
// no commit in between, the record is byte for byte connectbot's own
// merge.

// onTip is what the tip's file makes of one transition: its program part
// to write, or why it is not written.
type onTip struct {
	state application.ProgramState
	// src is the file as the tip holds it.
	src []byte
	// why, when not empty, says why the transition is not applied; stands
	// that the tip holds it already.
	why    string
	stands bool
}

// recorded is what recordFiles made of a verdict's transitions.
type recorded struct {
	files map[string][]byte
	// v is the verdict with the transitions applied.
	v program.Verdict
	// refused says why each transition the tip no longer starts from was
	// not applied, one line each; stood, each one the tip holds already.
	refused, stood []string
}

// recordFiles applies each transition of v, judged at GitHub's merge m,
// to its application as tip holds it (onto) and rewrites the file. A
// transition the tip holds already (standsOn), or whose file the rewrite
// leaves byte for byte as it is, writes nothing.
func (h *Handler) recordFiles(tip string, m mergedByGitHub, v program.Verdict) (recorded, error) {
	out := recorded{files: map[string][]byte{}, v: v}
	at, err := h.tree(tip)
	if err != nil {
		return out, err
	}
	merged, err := h.tree(m.commit)
	if err != nil {
		return out, err
	}
	l := h.judge().Loader
	var applied []program.Transition
	for _, t := range v.Transitions {
		p := application.PathOf(t.Slug)
		said := fmt.Sprintf("%s (%s → %s): %s", t.Slug, t.From, t.To, p)
		o, err := stateOnTip(l, merged, at, p, t)
		if err != nil {
			return out, fmt.Errorf("record %s: %w", t.Slug, err)
		}
		if o.why != "" {
			out.refused = append(out.refused, fmt.Sprintf("%s changed since: %s", said, o.why))
			continue
		}
		var b []byte
		if !o.stands {
			if b, err = l.Rewrite(at, p, o.state); err != nil {
				return out, fmt.Errorf("record %s: %w", t.Slug, err)
			}
		}
		if o.stands || bytes.Equal(b, o.src) {
			out.stood = append(out.stood, said+" holds it")
			continue
		}
		out.files[p] = b
		applied = append(applied, t)
	}
	out.v.Transitions = applied
	return out, nil
}

// stateOnTip is what p of tree at makes of transition t, which the
// approval records at GitHub's merge merged: t's program part applied
// to at's (onto), the tip's holding t already (standsOn), or why t
// cannot be applied.
func stateOnTip(l *loader.Loader, merged, at loader.Tree, p string, t program.Transition) (onTip, error) {
	now, src, err := l.Application(at, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return onTip{why: "it is gone"}, nil
	case errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.ENOTDIR), errors.Is(err, gitrepo.ErrFileTooLarge):
		return onTip{why: "it is no longer a file connectbot reads"}, nil
	case err != nil:
		return onTip{}, err
	case now.App == nil:
		return onTip{why: "it does not load"}, nil
	}
	before, _, err := l.Application(merged, p)
	if err != nil {
		return onTip{}, err
	}
	if before.App == nil {
		return onTip{}, fmt.Errorf("%s does not load at GitHub's merge", p)
	}
	if standsOn(before.App.Program, now.App.Program, t) {
		return onTip{src: src, stands: true}, nil
	}
	state, why := onto(before.App.Program, t.Program, now.App.Program)
	return onTip{state: state, src: src, why: why}, nil
}

// standsOn reports whether tip, the program part the record goes onto,
// holds transition t already, of an application GitHub's merge left at
// before: tip is at t's To, reached from t's From since the merge — by
// another approval's record, of the same batch of the queue's or an
// earlier one, or a person's edit — and every date t records is set
// there. A change of stage the pull request itself proposes is in the
// merge already (before is at t's To), so it never stands this way; nor
// does a removal, another stage, or a date t records that is not set.
func standsOn(before, tip application.ProgramState, t program.Transition) bool {
	if before.Stage != t.From || tip.Stage != t.To || len(t.Set) == 0 {
		return false
	}
	v := reflect.ValueOf(tip)
	for _, name := range t.Set {
		i := slices.IndexFunc(reflect.VisibleFields(v.Type()), func(f reflect.StructField) bool { return jsonName(f) == name })
		if i < 0 || v.Field(i).Kind() != reflect.Pointer || v.Field(i).IsNil() {
			return false
		}
	}
	return true
}

// jsonName is the name of a field of application.ProgramState in the
// file: its JSON name, which the CUE schema shares.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
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
			return tip, fmt.Sprintf("its %s changed", jsonName(b.Type().Field(i)))
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
