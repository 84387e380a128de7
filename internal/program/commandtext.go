package program

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
)

// A comment is read the way GitHub shows it: as GitHub Flavored Markdown,
// parsed by goldmark with its GFM extensions. Only the text of paragraphs
// at the top level of the comment can hold a command. Code (fenced,
// indented, `inline`), HTML blocks, raw HTML tags and whatever an open
// tag wraps until it closes (<pre>, <code>, <div hidden>, <details>, the
// alt text of an <img>), HTML comments, quotations, list items, headings,
// tables, link and image text and struck-out text never do: each is an
// example, someone else's words, or hidden from whoever reads the comment.

// commentMarkdown parses comments as GitHub does.
var commentMarkdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// placeholder stands in a line for what is not plain text (code, a link,
// HTML, ...): a line that starts with it does not start with a command.
const placeholder = "\uFFFC"

// line is one line of a top-level paragraph as a reader sees it.
type line struct {
	text string
	// plain is false when part of the line is not plain text.
	plain bool
}

// visibleLines returns the lines of the top-level paragraphs of a comment,
// as a reader sees them.
func visibleLines(body string) []line {
	src := []byte(body)
	r := &lineReader{src: src}
	doc := commentMarkdown.Parser().Parse(text.NewReader(src))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.HTMLBlock:
			r.html.read(blockHTML(n, src))
		case *ast.Paragraph:
			r.paragraph(n)
		}
	}
	return r.lines
}

// lineReader collects the lines of top-level paragraphs.
type lineReader struct {
	src   []byte
	html  openTags
	cur   line
	lines []line
}

// paragraph reads the lines of a top-level paragraph.
func (r *lineReader) paragraph(p *ast.Paragraph) {
	r.cur = line{plain: true}
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		r.inline(c)
	}
	r.end()
}

// inline adds an inline node to the current line: plain text as a reader
// sees it, anything else as a placeholder.
func (r *lineReader) inline(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		if r.html.hidden() {
			r.opaque()
		} else {
			r.plain(visibleText(n.Segment.Value(r.src)))
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			r.end()
		}
	case *ast.Emphasis:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			r.inline(c)
		}
	case *ast.AutoLink:
		// A bare URL: its text is the address, as shown.
		if r.html.hidden() {
			r.opaque()
		} else {
			r.plain(string(n.Label(r.src)))
		}
	default:
		// Code, links, images, struck-out text and raw HTML. Tags within
		// them still open and close elements.
		r.opaque()
		_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if raw, ok := c.(*ast.RawHTML); ok && entering {
				r.html.read(rawHTML(raw, r.src))
			}
			return ast.WalkContinue, nil
		})
	}
}

// plain adds visible text to the current line. An HTML comment left open
// ("<!--" that goldmark reads as text) hides the rest of the comment.
func (r *lineReader) plain(s string) {
	r.cur.text += s
	if strings.Contains(r.cur.text, "<!--") {
		r.html.unclosedComment = true
		r.opaque()
	}
}

// opaque marks the current line as holding something other than plain
// text.
func (r *lineReader) opaque() {
	r.cur.text += placeholder
	r.cur.plain = false
}

// end closes the current line.
func (r *lineReader) end() {
	if strings.TrimSpace(r.cur.text) != "" {
		r.lines = append(r.lines, r.cur)
	}
	r.cur = line{plain: true}
}

// visibleText is a text node's source as a reader sees it: backslash
// escapes and entity references resolved (goldmark writes it as HTML,
// which x/net/html reads back as text).
func visibleText(src []byte) string {
	if !bytes.ContainsAny(src, `&\`) {
		return string(src) // nothing to resolve
	}
	var b strings.Builder
	w := bufio.NewWriter(&b)
	gmhtml.DefaultWriter.Write(w, src)
	_ = w.Flush() // a strings.Builder does not fail
	return html.UnescapeString(b.String())
}

// blockHTML is the source of an HTML block.
func blockHTML(n *ast.HTMLBlock, src []byte) string {
	var b strings.Builder
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	if n.HasClosure() {
		b.Write(n.ClosureLine.Value(src))
	}
	return b.String()
}

// rawHTML is the source of an inline HTML tag or comment.
func rawHTML(n *ast.RawHTML, src []byte) string {
	var b strings.Builder
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// openTags counts the HTML elements opened and not yet closed, in the
// order the comment's HTML comes: whatever an open element wraps is
// hidden, styled or otherwise not plain text to a reader.
type openTags struct {
	depth int
	// unclosedComment is set once an HTML comment opens and never closes.
	unclosedComment bool
}

// hidden reports whether text at this point is inside an element or an
// unclosed HTML comment.
func (o *openTags) hidden() bool { return o.depth > 0 || o.unclosedComment }

// read follows the tags of an HTML fragment with x/net/html's tokenizer:
// a start tag opens an element (unless it is void, as <img> and <br>
// are), an end tag closes one; a tag is never split between fragments.
func (o *openTags) read(fragment string) {
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken:
			if name, _ := z.TagName(); !voidElements[string(name)] {
				o.depth++
			}
		case html.EndTagToken:
			if o.depth > 0 {
				o.depth--
			}
		}
	}
}

// voidElements are the HTML elements that have no content and no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}
