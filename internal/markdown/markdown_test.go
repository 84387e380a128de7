package markdown

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/markdown/markdowntest"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain words stay as they are", "Two-way contact sync", "Two-way contact sync"},
		{"a mention does not notify anyone", "ask @octocat or @acme/admins", "ask @<!-- -->octocat or @<!-- -->acme/admins"},
		{"an e-mail address is not linked", "help@acme.example", "help@<!-- -->acme.example"},
		{"an issue reference does not link", "fixes #12", "fixes #<!-- -->12"},
		{"a heading is not a heading", "# Approved by the program", "#<!-- --> Approved by the program"},
		{"a details element is shown as text", "<details><summary>ok</summary>x</details>",
			"&lt;details&gt;&lt;summary&gt;ok&lt;/summary&gt;x&lt;/details&gt;"},
		{"an image tag with an event handler is shown as text", `<img src=x onerror="alert(1)">`, `&lt;img src=x onerror="alert(1)"&gt;`},
		{"an entity cannot spell markup", "&lt;b&gt; &#64;octocat", "&amp;lt;b&amp;gt; &amp;#<!-- -->64;octocat"},
		{"a link is shown as text", "[click](https://evil.example)", `\[click\](https:` + "<!-- -->" + `//evil.example)`},
		{"an image is shown as text", "![x](https://evil.example/x.png)", `\!\[x\](https:` + "<!-- -->" + `//evil.example/x.png)`},
		{"a bare address is not linked", "see https://evil.example and www.evil.example",
			"see https:<!-- -->//evil.example and www<!-- -->.evil.example"},
		{"backticks do not open code", "run `rm -rf /`", "run \\`rm -rf /\\`"},
		{"a bar does not end a table cell", "a | b", `a \| b`},
		{"emphasis and strike-through are shown as text", "*bold* _it_ ~~gone~~", `\*bold\* \_it\_ \~\~gone\~\~`},
		{"a backslash stays a backslash", `C:\path\*`, `C:\\path\\\*`},
		{"a scheme alone, as in advice, stays as written", "must start with https:// to be safe", "must start with https:// to be safe"},
		{"a scheme at the end stays as written", "use https://", "use https://"},
		{"line breaks become one line", "line one\n\n# line two\r\n> three", "line one #<!-- --> line two &gt; three"},
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
		if strings.ContainsAny(strings.ReplaceAll(out, brk, ""), "<>\n\r\u2028") {
			t.Errorf("Escape(%q) = %q holds HTML or a line break", in, out)
		}
		for i, r := range out {
			switch r {
			case '[', ']', '`', '|', '*', '_':
				if backslashes(out[:i])%2 == 0 {
					t.Errorf("Escape(%q) = %q: %q at %d is not escaped", in, out, r, i)
				}
			case '@', '#':
				if !strings.HasPrefix(out[i+1:], brk) {
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

// TestEscapedTextCopiesAsWritten renders escaped text as GitHub would and
// copies it back: a reader gets exactly the characters the integrator
// wrote, with nothing invisible added, and no link or mention is made.
func TestEscapedTextCopiesAsWritten(t *testing.T) {
	texts := []string{
		"ask @octocat or @acme/admins", "help@acme.example", "fixes #12", "# Approved",
		"see https://evil.example, and www.evil.example", "[click](https://evil.example)",
		"must be a web address starting with https://, without spaces",
		"must be an email address, like \"help@example.com\"", "&lt;b&gt; &#64;octocat", `C:\path\*`,
		"*bold* _it_ ~~gone~~ `code` a | b", "- item", "1. first", "<img src=x onerror=alert(1)>",
	}
	for _, in := range texts {
		for _, doc := range []string{"%s", "| a |\n|---|\n| %s |"} {
			page, err := markdowntest.Render(strings.Replace(doc, "%s", Escape(in), 1))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSpace(page.Text)
			if doc != "%s" {
				got = strings.TrimSpace(strings.TrimPrefix(got, "a\t"))
			}
			if got != in {
				t.Errorf("Escape(%q) copies as %q from the page", in, got)
			}
			if len(page.Links) > 0 {
				t.Errorf("Escape(%q) makes links %q", in, page.Links)
			}
		}
	}
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

// TestCell checks that text from the table cannot break the
// Markdown table it is written into, and that it is otherwise kept as it is.
func TestCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a pipe is escaped so it does not end the cell", "a | b", `a \| b`},
		{"a line break becomes a space so it does not end the row", "one\ntwo\r\nthree", "one two three"},
		{"an angle bracket is escaped so it is not read as a tag", "applications/<slug>.cue", "applications/&lt;slug>.cue"},
		{"a no-break space of the seed is kept", "the\u00a0HubSpot brand", "the\u00a0HubSpot brand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Cell(tt.in)); diff != "" {
				t.Errorf("cell mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
