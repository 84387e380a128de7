package catalog

import (
	"testing"

	"cuelang.org/go/cue"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// TestTheFeedbackStatusesAreTheSchemas: the Go words of a feedback item's
// status are the words the schema accepts, no more and no fewer, so the
// program's test for an open item reads the words a file may hold.
func TestTheFeedbackStatusesAreTheSchemas(t *testing.T) {
	c := defaultCatalog(t)
	e, err := c.newEvaluator(editor) // the schema without its error() messages
	if err != nil {
		t.Fatal(err)
	}
	status := e.app.LookupPath(cue.MakePath(cue.Str("program").Required(), cue.Str("feedback").Optional(),
		cue.AnyIndex, cue.Str("status").Required()))
	op, words := status.Expr()
	if op != cue.OrOp {
		t.Fatalf("program.feedback[].status is %v of %d values, want a choice of words", op, len(words))
	}
	var got []application.FeedbackStatus
	for _, w := range words {
		s, err := w.String()
		if err != nil {
			t.Fatalf("program.feedback[].status: %v", err)
		}
		got = append(got, application.FeedbackStatus(s))
	}
	want := []application.FeedbackStatus{application.FeedbackOpen, application.FeedbackAddressed}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("feedback statuses (-Go +schema):\n%s", diff)
	}
}
