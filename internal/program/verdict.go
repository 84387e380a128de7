package program

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/connectbot/connectbot/internal/policy"
)

// PullRequest is everything a pull-request decision depends on, gathered
// beforehand: the files it touches judged at base and head (with the base
// branch's schema and program.cue), its reviews, and the date.
type PullRequest struct {
	Number int
	Author Author
	// HeadSHA is the pull request's head commit and BaseSHA the base
	// branch's tip it was merged into to be judged.
	HeadSHA, BaseSHA string
	// BaseRef is the base branch's name ("main").
	BaseRef string
	// ProgramBranch is the branch the program lives on (connectbot's
	// configured base branch, else the repository's default one) and the
	// only one connectbot merges into: a pull request into any other
	// branch is a failure, never merged. "" when unknown (nothing is
	// checked).
	ProgramBranch string
	// ReopenedAt is when the pull request was last reopened (zero when it
	// never was): an approval submitted before it counts for nothing, as
	// closing the pull request was a no; a change request still stands.
	ReopenedAt time.Time
	// Draft is true while the author marks the pull request a draft: it
	// is judged, but not merged until it is marked ready for review (as
	// GitHub refuses to merge a draft).
	Draft bool
	// Changes are what merging the head into the base tip changes, and
	// the applications whose cross-file findings that changes.
	Changes []FileChange
	// Conflicts are the paths that keep the head from merging cleanly into
	// the base tip; Conflict says why in a sentence when it is not a path
	// (no common history). Either makes the verdict a failure.
	Conflicts []string
	Conflict  string
	// FormIssue is the issue connectbot opened this pull request from
	// with a form (0 for any other): editing that issue proposes its
	// answers again onto the base tip, which is how its applicant
	// resolves a conflict.
	FormIssue int
	// BranchUpdate is what became of connectbot's asking GitHub to bring
	// a conflicting branch up to date with its base (BranchUpdateAsked,
	// BranchUpdateRefused); "" when it did not ask.
	BranchUpdate string
	// Unread says why connectbot could not read the pull request at all
	// (its branch carries a file over the size limit, say); it makes the
	// verdict a failure.
	Unread string
	// Config is the base branch's program configuration.
	Config application.Config
	// Installs are the live install counts by slug from the source
	// Config names (nil when it names none): acceptance rests on them.
	Installs map[string]Installs
	Reviews  []Review
	// ReviewsCut is true when Reviews are not all of them: the pull
	// request has more than connectbot reads in one event, and the first
	// and the newest were read. A change request may be among those left
	// out, so nothing merges.
	ReviewsCut bool
	// MergeQueue is true when the base branch takes changes only through
	// GitHub's merge queue: an approval is then left to the queue, which
	// merges it, and connectbot records its stage change afterwards. It
	// is read only when AsksMergeQueue says the verdict rests on it; a
	// queue's merge, judged as connectbot's own merge would be, leaves it
	// false.
	MergeQueue bool
	Now        application.Date
}

// Conclusions of the connectbot check.
const (
	ConclusionSuccess = "success"
	ConclusionFailure = "failure"
)

// FileVerdict is what the pull request does to one file and what is wrong.
type FileVerdict struct {
	Path  string
	Slug  string
	Stage application.Stage
	// Kind is what the pull request does to the file.
	Kind     ChangeKind
	Findings []application.Finding
	// Checklist is true when the reviewer checklist is shown for the
	// file: a new application, a change of stage, or a change whose
	// approval records one (see ShowsChecklist).
	Checklist bool
	// Attestations are what the file attests at the head, shown with the
	// checklist; nil when the file does not load there.
	Attestations *application.Attestations
	// Reapplies is the removed application the file applies again for,
	// shown to the reviewer with its removal; nil for any other file.
	Reapplies *Reapplication
	// Listing is the listing the change adds or changes, previewed in
	// the comment; nil when the listing is as on the base branch, or the
	// file has none or fails the schema at the head.
	Listing *ListingPreview
}

// ListingPreview is what a listing page shows of an application: its
// names and its listing.
type ListingPreview struct {
	Name, Company string
	Listing       application.Listing
}

// listingPreview returns the listing a change adds or changes, or nil.
func listingPreview(c FileChange) *ListingPreview {
	if c.Head == nil || c.Head.App == nil || c.Head.App.Listing == nil {
		return nil
	}
	head := c.Head.App
	if c.Base != nil && c.Base.App != nil && c.Base.App.Listing != nil && *c.Base.App.Listing == *head.Listing &&
		c.Base.App.Integration.Name == head.Integration.Name && c.Base.App.Company.Name == head.Company.Name {
		return nil
	}
	return &ListingPreview{Name: head.Integration.Name, Company: head.Company.Name, Listing: *head.Listing}
}

// Reapplication is the removed application a new one applies again for
// (application.PreviousApplication), as the reviewer is shown it.
type Reapplication struct {
	Slug, Path string
	Removed    application.Removal
}

// fileVerdictOf starts the verdict on one changed file from what the
// change holds: its slug, stage, attestations and findings at the head,
// and the removed application it re-applies for, if it links one.
func fileVerdictOf(c FileChange) FileVerdict {
	fv := FileVerdict{Path: c.Path, Kind: changeKind(c)}
	if c.Head != nil {
		fv.Slug = c.Head.Slug
		fv.Findings = append(fv.Findings, c.Head.Findings...)
		if c.Head.App != nil {
			fv.Stage = c.Head.App.Program.Stage
			a := c.Head.App.Attestations
			fv.Attestations = &a
		}
		fv.Listing = listingPreview(c)
	} else if c.Base != nil {
		fv.Slug = c.Base.Slug
	}
	if p := c.Previous; p != nil && p.App != nil && p.App.Program.Removed != nil && c.Head != nil && c.Head.App != nil &&
		c.Head.App.PreviousApplication == p.Slug {
		fv.Reapplies = &Reapplication{Slug: p.Slug, Path: p.Path, Removed: *p.App.Program.Removed}
	}
	return fv
}

// Errors counts the verdict's error findings.
func (v FileVerdict) Errors() int {
	n := 0
	for _, f := range v.Findings {
		if f.Severity == application.SeverityError {
			n++
		}
	}
	return n
}

// Verdict is connectbot's judgement of a pull request: of its head commit
// merged into the base branch's tip.
type Verdict struct {
	Number int
	// HeadSHA and BaseSHA are the commits judged; a verdict merges only
	// while both are still current.
	HeadSHA, BaseSHA string
	// Conflicted is true when the head does not merge cleanly into the base.
	Conflicted bool
	// BranchUpdate is PullRequest.BranchUpdate of a conflicted verdict.
	BranchUpdate string
	Files        []FileVerdict
	Conclusion   string
	// Labels is the complete set of connectbot labels the pull request
	// should carry; any other connectbot label is removed.
	Labels []string
	// NeedsReview is true when a reviewer must look before anything merges.
	NeedsReview bool
	// Approval is the authorised approval of the head commit, if any.
	Approval *Review
	// Interested are the approvals of the head commit that do not count
	// because their reviewer is not independent of the pull request's
	// applications (see Interest).
	Interested []InterestedApproval
	// ChangesRequested are the reviewers' requests still standing.
	ChangesRequested []Review
	// Merge is true when the pull request is to be merged, pinned to HeadSHA.
	Merge bool
	// Queued is true when the approval would have connectbot merge the
	// pull request but its base branch takes changes only through GitHub's
	// merge queue: a person adds it to the queue, and connectbot records
	// Transitions once the queue merged it.
	Queued bool
	// Transitions are what the merge records, one per application.
	Transitions []Transition
	// Next says what happens next, and by when, in words.
	Next []string
	// MaxAnnotations is the most findings the check marks on their lines,
	// errors first (program.cue's maxAnnotationsPerCheck); 0 marks every
	// one.
	MaxAnnotations int
}

// JudgePullRequest decides a pull request: which files pass, which
// ownership rules they break, its labels, and whether an authorised
// approval merges it with which transitions. An approval counts only from
// a reviewer of the base configuration who is not the author, on the
// current head commit, and only when the check is green.
func JudgePullRequest(pr PullRequest) Verdict {
	v := Verdict{Number: pr.Number, HeadSHA: pr.HeadSHA, BaseSHA: pr.BaseSHA, MaxAnnotations: pr.Config.MaxAnnotations}
	labels := map[string]bool{}
	changes := pr.Changes
	if tooMany, ok := TooManyApplications(changes, pr.Config); ok {
		v.Files, changes = append(v.Files, tooMany), nil
		labels[LabelNew], labels[LabelInvalid] = true, true
	}
	owned, needsReview := Ownership(pr.Author, changes, pr.Config)
	v.NeedsReview = needsReview
	if len(pr.Conflicts) > 0 || pr.Conflict != "" {
		v.Conflicted, v.BranchUpdate = true, pr.BranchUpdate
		labels[LabelNeedsRebase], labels[LabelInvalid] = true, true
		for _, p := range pr.Conflicts {
			v.Files = append(v.Files, FileVerdict{Path: p, Kind: ChangeConflict, Findings: []application.Finding{{
				Rule: RuleConflict, Severity: application.SeverityError, Line: 1, Column: 1,
				Message: conflictMessage(pr, p),
			}}})
		}
	}
	if pr.Unread != "" || intoOtherBranch(pr) {
		labels[LabelInvalid] = true
	}
	for _, c := range changes {
		fv := fileVerdictOf(c)
		fv.Findings = append(fv.Findings, owned[c.Path]...)
		if x, ok := liveEntry(c, pr); ok {
			fv.Findings = append(fv.Findings, x)
		}
		sortByLine(fv.Findings)
		fv.Checklist = ShowsChecklist(c, pr.Config, pr.Now)
		switch fv.Kind {
		case ChangeNew:
			labels[LabelNew] = true
		case ChangeUpdate, ChangeRename, ChangeDelete:
			labels[LabelUpdate] = true
		}
		if fv.Stage != "" && c.Status != ChangeAffected {
			labels[labelStagePrefix+string(fv.Stage)] = true
		}
		if fv.Errors() > 0 {
			labels[LabelInvalid] = true
		}
		v.Files = append(v.Files, fv)
	}
	v.Conclusion = ConclusionSuccess
	if labels[LabelInvalid] {
		v.Conclusion = ConclusionFailure
	}
	v.Approval, v.ChangesRequested, v.Interested = standingReviews(pr)
	if len(v.ChangesRequested) > 0 {
		labels[LabelChangesRequested] = true
	}
	approved := mergeableApproval(pr, v)
	v.Merge, v.Queued = approved && !pr.Draft && !pr.MergeQueue, approved && !pr.Draft && pr.MergeQueue
	// A pull request waits for a reviewer when it is ready for one, or
	// when it touches what only a reviewer may change.
	// An approved change that connectbot does not merge itself waits for
	// the person who merges it, not for a review.
	approvedForAPerson := v.Approval != nil && v.Conclusion == ConclusionSuccess && len(v.ChangesRequested) == 0 && !v.Merge
	labels[LabelNeedsReview] = !v.Merge && !approvedForAPerson && (v.NeedsReview || v.Conclusion == ConclusionSuccess)
	if v.Merge || v.Queued {
		for _, c := range pr.Changes {
			if c.Status == ChangeAffected {
				continue
			}
			if t, ok := OnApproval(c, pr.Config, *v.Approval, pr.Number, pr.HeadSHA, pr.Now, pr.Installs); ok {
				v.Transitions = append(v.Transitions, t)
			}
		}
	}
	for l, on := range labels {
		if on {
			v.Labels = append(v.Labels, l)
		}
	}
	sort.Strings(v.Labels)
	v.Next = next(pr, v)
	return v
}

// changeKind is what the verdict calls change c: its Status, but
// ChangeOther for any file that is not an application, and for a path the
// merge adds or updates, ChangeNew where the base branch held no
// application file there and ChangeUpdate where it did.
func changeKind(c FileChange) ChangeKind {
	switch {
	case !c.IsApplication():
		return ChangeOther
	case c.Status == ChangeAffected, c.Status == ChangeDelete, c.Status == ChangeRename, c.Status == ChangeCopy:
		return c.Status
	case c.Base == nil:
		return ChangeNew
	}
	return ChangeUpdate
}

// next says what happens after this verdict, in words.
func next(pr PullRequest, v Verdict) []string {
	var out []string
	switch {
	case pr.Unread != "":
		out = append(out, pr.Unread)
	case intoOtherBranch(pr):
		out = append(out, fmt.Sprintf("This pull request is into %s: connectbot judges and merges only pull requests into %s. Change its base branch to %s (Edit, next to the title).", pr.BaseRef, pr.ProgramBranch, pr.ProgramBranch))
	case v.Conflicted && pr.Conflict != "":
		out = append(out, pr.Conflict)
	case v.Conflicted:
		out = append(out, conflictNext(pr))
	case v.Conclusion == ConclusionFailure:
		out = append(out, "Fix the errors above and push: connectbot checks every new commit.")
	case len(v.ChangesRequested) > 0:
		for _, r := range v.ChangesRequested {
			out = append(out, fmt.Sprintf("@%s asked for changes: %s", r.Author, firstLine(r.Body)))
		}
	case v.Approval != nil && v.Conclusion == ConclusionSuccess && pr.Draft:
		out = append(out, draftNext(pr, v))
	case v.Merge, v.Queued:
		out = append(out, approvedNext(pr, v))
		for _, t := range v.Transitions {
			out = append(out, fmt.Sprintf("%s: %s (%s).", t.Slug, t.Why, t.Rule))
		}
	case v.Approval != nil && v.Conclusion == ConclusionSuccess && pr.ReviewsCut:
		out = append(out, fmt.Sprintf("Approved by @%s, but this pull request has more reviews than connectbot reads at once, so it cannot tell that no change request stands: a reviewer merges it on GitHub.", v.Approval.Author))
	case v.Approval != nil && v.Conclusion == ConclusionSuccess && !onlyApplicationFiles(pr):
		out = append(out, fmt.Sprintf("Approved by @%s. connectbot merges only changes to application files: a reviewer merges this pull request on GitHub.", v.Approval.Author))
	case v.Approval == nil && len(v.Interested) > 0:
		out = append(out, needsIndependent(pr, v.Interested)...)
	case v.NeedsReview:
		out = append(out, "A reviewer must look at this change before it can merge.")
	default:
		out = append(out, fmt.Sprintf("All checks pass. A reviewer (%s) approves this commit to merge it.", strings.Join(prefixAt(pr.Config.Reviewers), ", ")))
	}
	if v.Conclusion == ConclusionSuccess && !v.Merge && !v.Queued {
		for _, c := range pr.Changes {
			if c.Base == nil && c.Head != nil && c.Head.App != nil && c.Head.App.Program.Stage == application.StageApplied {
				count, problem := AcceptanceCount(c.Head.Slug, c.Head.App.Program.Installs, pr.Config, pr.Installs, pr.Now)
				if problem != "" {
					continue
				}
				if stage := AcceptanceStage(count.Count, pr.Config); stage != "" {
					out = append(out, fmt.Sprintf("%s: once accepted, with %s it enters %s%s.", c.Head.Slug, acceptanceWords(count), stage, afterAcceptance(stage, pr.Config, pr.Now)))
				}
			}
		}
	}
	return out
}

// approvedNext says what an approval connectbot would merge leads to:
// connectbot's merge, or behind GitHub's merge queue, the queue's.
func approvedNext(pr PullRequest, v Verdict) string {
	approved := fmt.Sprintf("Approved by @%s at %s: ", v.Approval.Author, gitsha.Short(pr.HeadSHA))
	if !v.Queued {
		return approved + "connectbot merges this commit."
	}
	recorded := ""
	if len(v.Transitions) > 0 {
		recorded = "; connectbot records the stage change once the queue merges it"
	}
	return approved + fmt.Sprintf("%s takes changes only through GitHub's merge queue, so connectbot does not merge this commit itself. Add it to the queue (Merge when ready)%s.", baseName(pr), recorded)
}

// draftNext says what an approved draft waits for: to be marked ready
// for review, then connectbot's merge or, behind GitHub's merge queue, a
// person's adding it to the queue.
func draftNext(pr PullRequest, v Verdict) string {
	approved := fmt.Sprintf("Approved by @%s at %s, but this pull request is a draft: ", v.Approval.Author, gitsha.Short(pr.HeadSHA))
	if pr.MergeQueue {
		return approved + fmt.Sprintf("once it is marked ready for review, add it to %s's merge queue (Merge when ready); connectbot does not merge it itself.", baseName(pr))
	}
	return approved + "connectbot merges this commit once it is marked ready for review."
}

// mergeableApproval reports whether verdict v's approval is one
// connectbot merges, but for a draft or a merge queue: authorised, on a
// green head, no change request standing, every review read, and only
// application files changed.
func mergeableApproval(pr PullRequest, v Verdict) bool {
	return v.Approval != nil && v.Conclusion == ConclusionSuccess && len(v.ChangesRequested) == 0 && onlyApplicationFiles(pr) && !pr.ReviewsCut
}

// AsksMergeQueue reports whether verdict v on pr, judged without knowing
// whether the base branch takes changes only through GitHub's merge queue
// (MergeQueue false), rests on it: only an approval connectbot would
// merge, now or once the draft is ready, is left to the queue. Every
// other verdict is the same either way, and the gatherer asks GitHub
// nothing.
func (pr PullRequest) AsksMergeQueue(v Verdict) bool { return mergeableApproval(pr, v) }

// liveEntry checks a new application against the live installs source,
// when program.cue names one (Connect req-4: "You must have a minimum of
// 10 Installs"): acceptance rests on the source's count, not the file's,
// so a count the source lacks, or one below the minimum, fails the check.
func liveEntry(c FileChange, pr PullRequest) (application.Finding, bool) {
	if pr.Config.InstallsSource == nil || c.Status == ChangeAffected || c.Base != nil || c.Head == nil || c.Head.App == nil ||
		c.Head.App.Program.Stage != application.StageApplied {
		return application.Finding{}, false
	}
	count, problem := AcceptanceCount(c.Head.Slug, c.Head.App.Program.Installs, pr.Config, pr.Installs, pr.Now)
	msg := ""
	switch {
	case problem != "":
		msg = problem + ": acceptance rests on the source's count, so it waits until the source counts this integration"
	case count.Count < pr.Config.MinInstalls:
		msg = fmt.Sprintf("the installs source counts %s; an application is considered from %s", acceptanceWords(count), application.Plural(pr.Config.MinInstalls, "install"))
	default:
		return application.Finding{}, false
	}
	at := c.Head.Locate("program.installs.count")
	return application.Finding{
		Rule: policy.RuleReq4, Severity: application.SeverityError, Message: msg,
		Path: "program.installs.count", Line: at.Line, Column: at.Column,
	}, true
}

// afterAcceptance says what clock acceptance starts, with its date if
// accepted today.
func afterAcceptance(stage application.Stage, cfg application.Config, now application.Date) string {
	if stage != application.StageBeta {
		return ""
	}
	return fmt.Sprintf("; listing information is then due within %s (by %s if accepted today)", application.Plural(cfg.ListingDueDays, "day"), now.AddDays(cfg.ListingDueDays))
}

// onlyApplicationFiles reports whether every change of a pull request is to
// a regular application file: the only pull requests connectbot merges.
func onlyApplicationFiles(pr PullRequest) bool {
	for _, c := range pr.Changes {
		if c.Status != ChangeAffected && !c.IsApplicationFile() {
			return false
		}
	}
	return true
}

// intoOtherBranch reports whether the pull request is into a branch other
// than the program's: never merged, since what is judged there (and who
// may approve, from that branch's program.cue) is not the program.
func intoOtherBranch(pr PullRequest) bool {
	return pr.ProgramBranch != "" && pr.BaseRef != pr.ProgramBranch
}

func prefixAt(logins []string) []string {
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = "@" + l
	}
	return out
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "see the review"
	}
	return s
}

func sortByLine(fs []application.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Column < fs[j].Column
	})
}
