// Package scaffold is the program repository `connectbot init` writes: the
// program's configuration with the policies' defaults, an empty
// applications/, the application form, a pull request template,
// CODEOWNERS, a README for the program team, Dependabot for the workflows'
// pins, and workflows that run a released connectbot through the action
// in connectbot's own repository, pinned by the commit of that release.
//
// A program made this way has no schema/: it is judged by the schema built
// into the connectbot its workflows pin, so the schema is versioned with
// the binary, and a new version is a pull request that moves the pin.
package scaffold

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/issueform"
)

// Action is the repository whose action.yml installs a released
// connectbot.
const Action = "connectbot/connectbot"

//go:embed all:program
var program embed.FS

// Pin is the release a program's workflows run: the commit of its tag in
// connectbot's repository (which action.yml at that commit installs) and
// the tag, written as the pin's comment for people and Dependabot.
type Pin struct {
	Commit  string
	Version string
}

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Check says what is wrong with p, if anything.
func (p Pin) Check() error {
	if !fullSHA.MatchString(p.Commit) {
		return fmt.Errorf("the pin %q is not a full commit SHA (40 hexadecimal digits)", p.Commit)
	}
	if !semver.IsValid(p.Version) || semver.Build(p.Version) != "" {
		return fmt.Errorf("the version %q is not a release tag like v1.2.0", p.Version)
	}
	return nil
}

// Uses is the pin as a workflow step writes it.
func (p Pin) Uses() string { return Action + "@" + p.Commit + " # " + p.Version }

// Options are what a new program is made with.
type Options struct {
	Pin Pin
	// Reviewers are the program team's GitHub logins; none leaves the
	// list empty, so nothing advances until someone sets it.
	Reviewers []string
	// Team is the CODEOWNERS owner of program.cue and .github/, like
	// @acme/program-team.
	Team string
}

// DefaultTeam is the placeholder owner when Options.Team is empty.
const DefaultTeam = "@your-org/program-team"

var team = regexp.MustCompile(`^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$`)

// File is one file of a new program, its path slash-separated.
type File struct {
	Path string
	Data []byte
}

// Files returns every file of a new program made with opts, sorted by
// path. program.cue is read back with the binary's schema, and the
// application form is made from it, so what is written validates.
func Files(opts Options) ([]File, error) {
	if err := opts.Pin.Check(); err != nil {
		return nil, err
	}
	if opts.Team == "" {
		opts.Team = DefaultTeam
	}
	if !team.MatchString(opts.Team) {
		return nil, fmt.Errorf("the team %q is not a GitHub owner like @acme or @acme/program-team", opts.Team)
	}
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	defaults, err := cat.Program(catalog.ProgramFile, nil)
	if err != nil {
		return nil, fmt.Errorf("the schema's defaults: %w", err)
	}
	defaults.Reviewers = opts.Reviewers
	replace := strings.NewReplacer(
		"{connectbot-action}", opts.Pin.Uses(),
		"{version}", opts.Pin.Version,
		"{commit}", opts.Pin.Commit,
		"{team}", opts.Team,
	)
	var files []File
	err = fs.WalkDir(program, "program", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := program.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "program/")
		text := replace.Replace(string(b))
		if rel == catalog.ProgramFile {
			text = programValues(defaults).Replace(text)
		}
		files = append(files, File{Path: rel, Data: []byte(text)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return withForm(cat, files)
}

// withForm reads program.cue back and adds the application form made from
// it, and sorts the files by path.
func withForm(cat *catalog.Catalog, files []File) ([]File, error) {
	i := slices.IndexFunc(files, func(f File) bool { return f.Path == catalog.ProgramFile })
	if i < 0 {
		return nil, fmt.Errorf("the scaffold has no %s", catalog.ProgramFile)
	}
	cfg, err := cat.Program(catalog.ProgramFile, files[i].Data)
	if err != nil {
		return nil, fmt.Errorf("the new program.cue does not validate: %w", err)
	}
	forms, err := issueform.Templates(cfg)
	if err != nil {
		return nil, err
	}
	for _, g := range forms {
		files = append(files, File{Path: g.Path, Data: g.Content})
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// programValues replaces the placeholders of program.cue with cfg's values,
// each written as CUE.
func programValues(cfg application.Config) *strings.Replacer {
	ints := func(v []int) string {
		s := make([]string, len(v))
		for i, n := range v {
			s[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	return strings.NewReplacer(append(issueform.NumberPairs(cfg),
		"{reminderDays}", ints(cfg.ReminderDays),
		"{reminderCatchUpDays}", strconv.Itoa(cfg.ReminderCatchUpDays),
		"{maxNewApplicationsPerPullRequest}", strconv.Itoa(cfg.MaxNewApplications),
		"{maxAnnotationsPerCheck}", strconv.Itoa(cfg.MaxAnnotations),
		"{reviewers}", cueStrings(cfg.Reviewers),
		"{brandTerms}", cueStrings(cfg.BrandTerms),
		"{brandAliases}", cueStrings(cfg.BrandAliases),
		"{platformDomains}", cueStrings(cfg.PlatformDomains),
		"{protectedNames}", cueStrings(cfg.ProtectedNames),
		"{documentationDomains}", cueString(cfg.DocumentationDomains),
	)...)
}

// cueStrings writes a list of strings as CUE.
func cueStrings(v []string) string {
	s := make([]string, len(v))
	for i, e := range v {
		s[i] = cueString(e)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// cueString writes a string as CUE, whose strings are JSON's.
func cueString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
