package markdowntest

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// CodeBlock is a fenced code block of a Markdown document, as GitHub reads
// it.
type CodeBlock struct {
	// Line is the 1-based line of its opening fence.
	Line int
	// Info is the fence's info string ("console", "sh"); Text its lines.
	Info, Text string
	// Before is the HTML comment block right before it ("<!-- … -->"),
	// "" when there is none.
	Before string
}

// CodeBlocks returns the fenced code blocks of md, in order, wherever they
// are (in lists and quotes too).
func CodeBlocks(md string) []CodeBlock {
	src := []byte(md)
	var out []CodeBlock
	root := gfm.Parser().Parse(text.NewReader(src))
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		f, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		b := CodeBlock{Line: fenceLine(src, f), Before: comment(src, f.PreviousSibling())}
		if f.Info != nil {
			b.Info = strings.TrimSpace(string(f.Info.Segment.Value(src)))
		}
		var body strings.Builder
		for i := 0; i < f.Lines().Len(); i++ {
			seg := f.Lines().At(i)
			body.Write(seg.Value(src))
		}
		b.Text = body.String()
		out = append(out, b)
		return ast.WalkSkipChildren, nil
	})
	return out
}

// fenceLine is the line of f's opening fence: the line before its first
// line of text, or before where it ends when it has none.
func fenceLine(src []byte, f *ast.FencedCodeBlock) int {
	at := 0
	switch {
	case f.Lines().Len() > 0:
		at = f.Lines().At(0).Start
	case f.Info != nil:
		at = f.Info.Segment.Start
	}
	line := bytes.Count(src[:at], []byte("\n")) + 1
	if f.Lines().Len() > 0 {
		line--
	}
	return line
}

// comment is the text of n when it is an HTML comment block, else "".
func comment(src []byte, n ast.Node) string {
	h, ok := n.(*ast.HTMLBlock)
	if !ok || h.HTMLBlockType != ast.HTMLBlockType2 {
		return ""
	}
	var b strings.Builder
	for i := 0; i < h.Lines().Len(); i++ {
		seg := h.Lines().At(i)
		b.Write(seg.Value(src))
	}
	if h.HasClosure() {
		b.Write(h.ClosureLine.Value(src))
	}
	return strings.TrimSpace(b.String())
}
