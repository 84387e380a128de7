package gitrepo

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
)

// DefaultMaxFetchSize is the most, in bytes, that the objects of one clone
// or fetch may inflate to when CloneOptions.MaxFetchSize is not set: many
// times what the program's whole history holds.
const DefaultMaxFetchSize = 256 << 20

// maxPackObjects is the most objects one pack may hold: indexing a pack
// costs a few hundred bytes of memory per object, whatever its size.
const maxPackObjects = 200_000

// PackTooLargeError is why a fetch refused a pack that brings more than a
// clone reads: an object over MaxFileSize, more than the fetch may bring
// in all, or too many objects. It is ErrFileTooLarge to errors.Is; a
// caller that tells a person why takes Reason with errors.As.
type PackTooLargeError struct {
	// Reason says what was over which limit, in words: "object 4 of 25 is
	// a blob of 50 MiB, over the 16 MiB limit".
	Reason string
}

// Error says that the pack was refused, and why.
func (e *PackTooLargeError) Error() string {
	return "refused the pack: " + e.Reason + ": " + ErrFileTooLarge.Error()
}

// Unwrap makes the refusal ErrFileTooLarge.
func (e *PackTooLargeError) Unwrap() error { return ErrFileTooLarge }

// packLimits bounds what one pack may bring in.
type packLimits struct {
	object  int64 // the largest object (or delta), inflated
	total   int64 // all objects together, inflated
	objects uint32
}

// guardedStorer stores a received pack only after reading it through,
// header by header, against its limits: an object too large is refused
// from the size its header declares, before a byte of it is inflated, and
// the download stops there. The pack is spooled to a temporary file while
// it is checked, so a refused pack never reaches the storage.
type guardedStorer struct {
	storage.Storer
	limits packLimits
	spool  string // directory of the spool files; "" is os.TempDir
}

// Init initialises the underlying storage, as git init does.
func (s *guardedStorer) Init() error {
	if i, ok := s.Storer.(storer.Initializer); ok {
		return i.Init()
	}
	return nil
}

// PackfileWriter returns the writer go-git copies a received pack into.
func (s *guardedStorer) PackfileWriter() (io.WriteCloser, error) {
	f, err := os.CreateTemp(s.spool, "incoming-*.pack")
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	w := &guardWriter{s: s, spool: f, pipe: pw, done: make(chan error, 1)}
	go func() {
		err := checkPack(bufio.NewReaderSize(pr, 64<<10), s.limits)
		if err == nil {
			_, err = io.Copy(io.Discard, pr) // whatever follows the trailer
		}
		pr.CloseWithError(err)
		w.done <- err
	}()
	return w, nil
}

// guardWriter is a pack being received: each write goes to the checker,
// then to the spool file.
type guardWriter struct {
	s     *guardedStorer
	spool *os.File
	pipe  *io.PipeWriter
	done  chan error
	n     int64
}

// Write passes p to the checker, and spools it if the checker has not
// refused the pack.
func (w *guardWriter) Write(p []byte) (int, error) {
	if _, err := w.pipe.Write(p); err != nil {
		return 0, err
	}
	n, err := w.spool.Write(p)
	w.n += int64(n)
	return n, err
}

// Close waits for the checker's verdict and, if the pack passed, stores
// it; the spool file is removed either way.
func (w *guardWriter) Close() error {
	w.pipe.Close()
	err := <-w.done
	defer os.Remove(w.spool.Name())
	defer w.spool.Close()
	if w.n == 0 {
		return nil // no pack: go-git reports it
	}
	if err != nil {
		return err
	}
	if _, err := w.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if pw, ok := w.s.Storer.(storer.PackfileWriter); ok {
		return packfile.WritePackfileToObjectStorage(pw, w.spool)
	}
	return packfile.UpdateObjectStorage(w.s.Storer, w.spool)
}

// Pack object types, as their headers number them.
const (
	packCommit   = 1
	packTree     = 2
	packBlob     = 3
	packTag      = 4
	packOFSDelta = 6
	packREFDelta = 7
)

// packTypeNames names the types of pack objects.
var packTypeNames = map[byte]string{
	packCommit: "commit", packTree: "tree", packBlob: "blob", packTag: "tag",
	packOFSDelta: "delta", packREFDelta: "delta",
}

// errMalformedPack marks a pack whose structure could not be read.
var errMalformedPack = errors.New("malformed pack")

// checkPack reads a whole pack from r, inflating each object into nothing
// only after its header (and, for a delta, the sizes at the start of its
// data) has shown that it is within limits.
func checkPack(r *bufio.Reader, limits packLimits) error {
	var head [12]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return fmt.Errorf("%w: header: %w", errMalformedPack, err)
	}
	if string(head[:4]) != "PACK" {
		return fmt.Errorf("%w: no PACK signature", errMalformedPack)
	}
	if v := binary.BigEndian.Uint32(head[4:8]); v != 2 && v != 3 {
		return fmt.Errorf("%w: version %d", errMalformedPack, v)
	}
	count := binary.BigEndian.Uint32(head[8:12])
	if count > limits.objects {
		return &PackTooLargeError{Reason: fmt.Sprintf("it holds %d objects, over the limit of %d", count, limits.objects)}
	}
	var z io.ReadCloser
	var total int64
	for i := range count {
		typ, size, err := readEntryHeader(r)
		if err != nil {
			return fmt.Errorf("%w: object %d: %w", errMalformedPack, i+1, err)
		}
		if err := checkSize(limits, i, count, packTypeNames[typ], size); err != nil {
			return err
		}
		if z == nil {
			z, err = zlib.NewReader(r)
		} else {
			err = z.(zlib.Resetter).Reset(r, nil)
		}
		if err != nil {
			return fmt.Errorf("%w: object %d: %w", errMalformedPack, i+1, err)
		}
		left := size
		inflated := size
		if typ == packOFSDelta || typ == packREFDelta {
			var n int64
			if _, n, err = readVarint(z); err == nil {
				left -= n
				inflated, n, err = readVarint(z) // the size of the object the delta makes
				left -= n
			}
			if err != nil || left < 0 {
				return fmt.Errorf("%w: object %d: delta sizes: %v", errMalformedPack, i+1, err)
			}
			if err := checkSize(limits, i, count, "delta making an object", inflated); err != nil {
				return err
			}
		}
		if total += inflated; total > limits.total {
			return &PackTooLargeError{Reason: fmt.Sprintf("its objects inflate to more than the %s one fetch may bring (passed at object %d of %d)",
				byteSize(limits.total), i+1, count)}
		}
		n, err := io.Copy(io.Discard, io.LimitReader(z, left+1))
		if err != nil {
			return fmt.Errorf("%w: object %d: %w", errMalformedPack, i+1, err)
		}
		if n != left {
			return fmt.Errorf("%w: object %d inflates to %d bytes, not the %d its header declares", errMalformedPack, i+1, size-left+n, size)
		}
	}
	if _, err := io.ReadFull(r, make([]byte, 20)); err != nil {
		return fmt.Errorf("%w: trailer: %w", errMalformedPack, err)
	}
	return nil
}

// checkSize refuses object i of count, of the kind named, if its size is
// over the limit for one object.
func checkSize(limits packLimits, i, count uint32, kind string, size int64) error {
	if size <= limits.object {
		return nil
	}
	return &PackTooLargeError{Reason: fmt.Sprintf("object %d of %d is a %s of %s, over the %s limit",
		i+1, count, kind, byteSize(size), byteSize(limits.object))}
}

// readEntryHeader reads an object's type and size, and for a delta the
// reference to its base, leaving r at the start of its compressed data.
func readEntryHeader(r *bufio.Reader) (typ byte, size int64, err error) {
	c, err := r.ReadByte()
	if err != nil {
		return 0, 0, err
	}
	typ = (c >> 4) & 7
	size = int64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if shift > 56 {
			return 0, 0, errors.New("size too long")
		}
		if c, err = r.ReadByte(); err != nil {
			return 0, 0, err
		}
		size |= int64(c&0x7f) << shift
	}
	switch typ {
	case packCommit, packTree, packBlob, packTag:
	case packOFSDelta:
		for i := 0; ; i++ {
			if c, err = r.ReadByte(); err != nil {
				return 0, 0, err
			}
			if c&0x80 == 0 {
				break
			}
			if i > 8 {
				return 0, 0, errors.New("delta offset too long")
			}
		}
	case packREFDelta:
		if _, err := r.Discard(20); err != nil {
			return 0, 0, err
		}
	default:
		return 0, 0, fmt.Errorf("unknown type %d", typ)
	}
	return typ, size, nil
}

// readVarint reads one of the sizes at the start of a delta: seven bits a
// byte, least significant first. It returns the value and the bytes read.
func readVarint(r io.Reader) (v, n int64, err error) {
	var b [1]byte
	for shift := 0; ; shift += 7 {
		if shift > 56 {
			return 0, n, errors.New("size too long")
		}
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, n, err
		}
		n++
		v |= int64(b[0]&0x7f) << shift
		if b[0]&0x80 == 0 {
			return v, n, nil
		}
	}
}

// byteSize writes n bytes for a person: "50.0 MiB", "64 KiB", "12 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
