package forge_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge"
)

// interaction is one recorded request and GitHub's answer, as
// octokit/fixtures stores them.
type interaction struct {
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Body     json.RawMessage `json:"body"`
	Status   int             `json:"status"`
	Response json.RawMessage `json:"response"`
	Headers  map[string]any  `json:"headers"`
}

// replayer answers requests with a recorded scenario: a request whose
// method and path were recorded gets GitHub's recorded status, headers and
// body; any other gets GitHub's 404. It keeps the bodies it was sent.
type replayer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	received map[string]json.RawMessage // "METHOD /path" to body
	extra    map[string]func(http.ResponseWriter)
}

func newReplayer(t *testing.T, scenario string) *replayer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "api-fixtures", "octokit-fixtures", scenario, "normalized-fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	var recorded []interaction
	if err := json.Unmarshal(data, &recorded); err != nil {
		t.Fatal(err)
	}
	rp := &replayer{received: map[string]json.RawMessage{}, extra: map[string]func(http.ResponseWriter){}}
	rp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key := r.Method + " " + r.URL.Path
		rp.mu.Lock()
		rp.received[key] = body
		extra := rp.extra[key]
		rp.mu.Unlock()
		if extra != nil {
			extra(w)
			return
		}
		for _, rec := range recorded {
			if !strings.EqualFold(rec.Method, r.Method) || rec.Path != r.URL.Path {
				continue
			}
			for k, v := range rec.Headers {
				if k != "content-length" {
					w.Header().Set(k, fmt.Sprint(v))
				}
			}
			w.WriteHeader(rec.Status)
			w.Write(rec.Response)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
	}))
	t.Cleanup(rp.srv.Close)
	return rp
}

func (rp *replayer) client(t *testing.T, repo string) *forge.Client {
	t.Helper()
	c, err := forge.New(forge.Options{
		BaseURL: rp.srv.URL, Token: "0000000000000000000000000000000000000001",
		Owner: "octokit-fixture-org", Repo: repo, HTTPClient: rp.srv.Client(),
		Sleep: func(time.Duration) {},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sent decodes the body the replayer received for "METHOD /path".
func (rp *replayer) sent(t *testing.T, key string) any {
	t.Helper()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	raw, ok := rp.received[key]
	if !ok {
		t.Fatalf("no %s was sent", key)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s body: %v", key, err)
	}
	return v
}

// TestRecordedValidationError decodes GitHub's recorded 422 for a label
// with a bad colour through the adapter's error mapping.
func TestRecordedValidationError(t *testing.T) {
	rp := newReplayer(t, "errors")
	err := rp.client(t, "errors").EnsureLabel(context.Background(), "foo", "invalid", "")
	if !errors.Is(err, forge.ErrValidation) {
		t.Fatalf("err = %v, want ErrValidation", err)
	}
	if want := `forge: ensure label "foo": 422 Validation Failed: Label.color invalid`; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	var apiError *forge.APIError
	if !errors.As(err, &apiError) {
		t.Fatalf("err is a %T, want an *APIError", err)
	}
	type apiErr struct {
		Op, Message string
		Status      int
		Errors      []forge.FieldError
	}
	want := apiErr{Op: `ensure label "foo"`, Status: 422, Message: "Validation Failed", Errors: []forge.FieldError{{Resource: "Label", Field: "color", Code: "invalid"}}}
	got := apiErr{Op: apiError.Op, Status: apiError.Status, Message: apiError.Message, Errors: apiError.Errors}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("APIError (-want +got):\n%s", diff)
	}
	// The adapter sent what octokit sent when GitHub recorded the answer.
	wantBody := map[string]any{"name": "foo", "color": "invalid"}
	if diff := cmp.Diff(wantBody, rp.sent(t, "POST /repos/octokit-fixture-org/errors/labels")); diff != "" {
		t.Errorf("request body (-recorded +sent):\n%s", diff)
	}
}

// TestRecordedAddLabels adds the recorded labels and decodes GitHub's
// recorded answer.
func TestRecordedAddLabels(t *testing.T) {
	rp := newReplayer(t, "add-labels-to-issue")
	if err := rp.client(t, "add-labels-to-issue").AddLabels(context.Background(), 1, "Foo", "bAr", "baZ"); err != nil {
		t.Fatal(err)
	}
	// The adapter sent what octokit sent when GitHub recorded the answer:
	// the documented {"labels": [...]}, not go-github's bare array.
	want := map[string]any{"labels": []any{"Foo", "bAr", "baZ"}}
	if diff := cmp.Diff(want, rp.sent(t, "POST /repos/octokit-fixture-org/add-labels-to-issue/issues/1/labels")); diff != "" {
		t.Errorf("labels sent (-want +got):\n%s", diff)
	}
}

// TestRecordedCommitStatus falls back to a commit status (the 403 on the
// check run is made up; the status answer is GitHub's recorded one) and
// checks the adapter sends what octokit sent, apart from the context.
func TestRecordedCommitStatus(t *testing.T) {
	rp := newReplayer(t, "create-status")
	rp.extra["POST /repos/octokit-fixture-org/create-status/check-runs"] = func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/checks/runs#create-a-check-run"}`)
	}
	const sha = "0000000000000000000000000000000000000001"
	res, err := rp.client(t, "create-status").CreateCheckRun(context.Background(), forge.CheckRun{
		Name: "connectbot", HeadSHA: sha, Conclusion: "failure", Title: "create-status failure test", DetailsURL: "https://example.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (forge.CheckResult{Via: forge.ViaStatus, ID: 1000}); res != want {
		t.Errorf("result = %+v, want %+v (the recorded status's ID)", res, want)
	}
	want := map[string]any{"state": "failure", "target_url": "https://example.com", "description": "create-status failure test", "context": forge.StatusContext}
	if diff := cmp.Diff(want, rp.sent(t, "POST /repos/octokit-fixture-org/create-status/statuses/"+sha)); diff != "" {
		t.Errorf("status sent (-want +got):\n%s", diff)
	}
}
