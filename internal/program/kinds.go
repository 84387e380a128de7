package program

// The kinds of things the program's decisions name: what an action does,
// and what a pull request does to a file. Each word is typed, and spelled
// here once.

// ActionKind is what an action of a scheduled run does.
type ActionKind string

// Action kinds.
const (
	KindRemind        ActionKind = "remind"
	KindOpenRemovalPR ActionKind = "open-removal-pr"
	KindClosePR       ActionKind = "close-pr"
	KindPromote       ActionKind = "promote"
	KindLaunch        ActionKind = "launch"
)

// Verb is the verb of a kind of action that opens a pull request, as its
// branch and commit message name it: "remove", "promote" or "launch"; ""
// for any other kind.
func (k ActionKind) Verb() string { return verbs[k] }

// verbs are the verbs of the kinds in prKinds.
var verbs = map[ActionKind]string{KindOpenRemovalPR: "remove", KindPromote: "promote", KindLaunch: "launch"}

// KindOfVerb returns the kind of action whose Verb is verb, or false when
// no kind has it: how a branch of Branch is read back.
func KindOfVerb(verb string) (ActionKind, bool) {
	for _, k := range prKinds {
		if k.Verb() == verb {
			return k, true
		}
	}
	return "", false
}

// prKinds are the kinds of action that open a pull request.
var prKinds = []ActionKind{KindOpenRemovalPR, KindPromote, KindLaunch}

// ChangeKind is what a pull request does to one file: as the merge changes
// the path (FileChange.Status), and as its verdict and comment name it.
type ChangeKind string

// Change kinds.
const (
	ChangeNew    ChangeKind = "new"
	ChangeUpdate ChangeKind = "update"
	ChangeRename ChangeKind = "rename"
	// ChangeCopy is a new file whose content is an application already on
	// the base branch.
	ChangeCopy   ChangeKind = "copy"
	ChangeDelete ChangeKind = "delete"
	// ChangeAffected is an application the pull request does not change
	// but whose cross-file findings it changes.
	ChangeAffected ChangeKind = "affected"
	// ChangeConflict is a file that does not merge cleanly.
	ChangeConflict ChangeKind = "conflict"
	// ChangeOther is any file that is not an application file.
	ChangeOther ChangeKind = "other"
)
