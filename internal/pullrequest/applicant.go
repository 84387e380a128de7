package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
)

// A pull request connectbot opens from the application form is the
// applicant's, not connectbot's: it is judged as the issue's author's own
// pull request would be — ownership, the company rule, and who may
// approve it. Who that is comes from GitHub, never from text the
// applicant or anyone else can write: the pull request must be
// connectbot's own (GitHub names its author), from a form branch of the
// repository, and both its description's hidden marker and connectbot's
// commit at its head must name the same issue; that issue's author, as
// GitHub holds it, is the applicant. When any of it fails, the pull
// request is not judged at all (its check fails, nothing merges): it is
// never judged as connectbot's.

// openedBy is who opened pull request pr, as the ownership rules first
// see them: connectbot is itself only outside the form's branches, whose
// pull requests are its applicants' (see formApplicant).
func (h *Handler) openedBy(pr forge.PR) program.Author {
	return program.Author{Login: pr.Author, Bot: h.isBot(pr.Author) && !program.IsFormBranch(pr.HeadRef)}
}

// formApplicant makes the facts of a pull request connectbot opened from
// the application form name its applicant as the author, or say in
// facts.Unread why connectbot cannot tell who that is. Any other pull
// request is left as it is.
func (h *Handler) formApplicant(ctx context.Context, pr forge.PR, headSHA string, facts *program.PullRequest) error {
	if !h.isBot(pr.Author) || !program.IsFormBranch(pr.HeadRef) {
		return nil
	}
	login, why, err := h.applicant(ctx, pr, headSHA)
	if err != nil {
		return err
	}
	if why != "" {
		facts.Unread = fmt.Sprintf("connectbot opened this pull request from the application form, but cannot tell whose application it is: %s. "+
			"It is judged as its applicant's own pull request or not at all; a reviewer closes it, and the applicant applies again with the form.", why)
		return nil
	}
	facts.Author = program.Author{Login: login}
	facts.FormIssue, _ = program.FormMarkedIssue(pr.Body)
	return nil
}

// applicant returns the login of whoever opened the issue pull request pr
// was opened for, or why it cannot be told.
func (h *Handler) applicant(ctx context.Context, pr forge.PR, headSHA string) (login, why string, err error) {
	if !strings.EqualFold(pr.HeadRepo, pr.BaseRepo) {
		return "", fmt.Sprintf("its branch %s is not in %s", pr.HeadRef, pr.BaseRepo), nil
	}
	issue, ok := program.FormMarkedIssue(pr.Body)
	if !ok {
		return "", "its description does not name one application issue", nil
	}
	signed, err := h.Git.Author(headSHA)
	if err != nil {
		return "", "", fmt.Errorf("pull request #%d head: %w", pr.Number, err)
	}
	if h.Identity.Email == "" || !strings.EqualFold(signed.Email, h.Identity.Email) {
		return "", fmt.Sprintf("the last commit of %s is not connectbot's", pr.HeadRef), nil
	}
	msg, err := h.Git.Message(headSHA)
	if err != nil {
		return "", "", fmt.Errorf("pull request #%d head: %w", pr.Number, err)
	}
	if n, ok := program.FormCommitIssue(msg); !ok || n != issue {
		return "", fmt.Sprintf("its description names #%d, but connectbot's commit on %s does not", issue, pr.HeadRef), nil
	}
	is, err := h.Forge.Issue(ctx, issue)
	if errors.Is(err, forge.ErrNotFound) {
		return "", fmt.Sprintf("#%d is not an issue of this repository", issue), nil
	}
	if err != nil {
		return "", "", fmt.Errorf("issue #%d: %w", issue, err)
	}
	switch {
	case is.PullRequest:
		return "", fmt.Sprintf("#%d is a pull request, not an issue", issue), nil
	case is.Author == "" || h.isBot(is.Author) || strings.HasSuffix(is.Author, "[bot]"):
		return "", fmt.Sprintf("#%d was not opened by a person", issue), nil
	}
	return is.Author, "", nil
}
