package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/connectbot/connectbot/internal/buildinfo"
	"github.com/connectbot/connectbot/internal/scaffold"
)

// initCommand writes a new program repository into DIR: the files of
// internal/scaffold, with workflows pinned to this connectbot's release
// (or the one --pin and --version name). It never overwrites: when any of
// its files exists, it writes nothing and names that file.
func initCommand(flags *flag.FlagSet) runFunc {
	reviewers := flags.String("reviewers", "", "the program team's GitHub logins, comma-separated (program.cue's reviewers)")
	team := flags.String("team", "", "the owner of program.cue and .github/ in CODEOWNERS, like @acme/program-team")
	pin := flags.String("pin", "", "the commit of the connectbot release the workflows run (default: this binary's)")
	version := flags.String("version", "", "that release's tag, like v1.2.0 (default: this binary's)")
	return func(e *env, pos []string) int {
		if len(pos) != 1 {
			return e.failf(exitCantRun, "init: give the directory to write the program into, like: connectbot init acme-program")
		}
		p, err := releasePin(*pin, *version, buildinfo.Read())
		if err != nil {
			return e.failf(exitCantRun, "init: %v", err)
		}
		files, err := scaffold.Files(scaffold.Options{Pin: p, Reviewers: splitList(*reviewers), Team: *team})
		if err != nil {
			return e.failf(exitCantRun, "init: %v", err)
		}
		dir := pos[0]
		var existing []string
		for _, f := range files {
			path := filepath.Join(dir, filepath.FromSlash(f.Path))
			if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
				existing = append(existing, path)
			}
		}
		if len(existing) > 0 {
			more := ""
			if len(existing) > 1 {
				more = fmt.Sprintf(" (and %d more of the program's files)", len(existing)-1)
			}
			return e.failf(exitCantRun, "init: %s already exists%s; init never overwrites a file, so it wrote nothing", existing[0], more)
		}
		for _, f := range files {
			if err := createFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data); err != nil {
				return e.failf(exitCantRun, "init: %v", err)
			}
		}
		fmt.Fprintf(e.stdout, "wrote a program into %s, its workflows running connectbot %s (%s):\n", dir, p.Version, p.Commit)
		for _, f := range files {
			fmt.Fprintf(e.stdout, "  %s\n", f.Path)
		}
		fmt.Fprint(e.stdout, "next:\n")
		if *reviewers == "" {
			fmt.Fprint(e.stdout, "  set reviewers in program.cue: until then nobody can accept an application\n")
		}
		if *team == "" {
			fmt.Fprintf(e.stdout, "  replace %s in .github/CODEOWNERS with the program's team\n", scaffold.DefaultTeam)
		}
		fmt.Fprintf(e.stdout, "  cd %s && git init -b main && git add -A && git commit -m \"connectbot init\"\n", dir)
		fmt.Fprintf(e.stdout, "  push it to a new GitHub repository and follow \"Set it up\" in %s\n", filepath.ToSlash(filepath.Join(dir, "README.md")))
		return exitOK
	}
}

// releasePin is the release a new program runs: the one the flags name,
// or else this binary's, which must then be a release.
func releasePin(commit, version string, self buildinfo.Info) (scaffold.Pin, error) {
	switch {
	case commit != "" && version != "":
		return scaffold.Pin{Commit: commit, Version: version}, nil
	case commit != "" || version != "":
		return scaffold.Pin{}, errors.New("give --pin and --version together: a release's commit and its tag")
	case !self.Released():
		return scaffold.Pin{}, fmt.Errorf("this connectbot (version %s, commit %s) is not a release, so there is no release to pin: run a released connectbot, or give --pin COMMIT --version TAG of one", self.Version, self.Commit)
	}
	return scaffold.Pin{Commit: self.Commit, Version: self.Version}, nil
}

// splitList splits a comma-separated flag value, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// createFile writes a new file, making its directory, and fails with an
// error that is fs.ErrExist if the file exists (it may have appeared since
// it was looked for). A file it cannot write whole is removed: it never
// leaves half a file behind.
func createFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
	}
	return werr
}
