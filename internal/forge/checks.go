package forge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/connectbot/connectbot/internal/ghlimit"
	"github.com/connectbot/connectbot/internal/gitsha"
)

// CheckRun is a check result to publish on a commit.
type CheckRun struct {
	// Name is the check's name, as shown on the pull request.
	Name    string
	HeadSHA string
	// Status is "queued", "in_progress" or "completed"; "" means
	// "completed" when Conclusion is set and "queued" otherwise.
	Status string
	// Conclusion is GitHub's: success, failure, neutral, cancelled,
	// skipped, timed_out or action_required.
	Conclusion string
	// ExternalID is the caller's reference for the run, sent as
	// external_id and read back by ListCheckRuns (connectbot records there
	// which base and head commits a verdict was for).
	ExternalID string
	// Title and Summary head the check's output (Title defaults to Name,
	// Summary to Title); Text is its Markdown body. Summary and Text are cut
	// to GitHub's limit of 65,535 bytes (documented as characters, counted
	// as bytes), at a character, ending with "…"; callers that can cut at a
	// line, as report.Check does, should, and this is the last defence.
	Title   string
	Summary string
	Text    string
	// DetailsURL links to the full details, e.g. the pull request comment.
	DetailsURL  string
	Annotations []Annotation
}

// Annotation marks lines of a file in a check run. A Title longer than
// GitHub's 255 characters or a Message longer than its 64 KB is cut, at a
// character, ending with "…".
type Annotation struct {
	Path      string
	StartLine int
	// EndLine defaults to StartLine.
	EndLine int
	// StartColumn and EndColumn are sent only when the annotation covers
	// one line, as GitHub requires.
	StartColumn int
	EndColumn   int
	// Level is "notice", "warning" or "failure" ("" means "notice").
	Level   string
	Title   string
	Message string
}

// CheckVia names the GitHub mechanism that carried a check result.
type CheckVia string

// The two ways CreateCheckRun publishes a result.
const (
	// ViaCheckRun is a check run, with its annotations.
	ViaCheckRun CheckVia = "check-run"
	// ViaStatus is a commit status, used when the token may not write
	// checks; it carries no annotations.
	ViaStatus CheckVia = "status"
)

// CheckResult reports how CreateCheckRun published a result.
type CheckResult struct {
	Via CheckVia
	// ID is the check run's or the commit status's ID.
	ID int64
}

// StatusContext is the context of the commit status CreateCheckRun falls
// back to.
const StatusContext = "connectbot"

// Limits GitHub sets on check runs and statuses.
const (
	// MaxAnnotationsPerRequest is how many annotations one create or
	// update request may carry.
	MaxAnnotationsPerRequest = ghlimit.AnnotationsPerRequest
)

// CreateCheckRun publishes run on its head commit: a check run created with
// the first 50 annotations and updated with each further batch of 50. If
// GitHub refuses the check run with 403 (a token that cannot write checks,
// such as a personal access token), it sets a commit status with context
// StatusContext instead, whose description is the title cut to 140
// characters. The result says which was used.
//
// Creating a check run is not retried after a 5xx (a retry could publish it
// twice); if an update fails, the check run exists with the annotations
// sent so far.
func (c *Client) CreateCheckRun(ctx context.Context, run CheckRun) (CheckResult, error) {
	op := fmt.Sprintf("create check run %q on %s", run.Name, gitsha.Short(run.HeadSHA))
	annotations, err := toAnnotations(run.Annotations)
	if err != nil {
		return CheckResult{}, fmt.Errorf("forge: %s: %w", op, err)
	}
	status := run.Status
	if status == "" {
		status = "queued"
		if run.Conclusion != "" {
			status = "completed"
		}
	}
	title, summary := run.Title, run.Summary
	if title == "" {
		title = run.Name
	}
	if summary == "" {
		summary = title
	}
	output := func(batch []*github.CheckRunAnnotation) *github.CheckRunOutput {
		out := &github.CheckRunOutput{
			Title:       github.String(title),
			Summary:     github.String(ghlimit.CutBytes(summary, ghlimit.CheckOutputBytes)),
			Annotations: batch,
		}
		if run.Text != "" {
			out.Text = github.String(ghlimit.CutBytes(run.Text, ghlimit.CheckOutputBytes))
		}
		return out
	}

	first := annotations[:min(len(annotations), MaxAnnotationsPerRequest)]
	opts := github.CreateCheckRunOptions{
		Name:    run.Name,
		HeadSHA: run.HeadSHA,
		Status:  github.String(status),
		Output:  output(first),
	}
	if run.Conclusion != "" {
		opts.Conclusion = github.String(run.Conclusion)
		opts.CompletedAt = &github.Timestamp{Time: c.now()}
	}
	if run.DetailsURL != "" {
		opts.DetailsURL = github.String(run.DetailsURL)
	}
	if run.ExternalID != "" {
		opts.ExternalID = github.String(run.ExternalID)
	}
	created, _, err := c.gh.Checks.CreateCheckRun(ctx, c.owner, c.repo, opts)
	if err != nil {
		err = c.wrapErr(op, err)
		if errors.Is(err, ErrForbidden) {
			c.log.WarnContext(ctx, "github: token cannot write checks; setting a commit status instead", "check", run.Name, "sha", run.HeadSHA)
			return c.createStatus(ctx, run, title)
		}
		return CheckResult{}, err
	}
	id := created.GetID()
	for start := len(first); start < len(annotations); start += MaxAnnotationsPerRequest {
		batch := annotations[start:min(len(annotations), start+MaxAnnotationsPerRequest)]
		_, _, err := c.gh.Checks.UpdateCheckRun(ctx, c.owner, c.repo, id, github.UpdateCheckRunOptions{
			Name:   run.Name,
			Output: output(batch),
		})
		if err != nil {
			return CheckResult{Via: ViaCheckRun, ID: id}, c.wrapErr(fmt.Sprintf("%s: add annotations %d-%d", op, start+1, start+len(batch)), err)
		}
	}
	return CheckResult{Via: ViaCheckRun, ID: id}, nil
}

// createStatus publishes run as a commit status.
func (c *Client) createStatus(ctx context.Context, run CheckRun, title string) (CheckResult, error) {
	status := &github.RepoStatus{
		State:       github.String(statusState(run)),
		Description: github.String(ghlimit.CutChars(firstLine(title), ghlimit.StatusDescriptionChars)),
		Context:     github.String(StatusContext),
	}
	if run.DetailsURL != "" {
		status.TargetURL = github.String(run.DetailsURL)
	}
	created, _, err := c.gh.Repositories.CreateStatus(idempotent(ctx), c.owner, c.repo, run.HeadSHA, status)
	if err != nil {
		return CheckResult{}, c.wrapErr(fmt.Sprintf("create status %q on %s", StatusContext, gitsha.Short(run.HeadSHA)), err)
	}
	return CheckResult{Via: ViaStatus, ID: created.GetID()}, nil
}

// statusState maps a check run's outcome to a commit status state.
func statusState(run CheckRun) string {
	switch run.Conclusion {
	case "success", "neutral", "skipped":
		return "success"
	case "":
		return "pending"
	default:
		return "failure"
	}
}

// toAnnotations converts and normalises annotations to what GitHub accepts.
func toAnnotations(in []Annotation) ([]*github.CheckRunAnnotation, error) {
	out := make([]*github.CheckRunAnnotation, 0, len(in))
	for i, a := range in {
		level := a.Level
		switch level {
		case "":
			level = "notice"
		case "notice", "warning", "failure":
		default:
			return nil, fmt.Errorf("annotation %d (%s): level %q is not notice, warning or failure", i, a.Path, a.Level)
		}
		if a.Path == "" || a.Message == "" {
			return nil, fmt.Errorf("annotation %d: path and message are required", i)
		}
		start := max(a.StartLine, 1)
		end := max(a.EndLine, start)
		ga := &github.CheckRunAnnotation{
			Path:            github.String(a.Path),
			StartLine:       github.Int(start),
			EndLine:         github.Int(end),
			AnnotationLevel: github.String(level),
			Message:         github.String(ghlimit.CutBytes(a.Message, ghlimit.AnnotationMessageBytes)),
		}
		if a.Title != "" {
			ga.Title = github.String(ghlimit.CutChars(a.Title, ghlimit.AnnotationTitleChars))
		}
		if start == end && a.StartColumn > 0 {
			ga.StartColumn = github.Int(a.StartColumn)
			ga.EndColumn = github.Int(max(a.EndColumn, a.StartColumn))
		}
		out = append(out, ga)
	}
	return out, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// CheckRunInfo is a check run as ListCheckRuns reads it back.
type CheckRunInfo struct {
	ID         int64
	Name       string
	HeadSHA    string
	ExternalID string
	// Status is "queued", "in_progress" or "completed"; Conclusion is ""
	// until it is completed.
	Status     string
	Conclusion string
	// Summary is the run's output.summary.
	Summary string
}

// ListCheckRuns returns the check runs named name on ref (a commit SHA, or
// a branch or tag name without a slash), as GitHub lists them by default
// (filter=latest: the latest run of the name in each check suite). It
// reads every page. GitHub does not document their order: a caller that
// wants the newest takes the highest ID.
//
// Only check runs are listed: a result CreateCheckRun published as a
// commit status (a token that may not write checks) is not among them, so
// with such a token the list is empty and the caller must treat "no run"
// as "not known to be done", never as proof of anything.
func (c *Client) ListCheckRuns(ctx context.Context, ref, name string) ([]CheckRunInfo, error) {
	var out []CheckRunInfo
	err := paginate(c, func(opts *github.ListOptions) (*github.Response, error) {
		res, resp, err := c.gh.Checks.ListCheckRunsForRef(ctx, c.owner, c.repo, ref, &github.ListCheckRunsOptions{
			CheckName:   github.String(name),
			ListOptions: *opts,
		})
		if res == nil {
			return resp, err
		}
		for _, r := range res.CheckRuns {
			out = append(out, CheckRunInfo{
				ID: r.GetID(), Name: r.GetName(), HeadSHA: r.GetHeadSHA(), ExternalID: r.GetExternalID(),
				Status: r.GetStatus(), Conclusion: r.GetConclusion(), Summary: r.GetOutput().GetSummary(),
			})
		}
		return resp, err
	})
	if err != nil {
		return nil, c.wrapErr(fmt.Sprintf("list check runs %q on %s", name, gitsha.Short(ref)), err)
	}
	return out, nil
}
