package plaintext_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/plaintext"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept", "Acme Sync", "Acme Sync"},
		{"line breaks become one space", "Acme\r\nSync\n\nPro", "Acme Sync Pro"},
		{"tabs and unicode line separators become a space", "Acme\tSync\u2028Pro\u2029X\u0085Y", "Acme Sync Pro X Y"},
		{"the ends are trimmed", "  \n Acme \t", "Acme"},
		{"C0 controls and DEL are dropped", "Ac\x00m\x07e\x1b[31m Sync\x7f", "Acme[31m Sync"},
		{"C1 controls are dropped", "Acme\u009b31m Sync", "Acme31m Sync"},
		{"bidirectional overrides and isolates are dropped", "Acme \u202egnp.exe\u202c \u2066x\u2069 \u200fy", "Acme gnp.exe x y"},
		{"bytes that are not UTF-8 are dropped", "Ac\xffme", "Acme"},
		{"letters of any script stay", "Société Générale — 日本語 🚀", "Société Générale — 日本語 🚀"},
		{"nothing but controls is empty", "\x00\u202e\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, plaintext.Line(tt.in)); diff != "" {
				t.Errorf("Line(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"a line that fits is kept", "Acme Sync", 9, "Acme Sync"},
		{"a longer line ends with an ellipsis within the limit", "Acme Sync Pro", 9, "Acme Syn…"},
		{"the spaces before the cut go", "Acme Sync Pro", 6, "Acme…"},
		{"characters are counted, not bytes", "ééééé", 4, "ééé…"},
		{"the line is made one line before it is measured", "Acme\n\n\n\nSync", 9, "Acme Sync"},
		{"a limit of one leaves the ellipsis", "Acme", 1, "…"},
		{"a limit of zero leaves nothing", "Acme", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, plaintext.Cut(tt.in, tt.max)); diff != "" {
				t.Errorf("Cut(%q, %d) (-want +got):\n%s", tt.in, tt.max, diff)
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"line breaks are kept as LF", "one\r\ntwo\rthree\u2028four", "one\ntwo\nthree\nfour"},
		{"tabs become spaces and line ends are trimmed", "a\tb \nc\t\n", "a b\nc"},
		{"controls and bidirectional overrides are dropped", "a\x1b[2J\u202eb\x00", "a[2Jb"},
		{"blank lines at the ends go, inner ones stay", "\n\nfirst\n\nsecond\n\n", "first\n\nsecond"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, plaintext.Text(tt.in)); diff != "" {
				t.Errorf("Text(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// FuzzLine checks what every caller relies on, for any input: one valid
// UTF-8 line without controls, within the limit, unchanged by a second
// pass.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"Acme Sync", "a\nb", "\u202e\x00\xff", strings.Repeat("é ", 200), "\r\n\t \u2028"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max%300 + 1
		if max < 1 {
			max += 300
		}
		line := plaintext.Line(s)
		for _, got := range []string{line, plaintext.Cut(s, max)} {
			if !utf8.ValidString(got) {
				t.Fatalf("%q is not UTF-8", got)
			}
			for _, r := range got {
				if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
					t.Fatalf("%q holds %U", got, r)
				}
			}
		}
		if n := utf8.RuneCountInString(plaintext.Cut(s, max)); n > max {
			t.Fatalf("Cut(%q, %d) has %d characters", s, max, n)
		}
		if again := plaintext.Line(line); again != line {
			t.Fatalf("Line is not idempotent: %q then %q", line, again)
		}
		for _, r := range plaintext.Text(s) {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) {
				t.Fatalf("Text(%q) holds %U", s, r)
			}
		}
	})
}

// BenchmarkCut measures a title made from a 300-character name with line
// breaks and a bidirectional override, the worst an application gives.
func BenchmarkCut(b *testing.B) {
	name := strings.Repeat("Acme Sync\n\u202e", 27)
	b.ReportAllocs()
	for b.Loop() {
		plaintext.Cut(name, plaintext.TitleMax)
	}
}
