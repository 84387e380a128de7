package workflows_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/semver"
)

// actionFile is the part of action.yml these tests read.
type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Run string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) actionFile {
	t.Helper()
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// TestTheActionInstallsTheTaggedRelease: the release a pinned commit of
// action.yml installs is its version input's default, a release tag; the
// release workflow runs this test with the tag it releases in
// CONNECTBOT_RELEASE_TAG, so a tag whose action.yml names another release
// is never released.
func TestTheActionInstallsTheTaggedRelease(t *testing.T) {
	version := readAction(t).Inputs["version"].Default
	if !semver.IsValid(version) || semver.Build(version) != "" {
		t.Errorf("action.yml installs %q by default, not a release tag like v1.2.0", version)
	}
	if tag := os.Getenv("CONNECTBOT_RELEASE_TAG"); tag != "" && tag != version {
		t.Errorf("the tag %s is being released, but action.yml at it installs %s: set inputs.version.default to %s in the tagged commit", tag, version, tag)
	}
}

// goreleaserFile is the part of .goreleaser.yaml the action depends on.
type goreleaserFile struct {
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Goos   []string `yaml:"goos"`
		Goarch []string `yaml:"goarch"`
		Env    []string `yaml:"env"`
		Flags  []string `yaml:"flags"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		NameTemplate    string   `yaml:"name_template"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Dockers []struct {
		Images []string `yaml:"images"`
		Tags   []string `yaml:"tags"`
	} `yaml:"dockers_v2"`
}

// readGoreleaser reads .goreleaser.yaml.
func readGoreleaser(t *testing.T) goreleaserFile {
	t.Helper()
	b, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var g goreleaserFile
	if err := yaml.Unmarshal(b, &g); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return g
}

// TestTheActionDownloadsWhatGoReleaserPublishes: the file names action.yml
// builds are those .goreleaser.yaml gives the archives and the checksums,
// for every system and architecture the action maps a runner to.
func TestTheActionDownloadsWhatGoReleaserPublishes(t *testing.T) {
	g := readGoreleaser(t)
	if len(g.Builds) != 1 || len(g.Archives) != 1 {
		t.Fatalf("%d builds and %d archives, want one of each", len(g.Builds), len(g.Archives))
	}
	build, archive := g.Builds[0], g.Archives[0]
	if diff := cmp.Diff([]string{"linux", "darwin", "windows"}, build.Goos); diff != "" {
		t.Errorf("systems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"amd64", "arm64"}, build.Goarch); diff != "" {
		t.Errorf("architectures (-want +got):\n%s", diff)
	}
	for _, want := range []string{"CGO_ENABLED=0"} {
		if !strings.Contains(strings.Join(build.Env, " "), want) {
			t.Errorf("the build's env lacks %s: the binaries would not be static", want)
		}
	}
	if !strings.Contains(strings.Join(build.Flags, " "), "-buildvcs=true") {
		t.Error("the build does not pass -buildvcs=true: `connectbot version` would not name its commit where GOFLAGS turns it off")
	}

	script := readAction(t).Runs.Steps[0].Run
	// The action's names, in GoReleaser's template language.
	if g.ProjectName != "connectbot" || archive.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" ||
		!strings.Contains(script, `archive="connectbot_${VERSION#v}_${os}_${arch}.${ext}"`) {
		t.Errorf("archive names: .goreleaser.yaml %q (project %q); action.yml must build the same", archive.NameTemplate, g.ProjectName)
	}
	if g.Checksum.NameTemplate != "checksums.txt" || g.Checksum.Algorithm != "sha256" || !strings.Contains(script, `"$RELEASE_URL/$VERSION/checksums.txt"`) ||
		!strings.Contains(script, "sha256sum") {
		t.Errorf("checksums: .goreleaser.yaml %q (%s); action.yml downloads checksums.txt and checks SHA-256", g.Checksum.NameTemplate, g.Checksum.Algorithm)
	}
	formats := map[string]string{}
	for _, goos := range build.Goos {
		formats[goos] = archive.Formats[0]
		for _, o := range archive.FormatOverrides {
			if o.Goos == goos {
				formats[goos] = o.Formats[0]
			}
		}
	}
	for goos, runnerOS := range map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"} {
		if want := runnerOS + ") os=" + goos + " ext=" + formats[goos]; !strings.Contains(script, want) {
			t.Errorf("action.yml does not map the runner system %s to %s archives (%q)", runnerOS, formats[goos], want)
		}
	}
	for goarch, runnerArch := range map[string]string{"amd64": "X64", "arm64": "ARM64"} {
		if want := runnerArch + ") arch=" + goarch; !strings.Contains(script, want) {
			t.Errorf("action.yml does not map the runner architecture %s to %s (%q)", runnerArch, goarch, want)
		}
	}
}

// TestTheReleaseImageRunsAsTheDockerfileDoes: the image GoReleaser
// builds from Dockerfile.release holds the binary it built for the
// image's platform, and runs it as the Dockerfile's run stage does: the
// same base, user, port, entry point and command.
func TestTheReleaseImageRunsAsTheDockerfileDoes(t *testing.T) {
	lines := func(path string) []string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
		return out
	}
	// The Dockerfile's last stage, from its FROM, without its COPY.
	var run []string
	for _, l := range lines("../../Dockerfile") {
		if strings.HasPrefix(l, "FROM ") {
			run = nil
		}
		if !strings.HasPrefix(l, "COPY ") {
			run = append(run, strings.TrimSuffix(l, " AS run"))
		}
	}
	var release []string
	for _, l := range lines("../../Dockerfile.release") {
		switch {
		case l == "ARG TARGETPLATFORM":
		case strings.HasPrefix(l, "COPY "):
			if l != "COPY $TARGETPLATFORM/connectbot /connectbot" {
				t.Errorf("Dockerfile.release copies %q, not the binary GoReleaser put under $TARGETPLATFORM", l)
			}
		default:
			release = append(release, l)
		}
	}
	if diff := cmp.Diff(run, release); diff != "" {
		t.Errorf("Dockerfile.release against the Dockerfile's run stage (-Dockerfile +Dockerfile.release):\n%s", diff)
	}
}

// TestKubernetesRunsAnImageTheReleasePublishes: the image and tag
// deploy/kubernetes/kustomization.yaml runs are ones a release publishes —
// GoReleaser's image, tagged as its tag template makes the version of the
// release this checkout's action.yml installs ("{{ .Version }}", the tag
// without its v) — so `kubectl apply -k` pulls an image that exists.
func TestKubernetesRunsAnImageTheReleasePublishes(t *testing.T) {
	g := readGoreleaser(t)
	if len(g.Dockers) != 1 || len(g.Dockers[0].Images) != 1 || len(g.Dockers[0].Tags) == 0 || g.Dockers[0].Tags[0] != "{{ .Version }}" {
		t.Fatalf("dockers_v2 %+v: want one image, tagged first with {{ .Version }}", g.Dockers)
	}
	b, err := os.ReadFile("../../deploy/kubernetes/kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		Images []struct {
			Name   string `yaml:"name"`
			NewTag string `yaml:"newTag"`
		} `yaml:"images"`
	}
	if err := yaml.Unmarshal(b, &k); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	// GoReleaser's .Version is the tag without its v prefix.
	version := strings.TrimPrefix(readAction(t).Inputs["version"].Default, "v")
	want := []string{g.Dockers[0].Images[0] + ":" + version}
	var got []string
	for _, im := range k.Images {
		got = append(got, im.Name+":"+im.NewTag)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the images kustomization.yaml runs against the release's (-release +kustomization):\n%s", diff)
	}
}
