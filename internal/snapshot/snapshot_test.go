package snapshot_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/samplegen"
	"github.com/connectbot/connectbot/internal/snapshot"
)

func TestLoadJudgesEveryFileInPathOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"program.cue":                  {Data: []byte("minInstalls: 10\ndocumentationDomains: \"allow\"\n")},
		"applications/b.cue":           {Data: samplegen.Application(1)},
		"applications/a.cue":           {Data: []byte("import \"list\"\n")},
		"applications/c.cue":           {Data: samplegen.Application(1)}, // the same integration name as b
		"applications/notes.txt":       {Data: []byte("not an application")},
		"applications/nested/skip.cue": {Data: []byte("x: 1\n")},
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	now, _ := application.ParseDate("2026-11-25")
	snap, err := snapshot.Load(cat, fsys, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range snap.Files {
		rules := []string{}
		for _, x := range f.Findings {
			rules = append(rules, x.Rule)
		}
		got = append(got, f.Path+" "+strings.Join(rules, ","))
	}
	want := []string{
		"applications/a.cue format/plain-data",
		"applications/b.cue format/unique-name",
		"applications/c.cue format/unique-name",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files and rules (-want +got):\n%s", diff)
	}
	if snap.Config.MinInstalls != 10 || snap.Config.CertificationInstalls != 40 {
		t.Errorf("config not loaded with defaults: %+v", snap.Config)
	}
}

func TestLoadFailsOnlyWhenNothingCanBeJudged(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		paths   []string
		wantErr string
	}{
		{"a tree with neither program.cue nor applications", fstest.MapFS{}, nil, "no program here: neither program.cue nor applications/ exists"},
		{"an applications that is a file, not a directory", fstest.MapFS{"applications": {}}, nil, "applications: not a directory"},
		{"an empty directory", fstest.MapFS{"applications/readme.md": {}}, nil, "no application files"},
		{"an empty directory named explicitly in a program", fstest.MapFS{"program.cue": {Data: []byte("minInstalls: 10\n")}, "applications/readme.md": {}}, []string{"applications"}, "no application files"},
		{"a missing file", fstest.MapFS{"applications/a.cue": {}}, []string{"applications/b.cue"}, "applications/b.cue: not found"},
		{"a broken program.cue", fstest.MapFS{"program.cue": {Data: []byte("minInstalls: \"ten\"\n")}, "applications/a.cue": {}}, nil, "program.cue:1:"},
	}
	now, _ := application.ParseDate("2026-11-25")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := snapshot.Load(cat, tt.fsys, tt.paths, now)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestANewProgramWithNoApplicationYetLoadsEmpty(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	program := &fstest.MapFile{Data: []byte("minInstalls: 10\n")}
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"a program.cue and no applications directory, as git keeps it", fstest.MapFS{"program.cue": program}},
		{"a program.cue and an applications directory without a .cue file", fstest.MapFS{"program.cue": program, "applications/README.md": {}}},
	}
	now, _ := application.ParseDate("2026-11-25")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := snapshot.Load(cat, tt.fsys, nil, now)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(s.Files) != 0 || s.Config.MinInstalls != 10 {
				t.Errorf("got %d files and minInstalls %d, want none and 10", len(s.Files), s.Config.MinInstalls)
			}
		})
	}
}
