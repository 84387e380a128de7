package markdown

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain words stay as they are", "Two-way contact sync", "Two-way contact sync"},
		{"a mention does not notify anyone", "ask @octocat or @acme/admins", "ask @\u200boctocat or @\u200bacme/admins"},
		{"an e-mail address is not linked", "help@acme.example", "help@\u200bacme.example"},
		{"an issue reference does not link", "fixes #12", "fixes #\u200b12"},
		{"a heading is not a heading", "# Approved by the program", "#\u200b Approved by the program"},
		{"a details element is shown as text", "<details><summary>ok</summary>x</details>",
			"&lt;details&gt;&lt;summary&gt;ok&lt;/summary&gt;x&lt;/details&gt;"},
		{"an image tag with an event handler is shown as text", `<img src=x onerror="alert(1)">`, `&lt;img src=x onerror="alert(1)"&gt;`},
		{"an entity cannot spell markup", "&lt;b&gt; &#64;octocat", "&amp;lt;b&amp;gt; &amp;#\u200b64;octocat"},
		{"a link is shown as text", "[click](https://evil.example)", `\[click\](https:` + "\u200b" + `//evil.example)`},
		{"an image is shown as text", "![x](https://evil.example/x.png)", `\!\[x\](https:` + "\u200b" + `//evil.example/x.png)`},
		{"a bare address is not linked", "see https://evil.example and www.evil.example",
			"see https:\u200b//evil.example and www\u200b.evil.example"},
		{"backticks do not open code", "run `rm -rf /`", "run \\`rm -rf /\\`"},
		{"a bar does not end a table cell", "a | b", `a \| b`},
		{"emphasis and strike-through are shown as text", "*bold* _it_ ~~gone~~", `\*bold\* \_it\_ \~\~gone\~\~`},
		{"a backslash stays a backslash", `C:\path\*`, `C:\\path\\\*`},
		{"a scheme alone, as in advice, stays as written", "must start with https:// to be safe", "must start with https:// to be safe"},
		{"a scheme at the end stays as written", "use https://", "use https://"},
		{"line breaks become one line", "line one\n\n# line two\r\n> three", "line one #\u200b line two &gt; three"},
		{"a list item is not a list", "- item", `\- item`},
		{"a numbered item is not a list", "1. first", `1\. first`},
		{"a year ends no list", "2026 was good", "2026 was good"},
		{"bidirectional overrides and controls are dropped", "abc\u202Edcba\x07", "abcdcba"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Escape(tt.in)); diff != "" {
				t.Errorf("Escape(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"an identifier is a code span", "acme-sync", "`acme-sync`"},
		{"a backtick cannot end the span", "a`b", "`a'b`"},
		{"a bar cannot end a table cell", "a|b", "`a\\|b`"},
		{"markup inside code stays code", "<details>@x", "`<details>@x`"},
		{"a line break cannot end the span", "a\nb", "`a b`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Code(tt.in)); diff != "" {
				t.Errorf("Code(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestEscapeLeavesNoMarkup checks, over many hostile strings, what every
// escaped text must never hold: a raw <, an unescaped bracket, backtick or
// bar, a mention, a reference or a line break.
func TestEscapeLeavesNoMarkup(t *testing.T) {
	hostile := []string{
		"<script>alert(1)</script>", "@everyone", "#1 | `x` | [a](b)", "\n\n---\n", "<!-- -->", "a\u2028b",
		"](javascript:alert(1))", "@@@", "\\@x", "\\`", "\\|", "&#96;",
	}
	for _, in := range hostile {
		out := Escape(in)
		if strings.ContainsAny(out, "<>\n\r\u2028") {
			t.Errorf("Escape(%q) = %q holds HTML or a line break", in, out)
		}
		for i, r := range out {
			switch r {
			case '[', ']', '`', '|', '*', '_':
				if backslashes(out[:i])%2 == 0 {
					t.Errorf("Escape(%q) = %q: %q at %d is not escaped", in, out, r, i)
				}
			case '@', '#':
				if !strings.HasPrefix(out[i+1:], zwsp) {
					t.Errorf("Escape(%q) = %q: %q at %d is not broken", in, out, r, i)
				}
			}
		}
	}
}

// backslashes counts the backslashes that end s.
func backslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

func TestFenceCannotBeClosedByItsText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text gets three backticks", "a: 1\n", "```cue\na: 1\n```\n"},
		{"text holding three backticks gets four", "a: \"```\"", "````cue\na: \"```\"\n````\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fence("cue", tt.in); got != tt.want {
				t.Errorf("Fence(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
