package catalog

import "cuelang.org/go/cue/token"

// cueTokenPos is CUE's source position.
type cueTokenPos = token.Pos
