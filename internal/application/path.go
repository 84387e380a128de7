package application

import (
	"path"
	"strings"
)

// Dir is the directory of a program repository that holds the application
// files, one per integrator, directly in it.
const Dir = "applications"

// Ext is the extension of an application file.
const Ext = ".cue"

// Pattern is the path of an application file as a person reads it, with
// its slug left as <slug>: for messages and hints.
const Pattern = Dir + "/<slug>" + Ext

// Glob matches the application files of a program tree, for fs.Glob.
const Glob = Dir + "/*" + Ext

// PathOf returns the slash-separated path of the application file of slug,
// relative to the repository's root: applications/<slug>.cue.
func PathOf(slug string) string { return Dir + "/" + slug + Ext }

// SlugOf returns the slug of an application file: its file name without
// the extension. It takes a path or a bare file name.
func SlugOf(p string) string { return strings.TrimSuffix(path.Base(p), Ext) }

// IsPath reports whether p names an application file: applications/<name>.cue,
// directly in applications/.
func IsPath(p string) bool {
	return strings.HasPrefix(p, Dir+"/") && strings.HasSuffix(p, Ext) && strings.Count(p, "/") == 1
}

// InDir reports whether p is under applications/, at any depth: an
// application file or anything else placed there.
func InDir(p string) bool { return strings.HasPrefix(p, Dir+"/") }
