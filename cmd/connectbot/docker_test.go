package main

import (
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dockerfile is the Dockerfile read as its stages, each a list of
// instructions (continuation lines joined, comments dropped).
func dockerfile(t *testing.T) [][]string {
	t.Helper()
	text := strings.ReplaceAll(mustRead(t, "../../Dockerfile"), "\\\n", " ")
	var stages [][]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("an instruction before the first FROM: %s", line)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], line)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want a build stage and a run stage", len(stages))
	}
	return stages
}

// fullImage is an image named by registry, repository and an exact tag:
// docker.io/library/golang:1.26.8-bookworm, not golang:1.26 nor :latest.
var fullImage = regexp.MustCompile(`^FROM ([a-z0-9.-]+\.[a-z]+)/([a-z0-9._/-]+):([A-Za-z0-9._-]+)(?: AS \w+)?$`)

// TestTheDockerfileNamesItsImagesInFullAndRunsAsNobody reads the
// Dockerfile for what its users rely on: base images that every builder
// resolves (buildah and podman refuse short names) at exact tags that
// Dependabot keeps current, the build with go.mod's toolchain from the
// directories the binary's packages and embedded files live in, and a run
// stage that is serve, as a numeric user that is not root.
func TestTheDockerfileNamesItsImagesInFullAndRunsAsNobody(t *testing.T) {
	stages := dockerfile(t)
	for _, stage := range stages {
		m := fullImage.FindStringSubmatch(stage[0])
		if m == nil || m[3] == "latest" {
			t.Errorf("%q: name a base image by registry, repository and exact tag", stage[0])
		}
	}
	goVersion := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindStringSubmatch(mustRead(t, "../../go.mod"))
	if goVersion == nil || !strings.HasPrefix(stages[0][0], "FROM docker.io/library/golang:"+goVersion[1]+"-") {
		t.Errorf("the build stage %q does not use go.mod's toolchain %v", stages[0][0], goVersion)
	}
	build, run := strings.Join(stages[0], "\n"), strings.Join(stages[1], "\n")
	for _, dir := range sourceDirs(t) {
		if !strings.Contains(build, "COPY "+dir+" ./"+dir) {
			t.Errorf("the build stage does not copy %s/, which the binary is built from", dir)
		}
		if !strings.Contains(mustRead(t, "../../.dockerignore"), "!"+dir+"/") {
			t.Errorf(".dockerignore keeps %s/ out of the build context", dir)
		}
	}
	user := regexp.MustCompile(`(?m)^USER (\d+)(?::(\d+))?$`).FindStringSubmatch(run)
	if user == nil || user[1] == "0" || user[2] == "0" {
		t.Errorf("the run stage's USER is not a numeric user other than root (Kubernetes' runAsNonRoot checks a number)")
	}
	for _, want := range []string{"COPY --from=build /out/connectbot /connectbot", `ENTRYPOINT ["/connectbot"]`, `CMD ["serve", "--addr", "0.0.0.0:8080"]`, "EXPOSE 8080"} {
		if !strings.Contains(run, want) {
			t.Errorf("the run stage lacks %q", want)
		}
	}
	dependabot := mustRead(t, "../../.github/dependabot.yml")
	if !regexp.MustCompile(`(?m)package-ecosystem: docker\n\s+directory: /\n`).MatchString(dependabot) {
		t.Errorf(".github/dependabot.yml does not keep the Dockerfile's images current:\n%s", dependabot)
	}
}

// sourceDirs are the top-level directories of this module that the
// binary's packages, and the files they embed, come from.
func sourceDirs(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=Dir,Module,EmbedFiles", "./cmd/connectbot")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, _ := filepath.Abs("../..")
	var dirs []string
	for dec := json.NewDecoder(strings.NewReader(string(out))); dec.More(); {
		var p struct {
			Dir    string
			Module *struct{ Path string }
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || p.Module.Path != "github.com/connectbot/connectbot" {
			continue
		}
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if top := strings.Split(filepath.ToSlash(rel), "/")[0]; !slices.Contains(dirs, top) {
			dirs = append(dirs, top)
		}
	}
	slices.Sort(dirs)
	return dirs
}

// shellWords splits a shell command line into words, the way sh does for
// the plain words and double- or single-quoted parts a RUN line has.
func shellWords(line string) []string {
	var words []string
	var word strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}

// TestTheDockerfileBuildsAStaticBinary runs the build stage's go build
// command here, with its environment, flags and ldflags as written, and
// checks what the image relies on: a static binary (no interpreter, no
// shared libraries: distroless/static has no libc) built without cgo,
// with -trimpath (recorded in its build information), stripped as
// -ldflags="-s -w" says, that runs.
func TestTheDockerfileBuildsAStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds connectbot: skipped with -short")
	}
	var run []string
	for _, line := range dockerfile(t)[0] {
		if strings.HasPrefix(line, "RUN ") && strings.Contains(line, "go build") {
			run = shellWords(strings.TrimPrefix(line, "RUN "))
		}
	}
	i := slices.Index(run, "go")
	if i < 0 || len(run) < i+2 || run[i+1] != "build" {
		t.Fatalf("the build stage has no RUN … go build line: %q", run)
	}
	env, args := run[:i], run[i+2:]
	out := filepath.Join(t.TempDir(), "connectbot")
	if o := slices.Index(args, "-o"); o < 0 || o+1 >= len(args) {
		t.Fatalf("go build has no -o: %q", args)
	} else {
		args[o+1] = out
	}
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %q with %q: %v\n%s", args, env, err, b)
	}

	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary is dynamically linked (%v): it would not start on distroless/static", p.Type)
		}
	}
	info, err := buildinfo.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for key, want := range map[string]string{"CGO_ENABLED": "0", "-trimpath": "true"} {
		if settings[key] != want {
			t.Errorf("build setting %s = %q, want %q (the Dockerfile's)", key, settings[key], want)
		}
	}
	// With -trimpath Go records no -ldflags; -s -w shows as no symbol
	// table and no DWARF.
	for _, s := range f.Sections {
		if s.Name == ".symtab" || strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			t.Errorf("the binary has %s: -ldflags=\"-s -w\" strips it", s.Name)
		}
	}
	if b, err := exec.Command(out, "help").Output(); err != nil || !strings.Contains(string(b), "serve") {
		t.Errorf("the binary does not run: %v\n%s", err, b)
	}
}
