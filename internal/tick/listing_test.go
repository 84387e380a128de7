package tick_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestATickDoesNotRemoveAListingSuppliedInTimeAndDamagedLater: brightpath
// forms, accepted on 2026-11-10, owes its listing by 2026-12-10. The
// program's branch holds it complete from a commit of 2026-12-01, and
// without its description from a commit of 2026-12-10: supplied in time
// (Connect beta-2 removes who fail to supply it), so the tick of
// 2026-12-11 opens no listing-overdue removal. Never complete in time, the
// same file is removed.
func TestATickDoesNotRemoveAListingSuppliedInTimeAndDamagedLater(t *testing.T) {
	const file = "applications/brightpath-forms.cue"
	src, err := os.ReadFile("../../" + file)
	if err != nil {
		t.Fatal(err)
	}
	complete := strings.Replace(string(src), "program: {", `listing: {
	tagline:              "Forms that fill the CRM"
	description:          "BrightPath turns every form into contacts and deals, with no mapping to maintain."
	setupInstructionsUrl: "https://brightpath-forms.example/docs/connect"
	supportUrl:           "https://brightpath-forms.example/help"
}
program: {`, 1)
	damaged := strings.Replace(complete, "\tdescription:          \"BrightPath turns every form into contacts and deals, with no mapping to maintain.\"\n", "", 1)
	for _, tt := range []struct {
		name        string
		first       string // the listing committed on 2026-12-01
		wantRemoved bool
	}{
		{"complete on 2026-12-01, damaged on 2026-12-10: not removed", complete, false},
		{"damaged from the first: removed", damaged, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := program(t, nil)
			clock := day("2026-12-01")
			srv.SetClock(func() time.Time { return clock })
			srv.Commit("main", "brightpath supplies its listing", map[string]string{file: tt.first})
			clock = day("2026-12-10")
			srv.Commit("main", "brightpath edits its listing", map[string]string{file: damaged})
			s, err := runner(t, srv).Run(context.Background(), day("2026-12-11"))
			if err != nil {
				t.Fatal(err)
			}
			removed := false
			for _, a := range s.Actions {
				if a.Slug == "brightpath-forms" && a.Reason == "listing-overdue" {
					removed = true
				}
			}
			if removed != tt.wantRemoved {
				t.Errorf("actions %+v: brightpath-forms removed for its listing %v, want %v", s.Actions, removed, tt.wantRemoved)
			}
		})
	}
}
