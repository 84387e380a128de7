package forgetest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// This file renders the server's state in GitHub's REST shapes: the
// properties and nesting of components/schemas in GitHub's OpenAPI
// description (pull-request, simple-user, repository, label,
// issue-comment, check-run, status, git-ref, pull-request-review,
// diff-entry), every required property included. Maps marshal with sorted
// keys, so equal state gives equal bytes and equal ETags.

type jsonObject = map[string]any

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// nullableTime is null for the zero time.
func nullableTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

// nullable is null for "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nodeID is a GitHub-style global node ID ("MDQ6VXNlcjE=" for user 1).
func nodeID(kind string, id int64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%02d:%s%d", len(kind), kind, id))
}

func (s *Server) apiRepo() string  { return s.srv.URL + "/repos/" + s.FullName() }
func (s *Server) htmlRepo() string { return s.srv.URL + "/" + s.FullName() }

func (s *Server) userJSON(login string) jsonObject {
	id := s.userID(login)
	api := s.srv.URL + "/users/" + url.PathEscape(login)
	kind := "User"
	if strings.HasSuffix(login, "[bot]") {
		kind = "Bot"
	}
	return jsonObject{
		"login":               login,
		"id":                  id,
		"node_id":             nodeID(kind, id),
		"avatar_url":          fmt.Sprintf("%s/avatars/u/%d?v=4", s.srv.URL, id),
		"gravatar_id":         "",
		"url":                 api,
		"html_url":            s.srv.URL + "/" + url.PathEscape(login),
		"followers_url":       api + "/followers",
		"following_url":       api + "/following{/other_user}",
		"gists_url":           api + "/gists{/gist_id}",
		"starred_url":         api + "/starred{/owner}{/repo}",
		"subscriptions_url":   api + "/subscriptions",
		"organizations_url":   api + "/orgs",
		"repos_url":           api + "/repos",
		"events_url":          api + "/events{/privacy}",
		"received_events_url": api + "/received_events",
		"type":                kind,
		"site_admin":          false,
	}
}

func (s *Server) repoJSON(fullName string) jsonObject {
	owner, name, _ := strings.Cut(fullName, "/")
	api := s.srv.URL + "/repos/" + fullName
	html := s.srv.URL + "/" + fullName
	host := strings.TrimPrefix(s.srv.URL, "http://")
	id := int64(1)
	if fullName != s.FullName() {
		id = 100 + s.userID(owner)
	}
	open := 0
	for _, p := range s.pulls {
		if p.state == "open" {
			open++
		}
	}
	return jsonObject{
		"id":                          id,
		"node_id":                     nodeID("Repository", id),
		"name":                        name,
		"full_name":                   fullName,
		"owner":                       s.userJSON(owner),
		"private":                     false,
		"html_url":                    html,
		"description":                 nil,
		"fork":                        fullName != s.FullName(),
		"url":                         api,
		"archive_url":                 api + "/{archive_format}{/ref}",
		"assignees_url":               api + "/assignees{/user}",
		"blobs_url":                   api + "/git/blobs{/sha}",
		"branches_url":                api + "/branches{/branch}",
		"collaborators_url":           api + "/collaborators{/collaborator}",
		"comments_url":                api + "/comments{/number}",
		"commits_url":                 api + "/commits{/sha}",
		"compare_url":                 api + "/compare/{base}...{head}",
		"contents_url":                api + "/contents/{+path}",
		"contributors_url":            api + "/contributors",
		"deployments_url":             api + "/deployments",
		"downloads_url":               api + "/downloads",
		"events_url":                  api + "/events",
		"forks_url":                   api + "/forks",
		"git_commits_url":             api + "/git/commits{/sha}",
		"git_refs_url":                api + "/git/refs{/sha}",
		"git_tags_url":                api + "/git/tags{/sha}",
		"hooks_url":                   api + "/hooks",
		"issue_comment_url":           api + "/issues/comments{/number}",
		"issue_events_url":            api + "/issues/events{/number}",
		"issues_url":                  api + "/issues{/number}",
		"keys_url":                    api + "/keys{/key_id}",
		"labels_url":                  api + "/labels{/name}",
		"languages_url":               api + "/languages",
		"merges_url":                  api + "/merges",
		"milestones_url":              api + "/milestones{/number}",
		"notifications_url":           api + "/notifications{?since,all,participating}",
		"pulls_url":                   api + "/pulls{/number}",
		"releases_url":                api + "/releases{/id}",
		"stargazers_url":              api + "/stargazers",
		"statuses_url":                api + "/statuses/{sha}",
		"subscribers_url":             api + "/subscribers",
		"subscription_url":            api + "/subscription",
		"tags_url":                    api + "/tags",
		"teams_url":                   api + "/teams",
		"trees_url":                   api + "/git/trees{/sha}",
		"clone_url":                   html + ".git",
		"git_url":                     "git://" + host + "/" + fullName + ".git",
		"ssh_url":                     "git@" + host + ":" + fullName + ".git",
		"svn_url":                     html,
		"mirror_url":                  nil,
		"homepage":                    nil,
		"language":                    nil,
		"forks":                       0,
		"forks_count":                 0,
		"stargazers_count":            0,
		"watchers":                    0,
		"watchers_count":              0,
		"size":                        0,
		"default_branch":              s.defaultBranch,
		"open_issues":                 open,
		"open_issues_count":           open,
		"is_template":                 false,
		"topics":                      []any{},
		"has_issues":                  true,
		"has_projects":                true,
		"has_wiki":                    true,
		"has_pages":                   false,
		"has_downloads":               true,
		"has_discussions":             false,
		"archived":                    false,
		"disabled":                    false,
		"visibility":                  "public",
		"pushed_at":                   ts(epoch),
		"created_at":                  ts(epoch),
		"updated_at":                  ts(epoch),
		"license":                     nil,
		"allow_forking":               true,
		"web_commit_signoff_required": false,
	}
}

// association is a login's author_association in this repository.
func (s *Server) association(login string) string {
	switch {
	case strings.EqualFold(login, s.owner):
		return "OWNER"
	case login == BotLogin:
		return "NONE"
	case s.collaborators[login]:
		return "COLLABORATOR"
	}
	return "CONTRIBUTOR"
}

func (s *Server) labelJSON(l *label) jsonObject {
	return jsonObject{
		"id":          l.id,
		"node_id":     nodeID("Label", l.id),
		"url":         s.apiRepo() + "/labels/" + url.PathEscape(l.name),
		"name":        l.name,
		"color":       l.color,
		"default":     false,
		"description": nullable(l.description),
	}
}

// pullBase is the base commit a pull request is compared with: the base
// branch's head while open, the one it had when closed after.
func (s *Server) pullBase(p *pull) plumbing.Hash {
	if p.state == "open" {
		if h, ok := s.branchHash(p.base); ok {
			return h
		}
	}
	return plumbing.NewHash(p.baseSHA)
}

// pullJSON is pull request p as GitHub answers it alone (a pull-request):
// the list's fields and whether it merges, its commits and its changes.
func (s *Server) pullJSON(p *pull) jsonObject {
	o := s.pullSimpleJSON(p)
	base, head := s.pullBase(p), plumbing.NewHash(p.headSHA)
	additions, deletions, changed, commits := 0, 0, 0, 0
	if files, err := s.changedFiles(base, head); err == nil {
		changed = len(files)
		for _, f := range files {
			additions += f.additions
			deletions += f.deletions
		}
	}
	if mb, ok := s.mergeBase(base, head); ok {
		if cs, err := s.commitsBetween(mb, head); err == nil {
			commits = len(cs)
		}
	}
	var mergeable any
	mergeableState := "unknown"
	if p.state == "open" {
		_, err := s.mergedTree(base, head)
		mergeable = err == nil
		mergeableState = "clean"
		if err != nil {
			mergeableState = "dirty"
		}
	}
	comments := 0
	for _, c := range s.comments {
		if c.issue == p.number {
			comments++
		}
	}
	var mergedBy any
	if p.merged {
		mergedBy = s.userJSON(p.mergedBy)
	}
	for k, v := range map[string]any{
		"merged": p.merged, "mergeable": mergeable, "rebaseable": mergeable, "mergeable_state": mergeableState,
		"merged_by": mergedBy, "comments": comments, "review_comments": 0, "maintainer_can_modify": false,
		"commits": commits, "additions": additions, "deletions": deletions, "changed_files": changed,
	} {
		o[k] = v
	}
	return o
}

// pullSimpleJSON is pull request p as GitHub lists it (a
// pull-request-simple): nothing that needs a merge or a diff.
func (s *Server) pullSimpleJSON(p *pull) jsonObject {
	api, html := s.apiRepo(), s.htmlRepo()
	n := fmt.Sprint(p.number)
	base := s.pullBase(p)
	labels := []any{}
	for _, name := range p.labels {
		if l := s.findLabel(name); l != nil {
			labels = append(labels, s.labelJSON(l))
		}
	}
	headRepo := p.headRepo
	if headRepo == "" {
		headRepo = s.FullName()
	}
	headOwner, _, _ := strings.Cut(headRepo, "/")
	link := func(href string) jsonObject { return jsonObject{"href": href} }
	return jsonObject{
		"url":                 api + "/pulls/" + n,
		"id":                  p.id,
		"node_id":             nodeID("PullRequest", p.id),
		"html_url":            html + "/pull/" + n,
		"diff_url":            html + "/pull/" + n + ".diff",
		"patch_url":           html + "/pull/" + n + ".patch",
		"issue_url":           api + "/issues/" + n,
		"commits_url":         api + "/pulls/" + n + "/commits",
		"review_comments_url": api + "/pulls/" + n + "/comments",
		"review_comment_url":  api + "/pulls/comments{/number}",
		"comments_url":        api + "/issues/" + n + "/comments",
		"statuses_url":        api + "/statuses/" + p.headSHA,
		"number":              p.number,
		"state":               p.state,
		"locked":              false,
		"title":               p.title,
		"user":                s.userJSON(p.author),
		"body":                nullable(p.body),
		"labels":              labels,
		"milestone":           nil,
		"active_lock_reason":  nil,
		"created_at":          ts(p.created),
		"updated_at":          ts(p.updated),
		"closed_at":           nullableTime(p.closedAt),
		"merged_at":           nullableTime(p.mergedAt),
		"merge_commit_sha":    nullable(p.mergeCommit),
		"assignee":            nil,
		"assignees":           []any{},
		"requested_reviewers": []any{},
		"requested_teams":     []any{},
		"head":                jsonObject{"label": headOwner + ":" + p.head, "ref": p.head, "sha": p.headSHA, "user": s.userJSON(headOwner), "repo": s.repoJSON(headRepo)},
		"base":                jsonObject{"label": s.owner + ":" + p.base, "ref": p.base, "sha": base.String(), "user": s.userJSON(s.owner), "repo": s.repoJSON(s.FullName())},
		"_links":              jsonObject{"self": link(api + "/pulls/" + n), "html": link(html + "/pull/" + n), "issue": link(api + "/issues/" + n), "comments": link(api + "/issues/" + n + "/comments"), "review_comments": link(api + "/pulls/" + n + "/comments"), "review_comment": link(api + "/pulls/comments{/number}"), "commits": link(api + "/pulls/" + n + "/commits"), "statuses": link(api + "/statuses/" + p.headSHA)},
		"author_association":  s.association(p.author),
		"auto_merge":          nil,
		"draft":               p.draft,
	}
}

func (s *Server) commentJSON(c *comment) jsonObject {
	api := s.apiRepo()
	return jsonObject{
		"id":                       c.id,
		"node_id":                  nodeID("IssueComment", c.id),
		"url":                      fmt.Sprintf("%s/issues/comments/%d", api, c.id),
		"html_url":                 fmt.Sprintf("%s/pull/%d#issuecomment-%d", s.htmlRepo(), c.issue, c.id),
		"issue_url":                fmt.Sprintf("%s/issues/%d", api, c.issue),
		"body":                     c.body,
		"user":                     s.userJSON(c.author),
		"created_at":               ts(c.created),
		"updated_at":               ts(c.updated),
		"author_association":       s.association(c.author),
		"performed_via_github_app": nil,
		"reactions": jsonObject{
			"url":         fmt.Sprintf("%s/issues/comments/%d/reactions", api, c.id),
			"total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "confused": 0, "heart": 0, "hooray": 0, "eyes": 0, "rocket": 0,
		},
	}
}

func (s *Server) reviewJSON(r *review) jsonObject {
	html := fmt.Sprintf("%s/pull/%d#pullrequestreview-%d", s.htmlRepo(), r.pr, r.id)
	pullURL := fmt.Sprintf("%s/pulls/%d", s.apiRepo(), r.pr)
	return jsonObject{
		"id":                 r.id,
		"node_id":            nodeID("PullRequestReview", r.id),
		"user":               s.userJSON(r.author),
		"body":               r.body,
		"state":              r.state,
		"html_url":           html,
		"pull_request_url":   pullURL,
		"_links":             jsonObject{"html": jsonObject{"href": html}, "pull_request": jsonObject{"href": pullURL}},
		"submitted_at":       nullableTime(r.submitted),
		"commit_id":          r.sha,
		"author_association": s.association(r.author),
	}
}

func (s *Server) fileJSON(f fileChange, headSHA string) jsonObject {
	esc := (&url.URL{Path: f.path}).EscapedPath()
	out := jsonObject{
		"sha":          f.blob.String(),
		"filename":     f.path,
		"status":       f.status,
		"additions":    f.additions,
		"deletions":    f.deletions,
		"changes":      f.additions + f.deletions,
		"blob_url":     s.htmlRepo() + "/blob/" + headSHA + "/" + esc,
		"raw_url":      s.htmlRepo() + "/raw/" + headSHA + "/" + esc,
		"contents_url": s.apiRepo() + "/contents/" + esc + "?ref=" + headSHA,
	}
	if f.previous != "" {
		out["previous_filename"] = f.previous
	}
	return out
}

func (s *Server) appJSON() jsonObject {
	return jsonObject{
		"id":           AppID,
		"slug":         "connectbot",
		"node_id":      nodeID("App", AppID),
		"owner":        s.userJSON(s.owner),
		"name":         "connectbot",
		"description":  nil,
		"external_url": s.srv.URL,
		"html_url":     s.srv.URL + "/apps/connectbot",
		"created_at":   ts(epoch),
		"updated_at":   ts(epoch),
		"permissions": jsonObject{
			"checks": "write", "contents": "write", "issues": "write", "metadata": "read",
			"pull_requests": "write", "statuses": "write",
		},
		"events": []any{"pull_request", "pull_request_review", "issue_comment"},
	}
}

// checkPullsJSON is the pull_requests of a check run or suite on sha: the
// open pull requests with that head from a branch of the repository. As
// on GitHub, a fork's pull request is never listed.
func (s *Server) checkPullsJSON(sha string) []any {
	api := s.apiRepo()
	repoMin := jsonObject{"id": 1, "url": api, "name": s.name}
	prs := []any{}
	for _, p := range s.sortedPulls() {
		if p.state != "open" || p.headSHA != sha || p.headRepo != "" {
			continue
		}
		prs = append(prs, jsonObject{
			"id":     p.id,
			"number": p.number,
			"url":    fmt.Sprintf("%s/pulls/%d", api, p.number),
			"head":   jsonObject{"ref": p.head, "sha": p.headSHA, "repo": repoMin},
			"base":   jsonObject{"ref": p.base, "sha": s.pullBase(p).String(), "repo": repoMin},
		})
	}
	return prs
}

func (s *Server) checkRunJSON(c *checkRun) jsonObject {
	api := s.apiRepo()
	prs := s.checkPullsJSON(c.headSHA)
	return jsonObject{
		"id":           c.id,
		"node_id":      nodeID("CheckRun", c.id),
		"head_sha":     c.headSHA,
		"external_id":  c.externalID,
		"url":          fmt.Sprintf("%s/check-runs/%d", api, c.id),
		"html_url":     fmt.Sprintf("%s/runs/%d", s.htmlRepo(), c.id),
		"details_url":  nullable(c.detailsURL),
		"status":       c.status,
		"conclusion":   nullable(c.conclusion),
		"started_at":   nullableTime(c.started),
		"completed_at": nullableTime(c.completed),
		"name":         c.name,
		"output": jsonObject{
			"title":             nullable(c.title),
			"summary":           nullable(c.summary),
			"text":              nullable(c.text),
			"annotations_count": len(c.annotations),
			"annotations_url":   fmt.Sprintf("%s/check-runs/%d/annotations", api, c.id),
		},
		"check_suite":   jsonObject{"id": c.id + 1_000_000},
		"app":           s.appJSON(),
		"pull_requests": prs,
	}
}

func (s *Server) statusJSON(st *status) jsonObject {
	creator := s.userJSON(st.creator)
	return jsonObject{
		"url":         s.apiRepo() + "/statuses/" + st.sha,
		"avatar_url":  creator["avatar_url"],
		"id":          st.id,
		"node_id":     nodeID("StatusContext", st.id),
		"state":       st.state,
		"description": nullable(st.description),
		"target_url":  nullable(st.targetURL),
		"context":     st.context,
		"created_at":  ts(st.created),
		"updated_at":  ts(st.created),
		"creator":     creator,
	}
}

func (s *Server) refJSON(name plumbing.ReferenceName, h plumbing.Hash) jsonObject {
	api := s.apiRepo()
	return jsonObject{
		"ref":     name.String(),
		"node_id": nodeID("Ref", int64(len(name))),
		"url":     api + "/git/" + name.String(),
		"object":  jsonObject{"type": "commit", "sha": h.String(), "url": api + "/git/commits/" + h.String()},
	}
}

func (s *Server) issueEventJSON(e *issueEvent) jsonObject {
	return jsonObject{
		"id":                       e.id,
		"node_id":                  nodeID(map[string]string{"closed": "ClosedEvent", "reopened": "ReopenedEvent"}[e.event], e.id),
		"url":                      fmt.Sprintf("%s/issues/events/%d", s.apiRepo(), e.id),
		"actor":                    s.userJSON(e.actor),
		"event":                    e.event,
		"commit_id":                nil,
		"commit_url":               nil,
		"created_at":               ts(e.created),
		"performed_via_github_app": nil,
	}
}
