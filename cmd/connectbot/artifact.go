package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/webhook"
)

// The artifact the validate workflow uploads and the report workflow
// downloads. Whoever opens a pull request controls what the validate run
// uploads — the workflow file itself comes from the pull request — so the
// artifact is data from a stranger: its shape and size are checked, it is
// never executed, and it can only name a pull request. What connectbot
// says about that pull request it judges again from git, with the base
// branch's rules.
const (
	artifactPRFile     = "pr-number"
	artifactReportFile = "report.json"
	// maxPRFileBytes and maxReportBytes bound what is read at all.
	maxPRFileBytes = 32
	maxReportBytes = 4 << 20
)

// artifact is a checked artifact.
type artifact struct {
	PR int
	// Report is the validate run's report, `validate --format json`'s
	// document read strictly; nil for a review run's artifact, which
	// carries only the number.
	Report *report.Validation
}

// errNoArtifact reports a run that left no artifact, like a validate run
// that failed before uploading one.
var errNoArtifact = errors.New("the run left no artifact")

// readArtifact reads and checks the artifact downloaded into dir: only the
// two known files, regular files of bounded size, a pull request number
// and, when present, a report in the documented shape.
func readArtifact(dir string) (artifact, error) {
	info, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return artifact{}, errNoArtifact
	}
	if err != nil {
		return artifact{}, err
	}
	if !info.IsDir() {
		return artifact{}, fmt.Errorf("%s is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return artifact{}, err
	}
	if len(entries) == 0 {
		return artifact{}, errNoArtifact
	}
	files := map[string][]byte{}
	for _, en := range entries {
		limit := map[string]int64{artifactPRFile: maxPRFileBytes, artifactReportFile: maxReportBytes}[en.Name()]
		if limit == 0 {
			return artifact{}, fmt.Errorf("unexpected file %q: the artifact holds only %s and %s", en.Name(), artifactPRFile, artifactReportFile)
		}
		b, err := readRegular(filepath.Join(dir, en.Name()), limit)
		if err != nil {
			return artifact{}, fmt.Errorf("%s: %w", en.Name(), err)
		}
		files[en.Name()] = b
	}
	num, ok := files[artifactPRFile]
	if !ok {
		return artifact{}, fmt.Errorf("%s is missing", artifactPRFile)
	}
	var a artifact
	if a.PR, err = parsePRNumber(num); err != nil {
		return artifact{}, fmt.Errorf("%s: %w", artifactPRFile, err)
	}
	if b, ok := files[artifactReportFile]; ok {
		r, err := parseReport(b)
		if err != nil {
			return artifact{}, fmt.Errorf("%s: %w", artifactReportFile, err)
		}
		a.Report = r
	}
	return a, nil
}

// readRegular reads a regular file (never through a symbolic link) of at
// most limit bytes.
func readRegular(path string, limit int64) ([]byte, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%d bytes, more than the %d allowed", info.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("more than the %d bytes allowed", limit)
	}
	return b, nil
}

// parsePRNumber reads a pull request number: digits and a final newline.
func parsePRNumber(b []byte) (int, error) {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" || s[0] == '0' {
		return 0, fmt.Errorf("%q is not a pull request number", s)
	}
	return strconv.Atoi(s)
}

// parseReport reads a validate report strictly: one JSON document with
// only the contract's fields, counts that agree with the findings, and
// paths inside applications/.
func parseReport(b []byte) (*report.Validation, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r report.Validation
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a validate report: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not a validate report: more than one JSON document")
	}
	errs, warns := 0, 0
	for _, f := range r.Files {
		if !application.IsPath(f.Path) || strings.Contains(f.Path, "..") {
			return nil, fmt.Errorf("file %q is not an application file", f.Path)
		}
		for _, x := range f.Findings {
			switch x.Severity {
			case application.SeverityError:
				errs++
			case application.SeverityWarning:
				warns++
			default:
				return nil, fmt.Errorf("severity %q is neither error nor warning", x.Severity)
			}
			if x.Line < 0 || x.Column < 0 {
				return nil, errors.New("a finding has a negative position")
			}
		}
	}
	if errs != r.Errors || warns != r.Warnings {
		return nil, fmt.Errorf("it counts %d errors and %d warnings but lists %d and %d", r.Errors, r.Warnings, errs, warns)
	}
	return &r, nil
}

// reportRun handles the completion of a validate or review run: the
// artifact names the pull request, the pull request's head must be the
// commit the run was for, and then the pull request is judged again from
// git, exactly as on a pull_request event.
func reportRun(ctx context.Context, h *pullrequest.Handler, ev webhook.Event, dir string) ([]string, error) {
	run := ev.Run
	switch {
	case ev.Action != "completed" || run == nil:
		return []string{fmt.Sprintf("%s %s: nothing to do", ev.Kind, ev.Action)}, nil
	case run.Event != "pull_request" && run.Event != "pull_request_review":
		return []string{fmt.Sprintf("a run of a %s event reports on no pull request: nothing to do", run.Event)}, nil
	case run.Conclusion != "success" && run.Conclusion != "failure":
		return []string{fmt.Sprintf("the %s run ended %q: nothing to report", run.Name, run.Conclusion)}, nil
	case dir == "":
		return nil, errors.New("CONNECTBOT_ARTIFACT_DIR is not set: download the run's artifact and name its directory")
	}
	a, err := readArtifact(dir)
	if errors.Is(err, errNoArtifact) {
		return []string{fmt.Sprintf("the %s run left no artifact: nothing to report", run.Name)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the %s run's artifact is refused: %w", run.Name, err)
	}
	if len(run.PullRequests) > 0 && !slices.Contains(run.PullRequests, a.PR) {
		return nil, fmt.Errorf("the %s run's artifact names #%d, but the run was for %v", run.Name, a.PR, run.PullRequests)
	}
	pr, err := h.Forge.PullRequest(ctx, a.PR)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d: %w", a.PR, err)
	}
	if pr.HeadSHA != run.HeadSHA {
		return []string{fmt.Sprintf("pull request #%d is at %s, not at %s the %s run was for: nothing to do (the run of its head reports)",
			a.PR, gitsha.Short(pr.HeadSHA), gitsha.Short(run.HeadSHA), run.Name)}, nil
	}
	done := []string{fmt.Sprintf("the %s run of %s names #%d; judging it again from git", run.Name, gitsha.Short(run.HeadSHA), a.PR)}
	if a.Report != nil {
		done = append(done, fmt.Sprintf("the run's report counts %s and %s in %s (not trusted: connectbot judges from git)",
			application.Plural(a.Report.Errors, "error"), application.Plural(a.Report.Warnings, "warning"), application.Plural(len(a.Report.Files), "file")))
	}
	out, err := h.Handle(ctx, a.PR)
	return append(done, out.Done...), err
}
