package gitrepo_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/gitrepo"
)

// packShape describes the pull request a packServer offers: its head adds
// count near-identical blobs of size bytes each, all but the last outside
// applications/ and the last at applications/huge.cue. Near-identical
// blobs travel as deltas of each other, so the pack stays small however
// much it inflates to.
type packShape struct {
	count int
	size  int
}

// inflated is what the pull request's blobs add up to, in bytes.
func (p packShape) inflated() int64 { return int64(p.count) * int64(p.size) }

// packServer is a repository served by git's own http-backend (the same
// program GitHub's servers descend from), so that building the pack costs
// the test process no memory: main holds a small program, and
// refs/pull/1/head adds the blobs of a packShape.
type packServer struct {
	url  string
	main string // SHA of main
	head string // SHA of refs/pull/1/head
}

// newPackServer writes the repository's objects as one pack, has git
// index it and serves it over smart HTTP on loopback. git's upload-pack
// sends the blobs as the deltas they are stored as, so serving costs
// little time. It skips the test when git is missing.
func newPackServer(tb testing.TB, shape packShape) *packServer {
	tb.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		tb.Skip("the git program is not installed; the pack tests need it to serve packs")
	}
	execPath, err := exec.Command(gitBin, "--exec-path").Output()
	if err != nil {
		tb.Skipf("git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		tb.Skipf("git-http-backend is not installed: %v", err)
	}

	root := tb.TempDir()
	dir := filepath.Join(root, "program.git")
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "HOME=" + root, "PATH=" + os.Getenv("PATH")}
	run := func(args ...string) {
		tb.Helper()
		cmd := exec.Command(gitBin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("init", "--quiet", "--bare", "--initial-branch=main", dir)
	pack, s := buildPack(tb, shape)
	name := filepath.Join(dir, "objects", "pack", "pack-fixture.pack")
	if err := os.WriteFile(name, pack, 0o644); err != nil {
		tb.Fatal(err)
	}
	run("--git-dir", dir, "index-pack", name)
	run("--git-dir", dir, "update-ref", "refs/heads/main", s.main)
	run("--git-dir", dir, "update-ref", "refs/pull/1/head", s.head)

	h := &cgi.Handler{
		Path: backend,
		Root: "/",
		Env:  append(env, "GIT_PROJECT_ROOT="+root, "GIT_HTTP_EXPORT_ALL=1"),
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	s.url = srv.URL + "/program.git"
	tb.Logf("a pack of %.1f KiB inflating to %d MiB", float64(len(pack))/1024, shape.inflated()>>20)
	return s
}

// buildPack writes the pack of a packServer's repository: main holds a
// small program; the pull request adds the shape's blobs, the first whole
// and every other one as a delta of it, like the packs git sends.
func buildPack(tb testing.TB, shape packShape) ([]byte, *packServer) {
	tb.Helper()
	var p packWriter
	sto := memory.NewStorage()
	small := func(content string) plumbing.Hash {
		o := sto.NewEncodedObject()
		o.SetType(plumbing.BlobObject)
		w, _ := o.Writer()
		io.WriteString(w, content)
		w.Close()
		p.object(tb, o)
		return o.Hash()
	}
	tree := func(entries ...object.TreeEntry) plumbing.Hash {
		slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(a.Name, b.Name) })
		o := sto.NewEncodedObject()
		if err := (&object.Tree{Entries: entries}).Encode(o); err != nil {
			tb.Fatal(err)
		}
		p.object(tb, o)
		return o.Hash()
	}
	file := func(name string, h plumbing.Hash) object.TreeEntry {
		return object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h}
	}
	dir := func(name string, h plumbing.Hash) object.TreeEntry {
		return object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
	}
	commit := func(msg string, tree plumbing.Hash, parents ...plumbing.Hash) plumbing.Hash {
		sig := object.Signature{Name: "Seeder", Email: "seed@example.com", When: when}
		o := sto.NewEncodedObject()
		c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: parents}
		if err := c.Encode(o); err != nil {
			tb.Fatal(err)
		}
		p.object(tb, o)
		return o.Hash()
	}

	program := small("minInstalls: 10\n")
	schema := tree(file("application.cue", small("#Application: company: name: string\n")))
	acme := small("company: name: \"Acme Software Ltd\"\n")
	main := commit("Seed the program\n", tree(
		file("program.cue", program), dir("schema", schema), dir("applications", tree(file("acme.cue", acme)))))

	var assets, apps []object.TreeEntry
	base := p.offset()
	for i := range shape.count {
		h := p.bigBlob(tb, i, shape.size, base)
		if i == shape.count-1 {
			apps = append(apps, file("huge.cue", h))
		} else {
			assets = append(assets, file(fmt.Sprintf("blob-%02d.bin", i), h))
		}
	}
	apps = append(apps, file("acme.cue", acme), file("mallory.cue", small("company: name: \"Mallory\"\n")))
	root := []object.TreeEntry{file("program.cue", program), dir("schema", schema), dir("applications", tree(apps...))}
	if len(assets) > 0 {
		root = append(root, dir("assets", tree(assets...)))
	}
	head := commit("Add a few files\n", tree(root...), main)
	return p.finish(), &packServer{main: main.String(), head: head.String()}
}

// packWriter writes the entries of a pack, and then the pack.
type packWriter struct {
	entries bytes.Buffer
	count   uint32
}

// Types of pack entries.
const (
	packBlob     = 3
	packOFSDelta = 6
)

// offset is where the next entry starts in the pack.
func (p *packWriter) offset() int64 { return 12 + int64(p.entries.Len()) }

// header writes an entry's type and size.
func (p *packWriter) header(typ byte, size int64) {
	c := typ<<4 | byte(size&15)
	for size >>= 4; size > 0; size >>= 7 {
		p.entries.WriteByte(c | 0x80)
		c = byte(size & 0x7f)
	}
	p.entries.WriteByte(c)
	p.count++
}

// deflate writes what data writes, compressed, as the rest of an entry.
func (p *packWriter) deflate(tb testing.TB, data func(io.Writer)) {
	z, _ := zlib.NewWriterLevel(&p.entries, zlib.BestSpeed)
	data(z)
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
}

// object writes o whole.
func (p *packWriter) object(tb testing.TB, o plumbing.EncodedObject) {
	p.header(byte(o.Type()), o.Size())
	r, err := o.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	p.deflate(tb, func(w io.Writer) { io.Copy(w, r) })
}

// bigBlob writes blob i of size bytes, "blob <i>" on a line and then
// zeros, whole if it is the first and else as a delta of the blob written
// at base, and returns its hash.
func (p *packWriter) bigBlob(tb testing.TB, i, size int, base int64) plumbing.Hash {
	line := fmt.Sprintf("blob %03d\n", i)
	zeros := make([]byte, 1<<20)
	content := func(w io.Writer) {
		io.WriteString(w, line)
		for left := size - len(line); left > 0; left -= len(zeros) {
			w.Write(zeros[:min(left, len(zeros))])
		}
	}
	// Plain SHA-1, quicker than go-git's collision-detecting one.
	hasher := sha1.New()
	fmt.Fprintf(hasher, "blob %d\x00", size)
	content(hasher)
	sum := plumbing.Hash(hasher.Sum(nil))
	if i == 0 {
		p.header(packBlob, int64(size))
		p.deflate(tb, content)
		return sum
	}
	// The delta: both sizes, an insert of its own line, then copies of the
	// base's zeros, 8 MiB at a time.
	var d []byte
	d = binary.AppendUvarint(d, uint64(size))
	d = binary.AppendUvarint(d, uint64(size))
	d = append(d, byte(len(line)))
	d = append(d, line...)
	for off := len(line); off < size; off += 8 << 20 {
		n := min(size-off, 8<<20)
		d = append(d, 0xff, byte(off), byte(off>>8), byte(off>>16), byte(off>>24), byte(n), byte(n>>8), byte(n>>16))
	}
	p.delta(tb, base, d)
	return sum
}

// delta writes a delta of the entry at base, made of the instructions d.
func (p *packWriter) delta(tb testing.TB, base int64, d []byte) {
	rel := p.offset() - base
	p.header(packOFSDelta, int64(len(d)))
	ofs := []byte{byte(rel & 0x7f)}
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		ofs = append([]byte{0x80 | byte(rel&0x7f)}, ofs...)
	}
	p.entries.Write(ofs)
	p.deflate(tb, func(w io.Writer) { w.Write(d) })
}

// raw writes an entry of type typ declaring size bytes, holding content.
func (p *packWriter) raw(tb testing.TB, typ byte, size int64, content []byte) {
	p.header(typ, size)
	p.deflate(tb, func(w io.Writer) { w.Write(content) })
}

// finish returns the pack: header, entries and checksum.
func (p *packWriter) finish() []byte {
	var pack bytes.Buffer
	pack.WriteString("PACK")
	binary.Write(&pack, binary.BigEndian, [2]uint32{2, p.count})
	pack.Write(p.entries.Bytes())
	sum := sha1.Sum(pack.Bytes())
	pack.Write(sum[:])
	return pack.Bytes()
}

// heapPeak samples the heap while it runs, and reports the most that was
// in use.
type heapPeak struct {
	stop  chan struct{}
	done  chan struct{}
	gcWas int
	mu    sync.Mutex
	peak  uint64
}

// measureGCPercent is the collector's target while a peak is measured. With
// the default of 100 the heap may hold as much garbage as live data before a
// collection, so the peak swung from 92 to 152 MiB between runs of one fetch
// whose live data is 76 MiB; at 25 it measures what the fetch keeps.
const measureGCPercent = 25

// startHeapPeak collects garbage, then starts sampling every millisecond.
func startHeapPeak() *heapPeak {
	p := &heapPeak{stop: make(chan struct{}), done: make(chan struct{})}
	p.gcWas = debug.SetGCPercent(measureGCPercent)
	runtime.GC()
	go func() {
		defer close(p.done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			p.sample()
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// sample notes the heap in use now.
func (p *heapPeak) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.mu.Lock()
	p.peak = max(p.peak, ms.HeapInuse)
	p.mu.Unlock()
}

// Stop ends the sampling and returns the peak, in MiB.
func (p *heapPeak) Stop() float64 {
	p.sample()
	close(p.stop)
	<-p.done
	debug.SetGCPercent(p.gcWas)
	p.mu.Lock()
	defer p.mu.Unlock()
	return float64(p.peak) / (1 << 20)
}

// fetchPullPeak clones s the way serve does, fetches the pull request and
// returns the fetch's error and the heap's peak during clone and fetch.
func fetchPullPeak(tb testing.TB, s *packServer, opts gitrepo.CloneOptions) (float64, error) {
	tb.Helper()
	ctx := context.Background()
	peak := startHeapPeak()
	r, err := gitrepo.Clone(ctx, s.url, opts)
	if err != nil {
		peak.Stop()
		tb.Fatalf("clone: %v", err)
	}
	defer r.Close()
	head, err := r.FetchPull(ctx, 1)
	mib := peak.Stop()
	if err == nil && head != s.head {
		tb.Fatalf("FetchPull = %s, want %s", head, s.head)
	}
	return mib, errors.Join(err)
}

// hostileShape is the pull request of the issue: twenty near-identical
// 50 MiB blobs, a pack of well under a megabyte that inflates to 1 GiB.
var hostileShape = packShape{count: 20, size: 50 << 20}

// heavyShape is a pull request just within the limits: ten near-identical
// blobs of 15 MiB, under MaxFileSize each and 150 MiB in all.
var heavyShape = packShape{count: 10, size: 15 << 20}

// BenchmarkFetchHostilePack clones a repository and fetches a pull request
// whose pack inflates to 1 GiB (hostile) or to 150 MiB of objects each
// within the limits (heavy), reporting the heap's peak.
func BenchmarkFetchHostilePack(b *testing.B) {
	for _, shape := range []struct {
		name  string
		shape packShape
	}{{"hostile", hostileShape}, {"heavy", heavyShape}} {
		b.Run(shape.name, func(b *testing.B) {
			s := newPackServer(b, shape.shape)
			for _, mode := range []struct {
				name string
				opts gitrepo.CloneOptions
			}{{"memory", gitrepo.CloneOptions{}}, {"disk", gitrepo.CloneOptions{OnDisk: true}}} {
				b.Run(mode.name, func(b *testing.B) {
					var worst float64
					for b.Loop() {
						mib, err := fetchPullPeak(b, s, mode.opts)
						if err != nil {
							b.Log(err)
						}
						worst = max(worst, mib)
					}
					b.ReportMetric(worst, "peak-heap-MB")
					if rss, ok := fetchPullRSS(b, s, mode.opts.OnDisk); ok {
						b.ReportMetric(rss, "peak-rss-MB")
					}
				})
			}
		})
	}
}

// fetchPullRSS runs fetchPullPeak in a process of its own (this test
// binary, running TestFetchPullInAProcess) and returns the most memory
// that process ever had resident, in MiB, from Linux's VmHWM. It reports
// false where there is no /proc.
func fetchPullRSS(tb testing.TB, s *packServer, onDisk bool) (float64, bool) {
	tb.Helper()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		return 0, false
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFetchPullInAProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "GITREPO_FETCH_URL="+s.url, "GITREPO_FETCH_HEAD="+s.head, fmt.Sprintf("GITREPO_FETCH_ON_DISK=%t", onDisk))
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("the fetch in a process of its own: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if _, kb, ok := strings.Cut(line, "VmHWM:"); ok {
			var n float64
			if _, err := fmt.Sscanf(strings.TrimSpace(kb), "%f kB", &n); err == nil {
				return n / 1024, true
			}
		}
	}
	tb.Fatalf("no VmHWM in the output of the fetch in a process of its own:\n%s", out)
	return 0, false
}

// TestFetchPullInAProcess is run by fetchPullRSS in a process of its own:
// it clones, fetches the pull request and prints the peak of its resident
// memory. It does nothing when run with the other tests.
func TestFetchPullInAProcess(t *testing.T) {
	url := os.Getenv("GITREPO_FETCH_URL")
	if url == "" {
		t.Skip("run by the benchmarks in a process of its own")
	}
	s := &packServer{url: url, head: os.Getenv("GITREPO_FETCH_HEAD")}
	_, err := fetchPullPeak(t, s, gitrepo.CloneOptions{OnDisk: os.Getenv("GITREPO_FETCH_ON_DISK") == "true"})
	t.Logf("fetch: %v", err)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Print(line)
		}
	}
}

func TestCheckPack(t *testing.T) {
	blob := func(size int) []byte { return bytes.Repeat([]byte("x"), size) }
	// grow is a delta making an object of n bytes from a 512-byte base.
	grow := func(n int) []byte {
		d := binary.AppendUvarint(nil, 512)
		d = binary.AppendUvarint(d, uint64(n))
		for range n / 512 {
			d = append(d, 0x90, 0x00, 0x02) // copy 512 bytes from offset 0
		}
		return d
	}
	tests := []struct {
		name  string
		write func(tb testing.TB, p *packWriter)
		pack  func(p *packWriter) []byte // default: p.finish
		want  string                     // the error; "" for none
	}{{
		name: "a pack within its limits passes, deltas and all",
		write: func(tb testing.TB, p *packWriter) {
			base := p.offset()
			p.raw(tb, packBlob, 512, blob(512))
			p.delta(tb, base, grow(1024))
		},
	}, {
		name:  "a blob over the limit for one object is refused from its header",
		write: func(tb testing.TB, p *packWriter) { p.raw(tb, packBlob, 2048, blob(2048)) },
		want:  "refused the pack: object 1 of 1 is a blob of 2 KiB, over the 1 KiB limit: file too large",
	}, {
		name: "a small delta making an object over the limit is refused from its sizes",
		write: func(tb testing.TB, p *packWriter) {
			base := p.offset()
			p.raw(tb, packBlob, 512, blob(512))
			p.delta(tb, base, grow(4096))
		},
		want: "refused the pack: object 2 of 2 is a delta making an object of 4 KiB, over the 1 KiB limit: file too large",
	}, {
		name: "objects adding up to more than the limit for a fetch are refused",
		write: func(tb testing.TB, p *packWriter) {
			for range 5 {
				p.raw(tb, packBlob, 1000, blob(1000))
			}
		},
		want: "refused the pack: its objects inflate to more than the 4 KiB one fetch may bring (passed at object 5 of 5): file too large",
	}, {
		name:  "an object inflating past its declared size is malformed",
		write: func(tb testing.TB, p *packWriter) { p.raw(tb, packBlob, 5, blob(10)) },
		want:  "malformed pack: object 1 inflates to 6 bytes, not the 5 its header declares",
	}, {
		name:  "a pack claiming too many objects is refused from its header",
		write: func(tb testing.TB, p *packWriter) { p.count = 1 << 30 },
		want:  "refused the pack: it holds 1073741824 objects, over the limit of 200000: file too large",
	}, {
		name:  "a cut pack is malformed",
		write: func(tb testing.TB, p *packWriter) { p.raw(tb, packBlob, 512, blob(512)) },
		pack:  func(p *packWriter) []byte { b := p.finish(); return b[:len(b)/2] },
		want:  "malformed pack: object 1: unexpected EOF",
	}, {
		name:  "something else than a pack is malformed",
		write: func(tb testing.TB, p *packWriter) {},
		pack:  func(p *packWriter) []byte { return []byte("<html>Service unavailable</html>") },
		want:  "malformed pack: no PACK signature",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p packWriter
			tt.write(t, &p)
			pack := p.finish
			if tt.pack != nil {
				pack = func() []byte { return tt.pack(&p) }
			}
			err := gitrepo.CheckPack(bytes.NewReader(pack()), 1024, 4096)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CheckPack error (-want +got):\n%s", diff)
			}
			if strings.HasPrefix(tt.want, "refused") && !errors.Is(err, gitrepo.ErrFileTooLarge) {
				t.Errorf("CheckPack error %v is not ErrFileTooLarge", err)
			}
			var refused *gitrepo.PackTooLargeError
			if errors.As(err, &refused) != strings.HasPrefix(tt.want, "refused") {
				t.Errorf("CheckPack error %v: a PackTooLargeError is %v, want one only for a refusal", err, refused)
			} else if refused != nil {
				want := strings.TrimSuffix(strings.TrimPrefix(tt.want, "refused the pack: "), ": file too large")
				if diff := cmp.Diff(want, refused.Reason); diff != "" {
					t.Errorf("the refusal's reason (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// maxPeakHeapMiB is the most heap a clone and fetch of a pull request may
// use, however much its pack inflates to.
const maxPeakHeapMiB = 150

func TestFetchPullRefusesHostilePack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves a pack that inflates to 1 GiB")
	}
	s := newPackServer(t, hostileShape)
	for _, mode := range []struct {
		name string
		opts gitrepo.CloneOptions
	}{
		{"in memory", gitrepo.CloneOptions{}},
		{"on disk", gitrepo.CloneOptions{OnDisk: true}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			ctx := context.Background()
			peak := startHeapPeak()
			r, err := gitrepo.Clone(ctx, s.url, mode.opts)
			if err != nil {
				peak.Stop()
				t.Fatal(err)
			}
			_, err = r.FetchPull(ctx, 1)
			mib := peak.Stop()
			t.Logf("peak heap %.1f MiB", mib)
			want := "fetch pull request 1: refused the pack: object 4 of 25 is a blob of 50 MiB, over the 16 MiB limit: file too large"
			if diff := cmp.Diff(want, fmt.Sprint(err)); diff != "" {
				t.Errorf("FetchPull error (-want +got):\n%s", diff)
			}
			if !errors.Is(err, gitrepo.ErrFileTooLarge) {
				t.Errorf("FetchPull error %v is not ErrFileTooLarge", err)
			}
			var refused *gitrepo.PackTooLargeError
			if !errors.As(err, &refused) || refused.Reason != "object 4 of 25 is a blob of 50 MiB, over the 16 MiB limit" {
				t.Errorf("FetchPull error %v does not carry the refusal's reason: %+v", err, refused)
			}
			if mib > maxPeakHeapMiB {
				t.Errorf("the heap peaked at %.0f MiB, over %d MiB", mib, maxPeakHeapMiB)
			}
			// Nothing of the refused pack was kept, and the base is still there.
			if _, err := r.Resolve("refs/remotes/origin/pull/1"); !errors.Is(err, gitrepo.ErrNotFound) {
				t.Errorf("Resolve the pull request after the refusal: %v, want ErrNotFound", err)
			}
			if got := mustResolve(t, r, "main"); got != s.main {
				t.Errorf("main = %s, want %s", got, s.main)
			}
			if spooled, _ := filepath.Glob(filepath.Join(tmp, "*", "incoming-*")); len(spooled) > 0 {
				t.Errorf("spool files left behind: %v", spooled)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("Close left %v in the temporary directory", left)
			}
		})
	}
}

func TestFetchPullBoundsHeavyPack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves a pack that inflates to 150 MiB")
	}
	s := newPackServer(t, heavyShape)
	ctx := context.Background()

	t.Run("on disk, a pack within the limits is fetched with a bounded heap", func(t *testing.T) {
		peak := startHeapPeak()
		r, err := gitrepo.Clone(ctx, s.url, gitrepo.CloneOptions{OnDisk: true})
		if err != nil {
			peak.Stop()
			t.Fatal(err)
		}
		defer r.Close()
		head, err := r.FetchPull(ctx, 1)
		mib := peak.Stop()
		t.Logf("peak heap %.1f MiB", mib)
		if err != nil {
			t.Fatal(err)
		}
		if head != s.head {
			t.Errorf("FetchPull = %s, want %s", head, s.head)
		}
		if mib > maxPeakHeapMiB {
			t.Errorf("the heap peaked at %.0f MiB, over %d MiB", mib, maxPeakHeapMiB)
		}
		tree, err := r.Tree(head)
		if err != nil {
			t.Fatal(err)
		}
		b, err := fs.ReadFile(tree, "applications/mallory.cue")
		if diff := cmp.Diff("company: name: \"Mallory\"\n", string(b)); diff != "" || err != nil {
			t.Errorf("applications/mallory.cue: %v (-want +got):\n%s", err, diff)
		}
		fi, err := fs.Stat(tree, "applications/huge.cue")
		if err != nil || fi.Size() != int64(heavyShape.size) {
			t.Errorf("Stat applications/huge.cue = %v, %v; want %d bytes", fi, err, heavyShape.size)
		}
	})

	t.Run("a pack inflating to more than MaxFetchSize is refused", func(t *testing.T) {
		r, err := gitrepo.Clone(ctx, s.url, gitrepo.CloneOptions{OnDisk: true, MaxFetchSize: 64 << 20})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		_, err = r.FetchPull(ctx, 1)
		want := "fetch pull request 1: refused the pack: its objects inflate to more than the 64 MiB one fetch may bring (passed at object 10 of 15): file too large"
		if diff := cmp.Diff(want, fmt.Sprint(err)); diff != "" {
			t.Errorf("FetchPull error (-want +got):\n%s", diff)
		}
	})
}
