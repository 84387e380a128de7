package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// TestTuneGCLeavesTheCollectorRoomForALargeProgram guards the soft memory
// limit: below the live heap of a program of 10,000 applications (about
// 150 MiB while it is judged), the collector runs without pause and a
// reconcile costs five times its CPU.
func TestTuneGCLeavesTheCollectorRoomForALargeProgram(t *testing.T) {
	for _, name := range []string{"GOGC", "GOMEMLIMIT", "AUTOMEMLIMIT"} {
		t.Setenv(name, "") // restored after the test
		os.Unsetenv(name)
	}
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	})

	tuneGC([]string{"serve"})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after tuneGC for serve = %d, want Go's default 100", got)
	}
	tuneGC([]string{"reconcile"})
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GOGC after tuneGC for reconcile = %d, want 400", got)
	}
	memory, _ := processMemory()
	if limit, err := memlimit.FromCgroup(); err == nil && limit != memory {
		t.Errorf("processMemory = %d MiB, want the cgroup's limit %d MiB", memory>>20, limit>>20)
	}
	if got, want := debug.SetMemoryLimit(-1), int64(float64(memory)*0.9); got != want {
		t.Errorf("memory limit after tuneGC = %d MiB, want %d MiB (90%% of %d MiB)", got>>20, want>>20, memory>>20)
	}
	if defaultMemory*9/10 < 4*150<<20 {
		t.Errorf("defaultMemory %d MiB leaves a live heap of 150 MiB no room to grow fourfold", defaultMemory>>20)
	}
}

// TestProfileCPUWritesAProfileOfTheRun checks CONNECTBOT_CPUPROFILE's
// profile: written when asked (a gzipped protocol buffer, as pprof reads),
// nothing when not, and a path that cannot be written said on stderr
// without stopping the run.
func TestProfileCPUWritesAProfileOfTheRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	var stderr bytes.Buffer
	stop := profileCPU(path, &stderr)
	stop()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := gzip.NewReader(f); err != nil {
		t.Errorf("the profile is not gzipped as pprof writes it: %v", err)
	}

	profileCPU("", &stderr)()
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", stderr.String())
	}

	profileCPU(filepath.Join(t.TempDir(), "no", "such", "dir", "cpu.pprof"), &stderr)()
	if got := stderr.String(); !strings.HasPrefix(got, "connectbot: CPU profile: ") || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr = %q, want one line saying the profile could not start", got)
	}
}
