package forgetest

import (
	"encoding/json"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// A repository ruleset, as GitHub enforces it on the branches it targets:
// POST /repos/{owner}/{repo}/rulesets creates one (as the repository's
// owner, an admin), and from then on a git push or a REST ref update of a
// branch it targets that breaks an active rule is refused unless the actor
// may bypass it. The rules enforced: pull_request (changes only through a
// pull request: no push to the branch), non_fast_forward (no force push),
// deletion and creation; other rule types are kept and not enforced.
// Merging a pull request through GitHub is how a pull_request rule is met.

// docsRulesets is the documentation URL of the rulesets endpoint.
const docsRulesets = "https://docs.github.com/rest/repos/rules#create-a-repository-ruleset"

// rulesDeclined is git's status for a push a ruleset refuses, as GitHub
// reports it ("! [remote rejected] main -> main (push declined due to
// repository rule violations)").
const rulesDeclined = "push declined due to repository rule violations"

// repositoryRoleAdmin is the actor_id of the admin repository role.
const repositoryRoleAdmin = 5

// ruleset is one repository ruleset, in the shape GitHub takes it.
type ruleset struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Target      string `json:"target"`
	Enforcement string `json:"enforcement"`
	Conditions  struct {
		RefName struct {
			Include []string `json:"include"`
			Exclude []string `json:"exclude"`
		} `json:"ref_name"`
	} `json:"conditions"`
	Rules []struct {
		Type       string          `json:"type"`
		Parameters json.RawMessage `json:"parameters,omitempty"`
	} `json:"rules"`
	BypassActors []struct {
		ActorID    *int64 `json:"actor_id"`
		ActorType  string `json:"actor_type"`
		BypassMode string `json:"bypass_mode"`
	} `json:"bypass_actors"`
}

// POST /repos/{owner}/{repo}/rulesets
func (s *Server) createRuleset(w http.ResponseWriter, r *http.Request, _ params) {
	if s.acting() != s.owner {
		s.messageDoc(w, http.StatusNotFound, "Not Found", docsRulesets)
		return
	}
	var rs ruleset
	if !s.decode(w, r, &rs) {
		return
	}
	if rs.Target == "" {
		rs.Target = "branch"
	}
	if why := refuseRuleset(rs); why != "" {
		s.unprocessable(w, plain("Invalid request.\n\n"+why))
		return
	}
	rs.ID = s.id()
	for i, a := range rs.BypassActors {
		if a.BypassMode == "" {
			rs.BypassActors[i].BypassMode = "always"
		}
	}
	s.rulesets = append(s.rulesets, rs)
	s.reply(w, r, http.StatusCreated, s.rulesetJSON(rs))
}

// refuseRuleset returns why GitHub would refuse rs, or "".
func refuseRuleset(rs ruleset) string {
	switch {
	case strings.TrimSpace(rs.Name) == "":
		return "Name can't be blank"
	case !slices.Contains([]string{"active", "evaluate", "disabled"}, rs.Enforcement):
		return "Enforcement is not included in the list"
	case rs.Target != "branch" && rs.Target != "tag" && rs.Target != "push":
		return "Target is not included in the list"
	}
	for _, a := range rs.BypassActors {
		if !slices.Contains([]string{"Integration", "OrganizationAdmin", "RepositoryRole", "Team", "DeployKey", "User"}, a.ActorType) {
			return "Actor type is not included in the list"
		}
		if a.BypassMode != "" && a.BypassMode != "always" && a.BypassMode != "pull_request" {
			return "Bypass mode is not included in the list"
		}
	}
	return ""
}

func (s *Server) rulesetJSON(rs ruleset) jsonObject {
	var b []byte
	b, _ = json.Marshal(rs)
	var out jsonObject
	json.Unmarshal(b, &out)
	out["node_id"] = nodeID("RepositoryRuleset", rs.ID)
	out["source_type"], out["source"] = "Repository", s.FullName()
	out["current_user_can_bypass"] = "never"
	out["created_at"], out["updated_at"] = ts(s.clock), ts(s.clock)
	return out
}

// CreateRuleset creates the ruleset body (GitHub's JSON) as the
// repository's owner would, through POST /repos/{owner}/{repo}/rulesets
// with the owner's token (ownerToken, added for the owner), and fails the
// test unless GitHub's answer is 201 Created.
func (s *Server) CreateRuleset(ownerToken, body string) {
	s.t.Helper()
	s.AddUser(s.owner, ownerToken)
	req, err := http.NewRequest("POST", s.URL()+"/repos/"+s.FullName()+"/rulesets", strings.NewReader(body))
	if err != nil {
		s.t.Fatalf("forgetest: create ruleset: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+ownerToken)
	resp, err := s.Client().Do(req)
	if err != nil {
		s.t.Fatalf("forgetest: create ruleset: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("forgetest: create ruleset: %d %s", resp.StatusCode, answer)
	}
}

// GET /repos/{owner}/{repo}/rules/branches/{branch}: every rule of the
// active rulesets that target the branch, with its ruleset's id and
// source, whoever asks and whether or not they may bypass it.
func (s *Server) branchRules(w http.ResponseWriter, r *http.Request, p params) {
	ref := "refs/heads/" + p["branch"]
	out := []jsonObject{}
	for _, rs := range s.rulesets {
		if rs.Enforcement != "active" || rs.Target != "branch" || !s.targets(rs, ref) {
			continue
		}
		for _, rule := range rs.Rules {
			o := jsonObject{"type": rule.Type, "ruleset_source_type": "Repository", "ruleset_source": s.FullName(), "ruleset_id": rs.ID}
			var params any
			if len(rule.Parameters) > 0 && json.Unmarshal(rule.Parameters, &params) == nil {
				o["parameters"] = params
			}
			out = append(out, o)
		}
	}
	s.reply(w, r, http.StatusOK, out)
}

// ruleViolations returns the rules the actor breaks by moving the branch
// ref from old to new (the zero hash: created, or deleted), as GitHub
// lists them; nil if none does or the actor may bypass them. Only pushes
// and ref updates are checked: a pull request merged through GitHub meets
// the pull_request rule.
func (s *Server) ruleViolations(ref string, old, new plumbing.Hash, actor string) []string {
	var broken []string
	for _, rs := range s.rulesets {
		if rs.Enforcement != "active" || rs.Target != "branch" || !s.targets(rs, ref) || s.bypasses(rs, actor) {
			continue
		}
		for _, rule := range rs.Rules {
			if why := s.breaks(rule.Type, old, new); why != "" && !slices.Contains(broken, why) {
				broken = append(broken, why)
			}
		}
	}
	return broken
}

// breaks returns the message of a rule of type kind that moving a ref
// from old to new breaks, or "".
func (s *Server) breaks(kind string, old, new plumbing.Hash) string {
	switch {
	case kind == "pull_request" && !new.IsZero():
		return "Changes must be made through a pull request."
	case kind == "non_fast_forward" && !old.IsZero() && !new.IsZero() && !s.ancestors(new)[old]:
		return "Cannot force-push to this branch"
	case kind == "deletion" && new.IsZero():
		return "Cannot delete this branch"
	case kind == "creation" && old.IsZero():
		return "Cannot create ref due to creations being restricted."
	}
	return ""
}

// targets reports whether rs's conditions take in the ref.
func (s *Server) targets(rs ruleset, ref string) bool {
	matches := func(patterns []string) bool {
		for _, p := range patterns {
			switch p {
			case "~ALL":
				return strings.HasPrefix(ref, "refs/heads/")
			case "~DEFAULT_BRANCH":
				if ref == "refs/heads/"+s.defaultBranch {
					return true
				}
			default:
				if ok, _ := path.Match(p, ref); ok {
					return true
				}
			}
		}
		return false
	}
	return matches(rs.Conditions.RefName.Include) && !matches(rs.Conditions.RefName.Exclude)
}

// bypasses reports whether actor may push past rs: the App (BotLogin)
// when rs names it (Integration, AppID) with bypass_mode always, and the
// repository's owner when rs names the admin role or organization admins.
func (s *Server) bypasses(rs ruleset, actor string) bool {
	for _, a := range rs.BypassActors {
		if a.BypassMode != "always" {
			continue // pull_request: only when merging a pull request
		}
		id := int64(0)
		if a.ActorID != nil {
			id = *a.ActorID
		}
		switch {
		case a.ActorType == "Integration" && id == AppID && actor == BotLogin,
			a.ActorType == "RepositoryRole" && id == repositoryRoleAdmin && actor == s.owner,
			a.ActorType == "OrganizationAdmin" && actor == s.owner:
			return true
		}
	}
	return false
}

// refuseByRules answers a REST ref update that breaks a ruleset as GitHub
// does, and reports whether it did.
func (s *Server) refuseByRules(w http.ResponseWriter, ref string, old, new plumbing.Hash) bool {
	broken := s.ruleViolations(ref, old, new, s.acting())
	if len(broken) == 0 {
		return false
	}
	s.unprocessable(w, plain("Repository rule violations found\n\n"+strings.Join(broken, "\n\n")+"\n\n"))
	return true
}

// refusePush is the git handler's check of each reference a push moves:
// the status git reports for a ruleset's refusal, or "".
func (s *Server) refusePush(ref string, old, new plumbing.Hash) string {
	if len(s.ruleViolations(ref, old, new, s.acting())) > 0 {
		return rulesDeclined
	}
	return ""
}
