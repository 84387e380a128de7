// Package markdowntest reads Markdown as a person reads it on GitHub, for
// tests of what connectbot writes: rendered by goldmark with GitHub's
// extensions (tables, autolinks, strike-through, task lists), the text a
// reader copies from the page, and the links it makes.
package markdowntest

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
)

// gfm renders as GitHub does; raw HTML is kept (GitHub keeps comments and
// sanitises the rest), so that it can be seen to hide or to show.
var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))

// Page is a rendered Markdown document.
type Page struct {
	// Text is what a reader copies: the text of every element, comments
	// left out, entities and escapes resolved; each block on its own line.
	Text string
	// Links are the targets of the links and autolinks it makes.
	Links []string
}

// Render renders md and reads it back as a reader would.
func Render(md string) (Page, error) {
	var out bytes.Buffer
	if err := gfm.Convert([]byte(md), &out); err != nil {
		return Page{}, err
	}
	root, err := html.Parse(&out)
	if err != nil {
		return Page{}, err
	}
	var p Page
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			switch n.Data {
			case "a":
				for _, a := range n.Attr {
					if a.Key == "href" {
						p.Links = append(p.Links, a.Val)
					}
				}
			case "br", "p", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6":
				defer b.WriteString("\n")
			case "td", "th":
				defer b.WriteString("\t")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	p.Text = b.String()
	return p, nil
}
