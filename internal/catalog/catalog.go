// Package catalog loads application files and the program configuration and
// validates them against connectbot's CUE schema. It is the only package that
// imports CUE: everything after it works on the plain Go values of
// internal/application.
//
// Every application file is untrusted input. Before CUE sees a file, a guard
// refuses anything that is not plain data of a bounded size and shape (CUE
// has no cancellation: a few hundred bytes of disjunctions can take minutes).
// Each file is evaluated in an evaluation context that holds nothing of any
// other file's data, and the schema always comes from the binary or from a
// trusted tree such as the base branch, never from the files under test.
package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"golang.org/x/sync/errgroup"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/schema"
)

// Catalog validates files against one schema. It is safe for concurrent use.
type Catalog struct {
	// schema is the schema's source files, parsed afresh for each
	// evaluation context: building an instance mutates the syntax tree, so
	// trees are never shared between contexts.
	schema []schemaFile
	limits Limits
	// Workers is how many files are evaluated at once; 0 means GOMAXPROCS.
	Workers int
	// FilesPerContext is how many files one evaluation context judges
	// before it is dropped for a fresh one; 0 means DefaultFilesPerContext.
	FilesPerContext int
}

// DefaultFilesPerContext bounds a context's growth (about 30 KB per file)
// while building the schema, which costs about three files' evaluation,
// rarely enough not to matter.
const DefaultFilesPerContext = 256

// Default returns a Catalog for the schema embedded in the binary.
func Default() (*Catalog, error) {
	return New(schema.Files, DefaultLimits)
}

// New parses the schema's .cue files in fsys (its root directory) and checks
// that it builds. The parsed schema is kept and built afresh in each
// evaluation context.
func New(fsys fs.FS, lim Limits) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.cue")
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("schema: no .cue files")
	}
	c := &Catalog{limits: lim}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		c.schema = append(c.schema, schemaFile{"schema/" + name, src})
	}
	if _, err := c.newEvaluator(full); err != nil {
		return nil, err
	}
	if _, err := c.newEvaluator(fast); err != nil {
		return nil, err
	}
	return c, nil
}

// schemaFile is one source file of the schema.
type schemaFile struct {
	name string
	src  []byte
}

// evaluator is one CUE context with the schema built into it. A context
// grows with every value built in it, so a long run uses a fresh evaluator
// per file.
type evaluator struct {
	ctx     *cue.Context
	app     cue.Value
	program cue.Value
}

func (c *Catalog) newEvaluator(v variant) (*evaluator, error) {
	ctx := cuecontext.New()
	inst := build.NewContext().NewInstance("schema", nil)
	for _, sf := range c.schema {
		var opts []parser.Option
		if v == editor {
			opts = append(opts, parser.ParseComments) // the docs an editor shows
		}
		f, err := parser.ParseFile(sf.name, sf.src, opts...)
		if err != nil {
			return nil, fmt.Errorf("schema: %s", oneLine(err.Error()))
		}
		switch v {
		case fast:
			f = withoutCustomErrors(f)
		case editor:
			f = withoutErrorCalls(f)
		}
		if err := inst.AddSyntax(f); err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
	}
	root := ctx.BuildInstance(inst)
	if err := root.Err(); err != nil {
		return nil, fmt.Errorf("schema: %s", oneLine(err.Error()))
	}
	e := &evaluator{
		ctx:     ctx,
		app:     root.LookupPath(cue.MakePath(cue.Def("Application"))),
		program: root.LookupPath(cue.MakePath(cue.Def("Program"))),
	}
	if !e.app.Exists() || !e.program.Exists() {
		return nil, errors.New("schema: #Application and #Program must both be defined")
	}
	return e, nil
}

// Application validates one application file's source against the schema
// and decodes it. Problems are findings on the returned File, never errors:
// a file that cannot be read as an application is still reported.
func (c *Catalog) Application(filePath string, src []byte) application.File {
	e, err := c.newEvaluator(fast)
	if err != nil {
		return internalFailure(filePath, err)
	}
	return c.judge(e, filePath, src, sourcePositions(filePath, src))
}

// judge validates one file with the fast evaluator e and, when the file
// fails the schema, again with the full schema for its custom messages.
func (c *Catalog) judge(e *evaluator, filePath string, src []byte, pos *positions) application.File {
	f := e.application(filePath, src, c.limits, pos)
	if f.App != nil || !hasRule(f.Findings, RuleSchema) {
		return f
	}
	full, err := c.newEvaluator(full)
	if err != nil {
		return internalFailure(filePath, err)
	}
	return full.application(filePath, src, c.limits, pos)
}

func hasRule(fs []application.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func internalFailure(filePath string, err error) application.File {
	return application.File{
		Path: filePath, Slug: application.SlugOf(filePath),
		Findings: []application.Finding{{
			Rule: RuleInternal, Severity: application.SeverityError,
			Message: "could not be checked: " + oneLine(err.Error()), Line: 1, Column: 1,
		}},
	}
}

func (e *evaluator) application(filePath string, src []byte, lim Limits, pos *positions) (file application.File) {
	file = application.File{Path: filePath, Slug: application.SlugOf(filePath)}
	defer func() {
		// CUE is a large evaluator fed with a stranger's file; if it ever
		// panics, that file fails and the run goes on.
		if r := recover(); r != nil {
			file = internalFailure(filePath, fmt.Errorf("evaluator panic: %v", r))
		}
	}()
	f, mended, ref := guardFixing(filePath, src, lim, true)
	if ref != nil {
		file.Findings = ref.findings()
		return file
	}
	file.Positions = pos
	v := e.ctx.BuildFile(f)
	if err := v.Err(); err != nil {
		file.Findings = tidy(append(schemaFindings(filePath, err, pos), mended...))
		return file
	}
	data := v
	v = e.app.Unify(data)
	if err := v.Validate(cue.Concrete(true)); err != nil {
		file.Findings = schemaFindings(filePath, e.allErrors(v, err), pos)
		file.Findings = append(file.Findings, e.unknownFields(data, pos)...)
		file.Findings = withoutMended(file.Findings, mended)
		e.advise(f, v, file.Findings)
		e.adviseMended(f, mended)
		if x, found := numberOutOfRange(f, pos); found {
			file.Findings = append(file.Findings, x)
		}
		file.Findings = tidy(append(file.Findings, mended...))
		if !mendedIn(mended, "program", "listing") {
			file.Clock = clockInputs(v, data)
		}
		file.Partial = partial(f, file.Findings)
		return file
	}
	if x, found := numberOutOfRange(f, pos); found {
		file.Findings = []application.Finding{x}
		return file
	}
	var app application.Application
	if err := decodeData(f, &app); err != nil {
		file.Findings = schemaFindings(filePath, err, pos)
		return file
	}
	if len(mended) > 0 {
		// The file is judged as it was evidently meant, but it is not
		// what was written: it fails, and only the policy rules read it.
		file.Findings = mended
		file.Partial = &app
		if !mendedIn(mended, "program", "listing") {
			file.Clock = clockInputs(v, data)
		}
		return file
	}
	file.App = &app
	return file
}

// partial decodes the parts of f that pass the schema: f without the
// values at the paths of findings (a mended value among them: it may not
// be what the schema wants either), or nil when a finding is about the
// whole file or what is left does not decode.
func partial(f *ast.File, findings []application.Finding) *application.Application {
	skip := map[string]bool{}
	for _, x := range findings {
		if x.Path == "" {
			return nil
		}
		skip[x.Path] = true
	}
	var app application.Application
	if decodeExcept(f, skip, &app) != nil {
		return nil
	}
	return &app
}

// mendedIn reports whether a mended value lies in one of the top-level
// fields named: the clocks do not read a value connectbot guessed.
func mendedIn(mended []application.Finding, names ...string) bool {
	for _, x := range mended {
		for _, n := range names {
			if x.Path == n || strings.HasPrefix(x.Path, n+".") || strings.HasPrefix(x.Path, n+"[") {
				return true
			}
		}
	}
	return false
}

// allErrors completes err, the result of validating the whole file, which
// holds only the first failing part: CUE stops descending where a struct
// has failed. Each top-level field is validated on its own, and fields the
// schema does not know are asked of the schema itself.
func (e *evaluator) allErrors(v cue.Value, err error) error {
	all := cueerrors.Promote(err, "")
	it, iterErr := v.Fields(cue.Optional(true))
	if iterErr != nil {
		return all
	}
	for it.Next() {
		if it.FieldType()&cue.OptionalConstraint != 0 {
			continue // not written in the file: an optional field owes nothing
		}
		if fieldErr := it.Value().Validate(cue.Concrete(true)); fieldErr != nil {
			all = cueerrors.Append(all, cueerrors.Promote(fieldErr, ""))
		}
	}
	return all
}

// clockInputs decodes the parts of a file that the program's clocks read —
// program and listing — when each passes the schema on its own, although
// the file as a whole does not: a file with an unrelated error keeps its
// clocks. v is the file unified with #Application, data the file alone. It
// returns nil when the program part is missing or fails, or a listing is
// written and fails: such inputs are unknown.
func clockInputs(v, data cue.Value) *application.Clock {
	var c application.Clock
	if !decodePart(v, data, "program", &c.Program) {
		return nil
	}
	if data.LookupPath(cue.ParsePath("listing")).Exists() {
		c.Listing = new(application.Listing)
		if !decodePart(v, data, "listing", c.Listing) {
			return nil
		}
	}
	return &c
}

// decodePart decodes the top-level field name of v into x when the file
// writes it and it passes the schema.
func decodePart(v, data cue.Value, name string, x any) bool {
	p := cue.ParsePath(name)
	if !data.LookupPath(p).Exists() {
		return false
	}
	part := v.LookupPath(p)
	return part.Validate(cue.Concrete(true)) == nil && part.Decode(x) == nil
}

// unknownFields reports the file's top-level fields that the schema does
// not allow.
func (e *evaluator) unknownFields(data cue.Value, pos application.Locator) []application.Finding {
	var out []application.Finding
	it, err := data.Fields()
	if err != nil {
		return nil
	}
	for it.Next() {
		if sel := it.Selector(); !e.app.Allows(sel) {
			name := sel.Unquoted()
			at := pos.Lookup(name)
			out = append(out, application.Finding{
				Rule: RuleSchema, Severity: application.SeverityError,
				Message: friendly("field not allowed", name), Path: name, Line: at.Line, Column: at.Column,
			})
		}
	}
	return out
}

// Applications loads the named files from fsys on every core and returns
// them in the order given. Each worker evaluates in a context of its own,
// replaced by a fresh one every FilesPerContext files, so memory stays flat
// however many files there are.
func (c *Catalog) Applications(fsys fs.FS, paths []string) []application.File {
	out := make([]application.File, len(paths))
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(paths)))
	// At most workers files are judged at once, so at most workers
	// evaluators are ever made and idle holds every one not in use.
	idle := make(chan *reused, workers)
	var g errgroup.Group
	g.SetLimit(workers)
	// A task is a run of files, so that a goroutine's stack, grown deep
	// by the evaluation, serves many; runs small enough that the workers
	// finish together.
	run := max(1, min(filesPerTask, len(paths)/(workers*4)))
	for lo := 0; lo < len(paths); lo += run {
		g.Go(func() error {
			for i := lo; i < min(lo+run, len(paths)); i++ {
				out[i] = c.application(fsys, paths[i], idle)
			}
			return nil
		})
	}
	g.Wait()
	return out
}

// filesPerTask is the most files one task of Applications judges.
const filesPerTask = 32

// reused is an evaluator and the files it has judged.
type reused struct {
	e    *evaluator
	used int
}

// application judges the file name of fsys with an idle evaluator, or a
// fresh one when none is idle or the idle one has judged FilesPerContext
// files, and leaves it idle again.
func (c *Catalog) application(fsys fs.FS, name string, idle chan *reused) application.File {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return internalFailure(name, err)
	}
	perContext := c.FilesPerContext
	if perContext <= 0 {
		perContext = DefaultFilesPerContext
	}
	var r *reused
	select {
	case r = <-idle:
	default:
	}
	if r == nil || r.used >= perContext {
		e, err := c.newEvaluator(fast)
		if err != nil {
			return internalFailure(name, err)
		}
		r = &reused{e: e}
	}
	r.used++
	defer func() { idle <- r }()
	// Positions are looked up in the tree again if ever needed, so the
	// source is not kept.
	pos := &positions{filename: name, read: func() ([]byte, error) { return fs.ReadFile(fsys, name) }}
	return c.judge(r.e, name, src, pos)
}
