// Package buildinfo says which connectbot a binary is: its module version,
// the commit it was built from, that commit's date and the Go that built
// it, all read from the build information the Go toolchain stamps into
// every binary (runtime/debug). Nothing is set by the linker: a release
// built by GoReleaser from a tag, `go build` in a checkout and `go install
// …@version` each carry what the toolchain knows, and nothing else.
package buildinfo

import (
	"fmt"
	"runtime/debug"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Unknown is what a field holds when the binary does not say.
const Unknown = "unknown"

// Info is what a binary says about its build.
type Info struct {
	// Version is the main module's version: the tag a release was built
	// from (v1.2.0), a pseudo-version for a commit between tags, with
	// "+dirty" when the tree had uncommitted changes; "(devel)" when the
	// toolchain could not tell.
	Version string `json:"version"`
	// Commit is the full commit SHA (vcs.revision).
	Commit string `json:"commit"`
	// Date is the commit's time, RFC 3339 in UTC (vcs.time).
	Date string `json:"date"`
	// Modified is whether the tree had uncommitted changes (vcs.modified).
	Modified bool `json:"modified"`
	// GoVersion is the toolchain that built the binary (go1.26.8).
	GoVersion string `json:"goVersion"`
	// Platform is GOOS/GOARCH of the binary.
	Platform string `json:"platform"`
}

// Read returns the running binary's build information.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Parse(nil)
	}
	return Parse(bi)
}

// Parse turns the toolchain's build information into an Info; nil (a
// binary built without module support) gives every field Unknown.
func Parse(bi *debug.BuildInfo) Info {
	info := Info{Version: Unknown, Commit: Unknown, Date: Unknown, GoVersion: Unknown, Platform: Unknown}
	if bi == nil {
		return info
	}
	if bi.Main.Version != "" {
		info.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.Date = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if goos != "" && goarch != "" {
		info.Platform = goos + "/" + goarch
	}
	return info
}

// Released reports whether the binary was built from a release tag with
// nothing changed: its version is a valid semantic version (v1.2.0,
// v1.2.0-rc.1) that is not a pseudo-version and not "+dirty", and its
// commit is known.
func (i Info) Released() bool {
	return i.Commit != Unknown && !i.Modified && semver.IsValid(i.Version) &&
		semver.Build(i.Version) == "" && !module.IsPseudoVersion(i.Version)
}

// String is what `connectbot version` prints, a field a line.
func (i Info) String() string {
	commit := i.Commit
	if i.Modified {
		commit += " (modified)"
	}
	return fmt.Sprintf("connectbot %s\ncommit %s\ndate %s\ngo %s\nplatform %s\n", i.Version, commit, i.Date, i.GoVersion, i.Platform)
}
