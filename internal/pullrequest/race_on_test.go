//go:build race

package pullrequest_test

// raceDetector is true when the tests run under the race detector. The
// seeded property tests then play fewer seeds: each step is sequential
// (the detector has nothing of theirs to find that a short play does not
// reach), and at full size under -race they take a quarter of an hour.
// CI runs them at full size without it.
const raceDetector = true
