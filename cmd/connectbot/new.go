package main

func runNew(e *env, args []string) int {
	return e.failf(exitCantRun, "new: not yet")
}
