package ghlimit_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/connectbot/connectbot/internal/ghlimit"
)

func TestCutChars(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{name: "text within the limit is unchanged", in: "abc", n: 3, want: "abc"},
		{name: "text over the limit ends with an ellipsis, the limit in all", in: "abcdef", n: 4, want: "abc…"},
		{name: "characters are counted, not bytes", in: "ééééé", n: 5, want: "ééééé"},
		{name: "a cut keeps whole characters", in: "ééééé", n: 3, want: "éé…"},
		{name: "a limit of one leaves only the ellipsis", in: "abc", n: 1, want: "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ghlimit.CutChars(tt.in, tt.n); got != tt.want {
				t.Errorf("CutChars(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestCutBytes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{name: "text within the limit is unchanged", in: "abc", n: 3, want: "abc"},
		{name: "text over the limit ends with an ellipsis, the limit in all", in: "abcdefgh", n: 6, want: "abc…"},
		{name: "bytes are counted, not characters", in: "éé", n: 3, want: "…"},
		{name: "a cut never splits a character", in: "aééé", n: 5, want: "a…"},
		{name: "a cut keeps every whole character that fits", in: "aééé", n: 6, want: "aé…"},
		{name: "a limit too small for the ellipsis leaves nothing", in: "abcdef", n: 2, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ghlimit.CutBytes(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("CutBytes(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if len(got) > tt.n || !utf8.ValidString(got) {
				t.Errorf("CutBytes(%q, %d) = %q: %d bytes, valid UTF-8 %v", tt.in, tt.n, got, len(got), utf8.ValidString(got))
			}
		})
	}
}

// TestCutBytesOfEmojiAtTheLimit cuts a text of four-byte characters at
// every byte count around GitHub's check output limit.
func TestCutBytesOfEmojiAtTheLimit(t *testing.T) {
	s := strings.Repeat("🙂", ghlimit.CheckOutputBytes/4+10)
	for n := ghlimit.CheckOutputBytes - 4; n <= ghlimit.CheckOutputBytes; n++ {
		got := ghlimit.CutBytes(s, n)
		if len(got) > n || !utf8.ValidString(got) || !strings.HasSuffix(got, ghlimit.Ellipsis) {
			t.Errorf("n=%d: %d bytes, valid %v", n, len(got), utf8.ValidString(got))
		}
	}
}
