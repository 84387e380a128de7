package scaffold_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/scaffold"
)

var pin = scaffold.Pin{Commit: "0123456789abcdef0123456789abcdef01234567", Version: "v1.2.0"}

// TestProgramCueIsThePoliciesDefaults: the program.cue a new program gets
// reads, with the binary's schema, as exactly the configuration of an
// empty program.cue — the schema's defaults — but for the reviewers given.
func TestProgramCueIsThePoliciesDefaults(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	want, err := cat.Program(catalog.ProgramFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	want.Reviewers = []string{"okafor-pm"}
	files, err := scaffold.Files(scaffold.Options{Pin: pin, Reviewers: []string{"okafor-pm"}})
	if err != nil {
		t.Fatal(err)
	}
	var src []byte
	for _, f := range files {
		if f.Path == catalog.ProgramFile {
			src = f.Data
		}
	}
	got, err := cat.Program(catalog.ProgramFile, src)
	if err != nil {
		t.Fatalf("program.cue: %v\n%s", err, src)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("program.cue against the schema's defaults (-want +got):\n%s", diff)
	}
}

func TestFilesRefusesWhatItCannotWrite(t *testing.T) {
	tests := []struct {
		name string
		opts scaffold.Options
		want string
	}{
		{"a short commit", scaffold.Options{Pin: scaffold.Pin{Commit: "0123456", Version: "v1.2.0"}},
			`the pin "0123456" is not a full commit SHA (40 hexadecimal digits)`},
		{"a branch for a version", scaffold.Options{Pin: scaffold.Pin{Commit: pin.Commit, Version: "main"}},
			`the version "main" is not a release tag like v1.2.0`},
		{"a team that is no GitHub owner", scaffold.Options{Pin: pin, Team: "program team"},
			`the team "program team" is not a GitHub owner like @acme or @acme/program-team`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scaffold.Files(tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
