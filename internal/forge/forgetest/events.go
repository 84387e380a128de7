package forgetest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// This file turns changes of the server's state into the webhook events
// GitHub sends for them, in GitHub's payload shapes (those of the real
// deliveries in shared/corpus/webhooks): pull_request opened, edited,
// closed, reopened and synchronize; pull_request_review submitted;
// issue_comment created; issues opened; push; check_run and check_suite
// rerequested; merge_group checks_requested (mergequeue.go). A change records a pending event; the payload is rendered
// when the request (or seeding helper) that made the change is done, so it
// shows the state that change left, as GitHub's do.

// pendingEvent is an event waiting to be rendered: render builds its
// payload with s.mu held.
type pendingEvent struct {
	kind, action string
	// key is what makes two pending events the same one: a merge both
	// moves the base branch and closes the pull request, and is one
	// closed event.
	key    string
	render func() jsonObject
}

// emit records an event for the hooks, unless there are none or the same
// event is already pending; s.mu is held.
func (s *Server) emit(kind, action, key string, render func() jsonObject) {
	if len(s.webhooks) == 0 {
		return
	}
	for _, e := range s.pending {
		if e.kind == kind && e.action == action && e.key == key {
			return
		}
	}
	s.pending = append(s.pending, pendingEvent{kind: kind, action: action, key: key, render: render})
}

// flushEvents renders the pending events and queues their deliveries; s.mu
// is held.
func (s *Server) flushEvents() {
	pending := s.pending
	s.pending = nil
	for _, e := range pending {
		s.queueDeliveries(e.kind, e.action, e.render())
	}
}

// envelope is what every payload carries: the action (if any), the
// repository, who caused the event and the App installation, if set.
func (s *Server) envelope(action, sender string) jsonObject {
	o := jsonObject{"repository": s.hookRepoJSON(s.FullName()), "sender": s.userJSON(sender)}
	if action != "" {
		o["action"] = action
	}
	if s.installation != 0 {
		o["installation"] = jsonObject{"id": s.installation, "node_id": nodeID("Installation", s.installation)}
	}
	return o
}

// hookRepoJSON is a repository as payloads show it: with its custom
// properties, which the REST answers leave out.
func (s *Server) hookRepoJSON(fullName string) jsonObject {
	o := s.repoJSON(fullName)
	o["custom_properties"] = jsonObject{}
	return o
}

// hookPullJSON is a pull request as payloads show it.
func (s *Server) hookPullJSON(p *pull) jsonObject {
	o := s.pullJSON(p)
	for _, side := range []string{"head", "base"} {
		ref := o[side].(jsonObject)
		ref["repo"] = s.hookRepoJSON(ref["repo"].(jsonObject)["full_name"].(string))
	}
	return o
}

// hookIssueJSON is an issue (or a pull request as an issue) as payloads
// show it: with its reactions, and whether a pull request is a draft.
func (s *Server) hookIssueJSON(p *pull) jsonObject {
	o := s.issueJSON(p)
	o["reactions"] = jsonObject{
		"url":         fmt.Sprintf("%s/issues/%d/reactions", s.apiRepo(), p.number),
		"total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "confused": 0, "heart": 0, "hooray": 0, "eyes": 0, "rocket": 0,
	}
	if !p.issue {
		o["draft"] = p.draft
	}
	return o
}

// emitPull records a pull_request event for p; extra adds to the payload
// (synchronize's before and after, edited's changes).
func (s *Server) emitPull(p *pull, action string, extra jsonObject) {
	sender := s.acting()
	s.emit("pull_request", action, fmt.Sprint(p.number), func() jsonObject {
		o := s.envelope(action, sender)
		o["number"] = p.number
		o["pull_request"] = s.hookPullJSON(p)
		for k, v := range extra {
			o[k] = v
		}
		return o
	})
}

// emitReview records a pull_request_review submitted event.
func (s *Server) emitReview(p *pull, r *review) { s.emitReviewAction(p, r, "submitted") }

// emitReviewAction records a pull_request_review event: submitted or
// dismissed. A delivery names the review's state in lower case
// ("approved", "dismissed"), where the REST API says APPROVED.
func (s *Server) emitReviewAction(p *pull, r *review, action string) {
	sender := s.acting()
	s.emit("pull_request_review", action, fmt.Sprint(r.id), func() jsonObject {
		o := s.envelope(action, sender)
		rv := s.reviewJSON(r)
		rv["state"] = strings.ToLower(r.state)
		o["review"] = rv
		o["pull_request"] = s.hookPullJSON(p)
		return o
	})
}

// emitComment records an issue_comment created event.
func (s *Server) emitComment(p *pull, c *comment) {
	sender := s.acting()
	s.emit("issue_comment", "created", fmt.Sprint(c.id), func() jsonObject {
		o := s.envelope("created", sender)
		o["issue"] = s.hookIssueJSON(p)
		o["comment"] = s.commentJSON(c)
		return o
	})
}

// emitIssue records an issues event for issue p.
func (s *Server) emitIssue(p *pull, action string) {
	sender := s.acting()
	s.emit("issues", action, fmt.Sprint(p.number), func() jsonObject {
		o := s.envelope(action, sender)
		o["issue"] = s.hookIssueJSON(p)
		return o
	})
}

// emitCheckRun records a check_run event for c.
func (s *Server) emitCheckRun(c *checkRun, action string) {
	sender := s.acting()
	s.emit("check_run", action, fmt.Sprint(c.id), func() jsonObject {
		o := s.envelope(action, sender)
		run := s.checkRunJSON(c)
		run["check_suite"] = s.checkSuiteJSON(c)
		o["check_run"] = run
		return o
	})
}

// emitCheckSuite records a check_suite event for the suite of c, which
// holds c alone.
func (s *Server) emitCheckSuite(c *checkRun, action string) {
	sender := s.acting()
	s.emit("check_suite", action, fmt.Sprint(c.id), func() jsonObject {
		o := s.envelope(action, sender)
		o["check_suite"] = s.checkSuiteJSON(c)
		return o
	})
}

// checkSuiteJSON is the suite of check run c, which holds c alone, as
// payloads show it.
func (s *Server) checkSuiteJSON(c *checkRun) jsonObject {
	var branch any
	for _, p := range s.sortedPulls() {
		if p.state == "open" && p.headSHA == c.headSHA {
			branch = p.head
			break
		}
	}
	api := s.apiRepo()
	id := c.id + 1_000_000
	updated := c.started
	if !c.completed.IsZero() {
		updated = c.completed
	}
	return jsonObject{
		"id":                      id,
		"node_id":                 nodeID("CheckSuite", id),
		"head_branch":             branch,
		"head_sha":                c.headSHA,
		"status":                  c.status,
		"conclusion":              nullable(c.conclusion),
		"url":                     fmt.Sprintf("%s/check-suites/%d", api, id),
		"before":                  nil,
		"after":                   c.headSHA,
		"pull_requests":           s.checkPullsJSON(c.headSHA),
		"app":                     s.appJSON(),
		"created_at":              ts(c.started),
		"updated_at":              ts(updated),
		"head_commit":             s.simpleCommitJSON(plumbing.NewHash(c.headSHA)),
		"latest_check_runs_count": 1,
		"check_runs_url":          fmt.Sprintf("%s/check-suites/%d/check-runs", api, id),
		"rerequestable":           true,
		"runs_rerequestable":      true,
	}
}

// zeroSHA is the SHA a push names for a ref that did not or does not
// exist.
const zeroSHA = "0000000000000000000000000000000000000000"

// emitPush records a push event for ref moving from before to after (""
// for none).
func (s *Server) emitPush(ref, before, after string) {
	if !strings.HasPrefix(ref, "refs/heads/") && !strings.HasPrefix(ref, "refs/tags/") {
		return
	}
	sender := s.acting()
	s.emit("push", "", ref+" "+after, func() jsonObject { return s.pushJSON(ref, before, after, sender) })
}

// pushJSON is a push payload. Its repository dates are Unix times, as in
// GitHub's push payloads (and no others).
func (s *Server) pushJSON(ref, before, after, sender string) jsonObject {
	o := s.envelope("", sender)
	repo := s.repoJSON(s.FullName())
	repo["created_at"] = epoch.Unix()
	repo["pushed_at"] = s.clock.Unix()
	repo["master_branch"] = s.defaultBranch
	o["repository"] = repo
	created, deleted := before == "", after == ""
	if created {
		before = zeroSHA
	}
	if deleted {
		after = zeroSHA
	}
	o["ref"] = ref
	o["before"] = before
	o["after"] = after
	o["created"] = created
	o["deleted"] = deleted
	o["base_ref"] = nil
	o["pusher"] = jsonObject{"name": sender, "email": sender + "@users.noreply.github.com"}
	o["compare"] = fmt.Sprintf("%s/compare/%s...%s", s.htmlRepo(), before[:12], after[:12])
	forced := false
	commits := []any{}
	var head any
	if !deleted {
		tip := plumbing.NewHash(after)
		from := plumbing.NewHash(before)
		if created {
			from, _ = s.branchHash(s.defaultBranch)
		} else if mb, ok := s.mergeBase(from, tip); !ok || mb != from {
			forced = true
		}
		if cs, err := s.commitsBetween(from, tip); err == nil {
			for _, c := range cs {
				commits = append(commits, s.pushCommitJSON(c.Hash))
			}
		}
		head = s.pushCommitJSON(tip)
	}
	o["forced"] = forced
	o["commits"] = commits
	o["head_commit"] = head
	return o
}

// simpleCommitJSON is a commit as a check suite's head_commit shows it.
func (s *Server) simpleCommitJSON(h plumbing.Hash) any {
	c, err := s.git.CommitObject(h)
	if err != nil {
		return nil
	}
	person := func(sig object.Signature) jsonObject {
		return jsonObject{"name": sig.Name, "email": sig.Email, "date": ts(sig.When)}
	}
	return jsonObject{
		"id":        h.String(),
		"tree_id":   c.TreeHash.String(),
		"message":   strings.TrimSuffix(c.Message, "\n"),
		"timestamp": ts(c.Committer.When),
		"author":    person(c.Author),
		"committer": person(c.Committer),
	}
}

// pushCommitJSON is a commit as a push payload lists it.
func (s *Server) pushCommitJSON(h plumbing.Hash) any {
	c, err := s.git.CommitObject(h)
	if err != nil {
		return nil
	}
	added, removed, modified := []any{}, []any{}, []any{}
	if len(c.ParentHashes) > 0 {
		if files, err := s.changedFiles(c.ParentHashes[0], h); err == nil {
			for _, f := range files {
				switch f.status {
				case "added":
					added = append(added, f.path)
				case "removed":
					removed = append(removed, f.path)
				case "renamed":
					added = append(added, f.path)
					removed = append(removed, f.previous)
				default:
					modified = append(modified, f.path)
				}
			}
		}
	}
	person := func(name, email string) jsonObject {
		return jsonObject{"name": name, "email": email, "username": name}
	}
	return jsonObject{
		"id":        h.String(),
		"tree_id":   c.TreeHash.String(),
		"distinct":  true,
		"message":   strings.TrimSuffix(c.Message, "\n"),
		"timestamp": c.Committer.When.UTC().Format("2006-01-02T15:04:05Z07:00"),
		"url":       s.htmlRepo() + "/commit/" + h.String(),
		"author":    person(c.Author.Name, c.Author.Email),
		"committer": person(c.Committer.Name, c.Committer.Email),
		"added":     added,
		"removed":   removed,
		"modified":  modified,
	}
}

// POST /repos/{owner}/{repo}/check-runs/{id}/rerequest
//
// As someone pressing "Re-run" on the check: GitHub answers 201 with an
// empty object and sends check_run rerequested to the App.
func (s *Server) rerequestCheckRun(w http.ResponseWriter, r *http.Request, p params) {
	c, ok := s.findCheckRun(w, p)
	if !ok {
		return
	}
	s.emitCheckRun(c, "rerequested")
	s.reply(w, r, http.StatusCreated, jsonObject{})
}

// POST /repos/{owner}/{repo}/check-suites/{id}/rerequest
//
// As someone pressing "Re-run all checks": each check run is in a suite of
// its own, whose id is the run's plus 1,000,000.
func (s *Server) rerequestCheckSuite(w http.ResponseWriter, r *http.Request, p params) {
	id, ok := s.number(w, p, "id")
	if !ok {
		return
	}
	for _, c := range s.checkRuns {
		if c.id+1_000_000 == id {
			s.emitCheckSuite(c, "rerequested")
			s.reply(w, r, http.StatusCreated, jsonObject{})
			return
		}
	}
	s.notFound(w)
}
