package forgetest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5/memfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// call makes a REST request with token and returns the status and the
// decoded JSON answer.
func call(t *testing.T, srv *forgetest.Server, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+testRepo+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: decode answer: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func login(v any) any {
	if m, ok := v.(map[string]any); ok {
		return m["login"]
	}
	return nil
}

// TestEachCallActsAsItsTokensUser drives one pull request through the API
// with the tokens of three users and checks who GitHub would say did what.
func TestEachCallActsAsItsTokensUser(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("alice", "alice-token")
	srv.AddUser("rivera", "rivera-token")
	srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})

	type step struct {
		name, token, method, path, body string
		wantStatus                      int
		// field of the answer and the login it must hold, or the message.
		field, want string
	}
	steps := []step{
		{"alice opens a pull request and is its author", "alice-token", "POST", "/pulls",
			`{"title":"Add acme","head":"feature","base":"main"}`, 201, "user", "alice"},
		{"alice may not approve her own pull request", "alice-token", "POST", "/pulls/1/reviews",
			`{"event":"APPROVE"}`, 422, "message", "Unprocessable Entity"},
		{"rivera's approval is rivera's", "rivera-token", "POST", "/pulls/1/reviews",
			`{"event":"APPROVE","body":"LGTM"}`, 200, "user", "rivera"},
		{"an unknown event is refused", "rivera-token", "POST", "/pulls/1/reviews",
			`{"event":"MERGE"}`, 422, "message", "Validation Failed"},
		{"rivera's comment is rivera's", "rivera-token", "POST", "/issues/1/comments",
			`{"body":"Welcome"}`, 201, "user", "rivera"},
		{"the bot's comment is the bot's", srv.Token(), "POST", "/issues/1/comments",
			`{"body":"Checked"}`, 201, "user", forgetest.BotLogin},
		{"an unknown token is refused", "mallory-token", "GET", "/pulls/1",
			``, 401, "message", "Bad credentials"},
		{"a merge by rivera is rivera's", "rivera-token", "PUT", "/pulls/1/merge",
			`{}`, 200, "message", "Pull Request successfully merged"},
		{"the merged pull request names its merger", srv.Token(), "GET", "/pulls/1",
			``, 200, "merged_by", "rivera"},
	}
	for _, st := range steps {
		status, got := call(t, srv, st.token, st.method, st.path, st.body)
		if status != st.wantStatus {
			t.Errorf("%s: status = %d, want %d (%v)", st.name, status, st.wantStatus, got)
			continue
		}
		value := got[st.field]
		if st.field != "message" {
			value = login(value)
		}
		if value != st.want {
			t.Errorf("%s: %s = %v, want %s", st.name, st.field, value, st.want)
		}
	}

	var listed []map[string]any
	req, _ := http.NewRequest("GET", srv.URL()+testRepo+"/pulls/1/reviews", nil)
	req.Header.Set("Authorization", "Bearer alice-token")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&listed); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rv := range listed {
		got = append(got, login(rv["user"]).(string)+" "+rv["state"].(string))
	}
	if diff := cmp.Diff([]string{"rivera APPROVED"}, got); diff != "" {
		t.Errorf("reviews (-want +got):\n%s", diff)
	}
}

// TestPushActsAsItsTokensUser pushes, as alice, the head of an open pull
// request into main: the pull request is merged by alice, as GitHub marks
// a pull request merged by whoever pushed its commits.
func TestPushActsAsItsTokensUser(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("alice", "alice-token")
	srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
	n := srv.OpenPR(forgetest.PRSpec{Author: "alice", Title: "Add acme", Head: "feature"})

	for _, tc := range []struct {
		name     string
		password string
		wantErr  bool
	}{
		{name: "an unknown token cannot clone", password: "mallory-token", wantErr: true},
		{name: "alice's token clones and pushes", password: "alice-token"},
	} {
		auth := &githttp.BasicAuth{Username: "alice", Password: tc.password}
		fs := memfs.New()
		clone, err := git.Clone(memory.NewStorage(), fs, &git.CloneOptions{URL: srv.GitURL(), Auth: auth})
		if (err != nil) != tc.wantErr {
			t.Fatalf("%s: clone error = %v, want error %v", tc.name, err, tc.wantErr)
		}
		if err != nil {
			continue
		}
		if err := clone.Fetch(&git.FetchOptions{Auth: auth, RefSpecs: []config.RefSpec{"refs/heads/feature:refs/heads/feature"}}); err != nil {
			t.Fatalf("%s: fetch: %v", tc.name, err)
		}
		if err := clone.Push(&git.PushOptions{Auth: auth, RefSpecs: []config.RefSpec{"refs/heads/feature:refs/heads/main"}}); err != nil {
			t.Fatalf("%s: push: %v", tc.name, err)
		}
	}
	if got := srv.PR(n); !got.Merged {
		t.Fatalf("pull request #%d not merged by the push", n)
	}
	status, got := call(t, srv, srv.Token(), "GET", "/pulls/1", "")
	if status != http.StatusOK || login(got["merged_by"]) != "alice" {
		t.Errorf("merged_by = %v (status %d), want alice", got["merged_by"], status)
	}
}
