package pullrequest_test

import (
	"crypto/sha1"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/program"
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
	j, err := pullrequest.NewJudge().Judge(loader.Tree{FS: base}, loader.Tree{FS: head},
		[]pullrequest.Change{modified("applications/acme-sync.cue")}, now)
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
	fresh := strings.Replace(northwind, "Northwind", "Freshly", -1)
	gone := strings.Replace(northwind, "Northwind", "Gone", -1)
	base := tree(t, "", map[string]string{"applications/acme-sync.cue": acme, "applications/old-name.cue": northwind,
		"applications/gone.cue": gone})
	head := tree(t, "", map[string]string{"applications/acme-sync.cue": acme, "applications/new-name.cue": northwind,
		"applications/fresh.cue": fresh, "applications/acme-copy.cue": acme, "applications/link.cue": "-> acme-sync.cue"})
	file := func(content string) pullrequest.Entry {
		return pullrequest.Entry{Kind: "file", Object: blobID(content)}
	}
	j, err := pullrequest.NewJudge().Judge(gitTree(base), gitTree(head), []pullrequest.Change{
		{Path: "applications/acme-copy.cue", To: file(acme)},
		{Path: "applications/fresh.cue", To: file(fresh)},
		{Path: "applications/gone.cue", From: file(gone)},
		{Path: "applications/link.cue", To: pullrequest.Entry{Kind: "symlink", Object: blobID("acme-sync.cue")}},
		{Path: "applications/new-name.cue", To: file(northwind)},
		{Path: "applications/old-name.cue", From: file(northwind)},
		{Path: "README.md", From: file("# x\n"), To: file("# y\n")},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, c := range j.Changes {
		got = append(got, c.Path+" "+string(c.Status)+" from="+c.PreviousPath+" base="+side(c.Base)+" head="+side(c.Head))
	}
	want := []string{
		"applications/acme-copy.cue copy from=applications/acme-sync.cue base=- head=acme-copy",
		"applications/fresh.cue new from= base=- head=fresh",
		"applications/gone.cue delete from= base=gone head=-",
		"applications/link.cue new from= base=- head=-",
		"applications/new-name.cue rename from=applications/old-name.cue base=old-name head=new-name",
		"README.md update from= base=- head=-",
		"applications/acme-sync.cue affected from= base=acme-sync head=acme-sync",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestJudgeNamesTheApplicationsWhoseCompanyAChangeClaims(t *testing.T) {
	now := application.MustParseDate("2026-11-25")
	acme, northwind := sample(t, "acme-sync.cue"), sample(t, "northwind-notes.cue")
	// Another integration under a lookalike of Acme's company name: a
	// Cyrillic А and с, and Inc. for Ltd.
	lookalike := strings.NewReplacer(`name: "Acme Software Ltd"`, `name: "Асme Software Inc."`,
		`"Acme Sync"`, `"Acme Reports"`).Replace(acme)
	renamed := strings.Replace(northwind, `name: "Northwind Notes Ltd"`, `name: "ACME software"`, 1)
	base := tree(t, "", map[string]string{"applications/acme-sync.cue": acme, "applications/northwind-notes.cue": northwind})
	head := tree(t, "", map[string]string{"applications/acme-sync.cue": acme, "applications/northwind-notes.cue": renamed,
		"applications/acme-reports.cue": lookalike, "applications/fresh.cue": strings.Replace(northwind, "Northwind", "Freshly", -1)})
	j, err := pullrequest.NewJudge().Judge(loader.Tree{FS: base}, loader.Tree{FS: head}, []pullrequest.Change{
		{Path: "applications/acme-reports.cue", To: pullrequest.Entry{Kind: "file", Object: blobID(lookalike)}},
		{Path: "applications/fresh.cue", To: pullrequest.Entry{Kind: "file", Object: "3"}},
		modified("applications/northwind-notes.cue"),
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range j.Changes {
		if c.Status == program.ChangeAffected {
			continue // acme-sync.cue: its company is claimed again
		}
		got[c.Path] = []string{}
		for _, f := range c.Claimed {
			got[c.Path] = append(got[c.Path], f.Path)
		}
	}
	want := map[string][]string{
		"applications/acme-reports.cue":    {"applications/acme-sync.cue"},
		"applications/fresh.cue":           {},
		"applications/northwind-notes.cue": {"applications/acme-sync.cue"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claimed applications by change (-want +got):\n%s", diff)
	}
}

// modified is a change to a regular file on both sides.
func modified(p string) pullrequest.Change {
	return pullrequest.Change{Path: p, From: pullrequest.Entry{Kind: "file", Object: "1"}, To: pullrequest.Entry{Kind: "file", Object: "2"}}
}

// blobID names content as git would, closely enough for the judge: equal
// content, equal name.
func blobID(content string) string {
	return fmt.Sprintf("%x", sha1.Sum([]byte(content)))
}

// gitTree is fsys with the object names a tree read from git carries;
// files whose content starts with "-> " are symbolic links and left out
// of the applications, as git trees would show them.
func gitTree(fsys fstest.MapFS) loader.Tree {
	t := loader.Tree{FS: fsys, Apps: map[string]string{}}
	var all []string
	for p, f := range fsys {
		if strings.HasPrefix(p, "applications/") && strings.HasSuffix(p, ".cue") && !strings.HasPrefix(string(f.Data), "-> ") {
			t.Apps[p] = blobID(string(f.Data))
			all = append(all, p+" "+t.Apps[p])
		}
	}
	slices.Sort(all)
	t.AppsID = blobID(strings.Join(all, "\n"))
	return t
}

func side(f *application.File) string {
	if f == nil {
		return "-"
	}
	return f.Slug
}

func TestTheCacheNeverChangesAVerdict(t *testing.T) {
	// A pull request whose merge carries a pending schema X must not leave
	// behind files parsed as if under X: once X is on main, a file that
	// breaks X is judged under X, by a Judge that saw the first as by a
	// fresh one.
	now := application.MustParseDate("2026-11-25")
	acme := sample(t, "acme-sync.cue")
	zeta := strings.NewReplacer("Acme", "Zeta", "acme", "zeta").Replace(acme)
	f := strings.Replace(zeta, `auth:         "oauth2"`, "auth:         \"oauth2\"\n\tappId:        \"1234567\"", 1)
	tighten := func(fsys fstest.MapFS) {
		b := string(fsys["schema/application.cue"].Data)
		tight := strings.Replace(b, `"^[0-9]{1,15}$"`, `"^[0-9]{1,3}$"`, 1)
		if tight == b {
			t.Fatal("schema/application.cue no longer bounds appId this way")
		}
		fsys["schema/application.cue"] = &fstest.MapFile{Data: []byte(tight)}
	}
	withIDs := func(fsys fstest.MapFS, schemaID string) loader.Tree {
		tr := gitTree(fsys)
		tr.SchemaID, tr.ProgramID = schemaID, "program"
		return tr
	}
	add := []pullrequest.Change{{Path: "applications/f.cue", To: pullrequest.Entry{Kind: "file", Object: blobID(f)}}}
	errorsOfF := func(j *pullrequest.Judge, base, merged loader.Tree) int {
		res, err := j.Judge(base, merged, add, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Changes {
			if c.Path == "applications/f.cue" && c.Head != nil {
				return c.Head.Errors()
			}
		}
		t.Fatal("f.cue was not judged")
		return 0
	}
	apps := map[string]string{"applications/acme-sync.cue": acme}
	withF := map[string]string{"applications/acme-sync.cue": acme, "applications/f.cue": f}

	j := pullrequest.NewJudge()
	carrying := tree(t, "", withF)
	tighten(carrying)
	errorsOfF(j, withIDs(tree(t, "", apps), "S"), withIDs(carrying, "X"))

	base, merged := tree(t, "", apps), tree(t, "", withF)
	tighten(base)
	tighten(merged)
	fresh := errorsOfF(pullrequest.NewJudge(), withIDs(base, "X"), withIDs(merged, "X"))
	cached := errorsOfF(j, withIDs(base, "X"), withIDs(merged, "X"))
	if fresh == 0 || cached != fresh {
		t.Errorf("f.cue under schema X: %d errors from a fresh Judge, %d from one that saw X in a merge", fresh, cached)
	}
}

func TestQueueBase(t *testing.T) {
	tests := []struct {
		name, ref, want string
		ok              bool
	}{
		{"a merge group into main", "refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64", "main", true},
		{"a merge group into a branch with a slash", "refs/heads/gh-readonly-queue/release/2027/pr-7-929f8209d40f77f4abc622a499c93a83babdbe64", "release/2027", true},
		{"a branch outside the queue", "refs/heads/main", "", false},
		{"the queue's prefix alone", "refs/heads/gh-readonly-queue/pr-7-abc", "", false},
	}
	for _, tt := range tests {
		got, ok := pullrequest.QueueBase(tt.ref)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: QueueBase(%q) = %q, %v; want %q, %v", tt.name, tt.ref, got, ok, tt.want, tt.ok)
		}
	}
}
