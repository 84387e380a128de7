package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

func TestInterestNamesWhatAReviewerMaintains(t *testing.T) {
	maintained := func(slug string, logins ...string) *application.File {
		return appFile(slug, func(a *application.Application) { a.Maintainers = logins })
	}
	edit := program.FileChange{Path: "applications/acme.cue", Status: program.ChangeUpdate,
		Base: maintained("acme", "acme-dev", "okafor-pm"), Head: maintained("acme", "acme-dev")}
	tests := []struct {
		name    string
		changes []program.FileChange
		login   string
		want    string
	}{
		{"a maintainer at the base, removed at the head", []program.FileChange{edit}, "okafor-pm",
			"@okafor-pm maintains applications/acme.cue"},
		{"a maintainer at the head only, in another case", []program.FileChange{{Path: "applications/newco.cue", Status: program.ChangeNew,
			Head: maintained("newco", "newco-dev", "Rivera-Reviews")}}, "rivera-reviews",
			"@rivera-reviews maintains applications/newco.cue"},
		{"a maintainer of another application of the company", []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeUpdate,
			Base: maintained("acme", "acme-dev"), Head: maintained("acme", "acme-dev"), SameCompany: []*application.File{maintained("acme-labs", "rivera-reviews")}}},
			"rivera-reviews", `@rivera-reviews maintains applications/acme-labs.cue, an application of the same company ("Acme")`},
		{"a maintainer of an application the change only affects is independent", []program.FileChange{{Path: "applications/acme.cue", Status: program.ChangeAffected,
			Base: maintained("acme", "rivera-reviews"), Head: maintained("acme", "rivera-reviews")}}, "rivera-reviews", ""},
		{"a reviewer who maintains nothing changed is independent", []program.FileChange{edit}, "rivera-reviews", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, program.Interest(tt.changes, tt.login)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
