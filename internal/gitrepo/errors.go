package gitrepo

import (
	"errors"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// opError is the error every operation returns: "op: cause", classified by
// kind for errors.Is, with every secret scrubbed from its text.
type opError struct {
	msg  string
	kind error // one of the package's Err values, or nil
	err  error // the cause; nil when scrubbing changed its text
}

// Error returns the scrubbed message.
func (e *opError) Error() string { return e.msg }

// Is reports whether target is the error's kind.
func (e *opError) Is(target error) bool { return e.kind != nil && target == e.kind }

// Unwrap returns the cause, unless its text held a secret.
func (e *opError) Unwrap() error { return e.err }

// newError describes a failure of op caused by err, classified as kind. If a
// secret appears in the text, it is replaced and the cause is dropped, so
// the secret cannot be reached through errors.Unwrap either.
func newError(op string, kind, err error, secrets ...string) error {
	msg := op + ": " + err.Error()
	scrubbed := msg
	for _, s := range secrets {
		if s != "" {
			scrubbed = strings.ReplaceAll(scrubbed, s, "[redacted]")
		}
	}
	e := &opError{msg: scrubbed, kind: kind, err: err}
	if scrubbed != msg {
		e.err = nil
	}
	return e
}

// classify maps go-git's errors onto the package's error kinds.
func classify(err error) error {
	switch {
	case errors.Is(err, ErrNotFound),
		errors.Is(err, plumbing.ErrReferenceNotFound),
		errors.Is(err, plumbing.ErrObjectNotFound),
		errors.Is(err, transport.ErrRepositoryNotFound),
		errors.Is(err, git.ErrRemoteNotFound),
		errors.Is(err, git.NoMatchingRefSpecError{}):
		return ErrNotFound
	case errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod):
		return ErrAuth
	case errors.Is(err, ErrDeclined):
		return ErrDeclined
	case errors.Is(err, ErrRejected),
		errors.Is(err, git.ErrForceNeeded):
		return ErrRejected
	case errors.Is(err, ErrInvalidPath):
		return ErrInvalidPath
	case errors.Is(err, ErrFileTooLarge):
		return ErrFileTooLarge
	case errors.Is(err, ErrMalformedTree):
		return ErrMalformedTree
	}
	return nil
}
