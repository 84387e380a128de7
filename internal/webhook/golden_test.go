package webhook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/webhook"
)

// recorded is one recorded delivery: its file under testdata, the event
// kind GitHub names it with, and its body.
type recorded struct {
	file, kind string
	body       []byte
}

// allRecorded returns every recorded delivery in testdata (a copy of
// ../shared/corpus/webhooks) and in actionsdata, in a stable order.
func allRecorded(t *testing.T) []recorded {
	t.Helper()
	playground := map[string]string{
		"pull-request-review.json":        webhook.KindReview,
		"pull-request-issue-comment.json": webhook.KindComment,
	}
	var out []recorded
	for _, root := range []string{"testdata", "actionsdata"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			rel := filepath.ToSlash(p)
			kind := path.Base(path.Dir(rel))
			if strings.Contains(rel, "/go-playground-webhooks/") {
				kind = playground[path.Base(rel)]
			}
			if kind == "" {
				t.Fatalf("%s: no event kind known; add it to allRecorded()", rel)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, recorded{file: rel, kind: kind, body: b})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 17 {
		t.Fatalf("found %d recorded deliveries, the SOURCES.md files list 17", len(out))
	}
	return out
}

// TestParseEveryRecordedDelivery pins the event Parse makes of every
// recorded delivery in testdata/parse.golden: a change to what the bot
// reads shows there as a diff to review.
func TestParseEveryRecordedDelivery(t *testing.T) {
	var got bytes.Buffer
	for _, d := range allRecorded(t) {
		fmt.Fprintf(&got, "== %s (%s)\n", d.file, d.kind)
		ev, err := webhook.Parse(d.kind, d.body)
		if err != nil {
			fmt.Fprintf(&got, "error: %v\n", err)
			continue
		}
		b, err := json.MarshalIndent(ev, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		got.Write(b)
		got.WriteByte('\n')
	}
	golden.Check(t, filepath.Join("testdata", "parse.golden"), got.String())
}
