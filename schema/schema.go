// Package schema embeds the CUE schema of connectbot: #Application (the
// documented application format), #Program (the program configuration, with
// the seed's numbers as defaults) and the scope catalogue. The binary always
// validates against this copy (or the base branch's), never against one a
// file under test could influence.
package schema

import "embed"

// Files holds the schema's CUE sources.
//
//go:embed *.cue
var Files embed.FS
