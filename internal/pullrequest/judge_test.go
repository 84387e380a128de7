package pullrequest_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/schema"
)

// tree builds a repository tree with the embedded schema, a program.cue
// and the given application files.
func tree(t *testing.T, program string, apps map[string]string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{"program.cue": {Data: []byte(program)}}
	names, _ := schemaNames()
	for _, n := range names {
		b, err := schema.Files.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		fsys["schema/"+n] = &fstest.MapFile{Data: b}
	}
	for p, src := range apps {
		fsys[p] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

func schemaNames() ([]string, error) {
	entries, err := schema.Files.ReadDir(".")
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".cue") {
			out = append(out, e.Name())
		}
	}
	return out, err
}

func sample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../applications/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestJudgeUsesTheBaseRules(t *testing.T) {
	now, _ := application.ParseDate("2026-11-25")
	acme := sample(t, "acme-sync.cue")
	slow := strings.Replace(acme, "firstResponseHours: 24", "firstResponseHours: 48", 1)
	base := tree(t, "supportResponseHours: 24\n", map[string]string{"applications/acme-sync.cue": acme})
	// The head relaxes program.cue and the schema; neither may count.
	head := tree(t, "supportResponseHours: 72\n", map[string]string{"applications/acme-sync.cue": slow})
	head["schema/application.cue"] = &fstest.MapFile{Data: []byte("package connectbot\n#Application: {...}\n")}
	j, err := pullrequest.Judge(base, head, []pullrequest.Touched{{Path: "applications/acme-sync.cue", Status: "modified"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if j.Config.SupportResponseHours != 24 {
		t.Errorf("config from the head: %d", j.Config.SupportResponseHours)
	}
	c := j.Changes[0]
	if c.Base == nil || c.Head == nil || c.Head.App == nil {
		t.Fatalf("change not judged at both ends: %+v", c)
	}
	found := false
	for _, f := range c.Head.Findings {
		if f.Rule == "connect/req-3" && f.Path == "support.firstResponseHours" {
			found = true
		}
	}
	if !found {
		t.Errorf("the base's 24-hour rule did not judge the head: %+v", c.Head.Findings)
	}
}

func TestJudgeSeesEveryKindOfChange(t *testing.T) {
	now, _ := application.ParseDate("2026-11-25")
	acme, northwind := sample(t, "acme-sync.cue"), sample(t, "northwind-notes.cue")
	base := tree(t, "", map[string]string{"applications/acme-sync.cue": acme, "applications/old-name.cue": northwind})
	head := tree(t, "", map[string]string{"applications/acme-sync.cue": acme, "applications/new-name.cue": northwind,
		"applications/fresh.cue": strings.Replace(northwind, "Northwind", "Freshly", -1)})
	delete(head, "applications/acme-sync.cue")
	j, err := pullrequest.Judge(base, head, []pullrequest.Touched{
		{Path: "applications/acme-sync.cue", Status: "removed"},
		{Path: "applications/new-name.cue", PreviousPath: "applications/old-name.cue", Status: "renamed"},
		{Path: "applications/fresh.cue", Status: "added"},
		{Path: "README.md", Status: "modified"},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, c := range j.Changes {
		got = append(got, c.Path+" base="+side(c.Base)+" head="+side(c.Head))
	}
	want := []string{
		"applications/acme-sync.cue base=acme-sync head=-",
		"applications/new-name.cue base=old-name head=new-name",
		"applications/fresh.cue base=- head=fresh",
		"README.md base=- head=-",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func side(f *application.File) string {
	if f == nil {
		return "-"
	}
	return f.Slug
}
