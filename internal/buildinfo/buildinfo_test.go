package buildinfo_test

import (
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/buildinfo"
)

func TestParseReadsWhatTheToolchainStamped(t *testing.T) {
	stamped := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/connectbot/connectbot", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const sha = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name     string
		bi       *debug.BuildInfo
		want     buildinfo.Info
		released bool
	}{
		{"a release built from its tag", stamped("v1.2.0", "vcs.revision", sha, "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "false", "GOOS", "linux", "GOARCH", "arm64"),
			buildinfo.Info{Version: "v1.2.0", Commit: sha, Date: "2026-12-01T10:00:00Z", GoVersion: "go1.26.8", Platform: "linux/arm64"}, true},
		{"a release candidate", stamped("v1.3.0-rc.1", "vcs.revision", sha, "vcs.time", "2026-12-01T10:00:00Z"),
			buildinfo.Info{Version: "v1.3.0-rc.1", Commit: sha, Date: "2026-12-01T10:00:00Z", GoVersion: "go1.26.8", Platform: buildinfo.Unknown}, true},
		{"a commit after a tag (a pseudo-version)", stamped("v1.2.1-0.20261201100000-0123456789ab", "vcs.revision", sha, "vcs.time", "2026-12-01T10:00:00Z"),
			buildinfo.Info{Version: "v1.2.1-0.20261201100000-0123456789ab", Commit: sha, Date: "2026-12-01T10:00:00Z", GoVersion: "go1.26.8", Platform: buildinfo.Unknown}, false},
		{"a tree with uncommitted changes", stamped("v1.2.0+dirty", "vcs.revision", sha, "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "true"),
			buildinfo.Info{Version: "v1.2.0+dirty", Commit: sha, Date: "2026-12-01T10:00:00Z", Modified: true, GoVersion: "go1.26.8", Platform: buildinfo.Unknown}, false},
		{"a build without version control (go test, -buildvcs=false)", stamped("(devel)"),
			buildinfo.Info{Version: "(devel)", Commit: buildinfo.Unknown, Date: buildinfo.Unknown, GoVersion: "go1.26.8", Platform: buildinfo.Unknown}, false},
		{"go install of a tagged module (no VCS stamp)", stamped("v1.2.0"),
			buildinfo.Info{Version: "v1.2.0", Commit: buildinfo.Unknown, Date: buildinfo.Unknown, GoVersion: "go1.26.8", Platform: buildinfo.Unknown}, false},
		{"no build information at all", nil,
			buildinfo.Info{Version: buildinfo.Unknown, Commit: buildinfo.Unknown, Date: buildinfo.Unknown, GoVersion: buildinfo.Unknown, Platform: buildinfo.Unknown}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := buildinfo.Parse(tt.bi)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			if got.Released() != tt.released {
				t.Errorf("Released() = %v, want %v", got.Released(), tt.released)
			}
		})
	}
}
