package program

// FileVerdictOf is fileVerdictOf, for the tests.
var FileVerdictOf = fileVerdictOf
