package pullrequest

import (
	"github.com/connectbot/connectbot/internal/loader"
)

// Judge judges pull requests as they would merge, loading both sides
// through Loader, which keeps what it loaded by git object name: judging
// a pull request against a base the loader has seen loads and checks only
// the files that differ, then applies the cross-file rules to every file.
// A run (a reconcile, a tick, an Actions event) shares one Loader across
// its pull requests, and serve one across its events. A Judge is safe for
// concurrent use.
type Judge struct {
	Loader *loader.Loader
}

// NewJudge returns a Judge with a loader of its own.
func NewJudge() *Judge { return &Judge{Loader: loader.New()} }
