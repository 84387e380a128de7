package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

//go:embed templates/*.html
var templateFiles embed.FS

// The stylesheet and the script are inlined into every page that uses
// them, and the page's Content-Security-Policy allows exactly those bytes
// by their SHA-256. Inline-by-hash works the same from file:// (where
// browsers disagree on what 'self' is) and from GitHub Pages.
var (
	//go:embed templates/site.css
	styleSheet string
	//go:embed templates/site.js
	script string
)

// renderer holds the parsed page templates.
type renderer struct {
	pages map[string]*template.Template
}

// page is what the layout sees: the page's data and what every page needs.
type page struct {
	Root string // "" or "../": the way back to the site's root
	CSP  string
	CSS  template.CSS
	JS   template.JS
	// Now is the day the site shows, for the footer.
	Now application.Date
	// Description is the page's summary for search engines and link
	// previews; empty for none.
	Description string
	Data        any
}

// pageSpec says which page to render and how.
type pageSpec struct {
	template    string // index.html, listing.html, dashboard.html or scopes.html
	path        string // where the page goes, relative to the root
	script      bool   // whether it runs the site's script
	description string
}

func newRenderer() (*renderer, error) {
	layout, err := template.ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, name := range []string{"index.html", "listing.html", "dashboard.html", "scopes.html"} {
		t, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if r.pages[name], err = t.ParseFS(templateFiles, "templates/"+name); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// render executes one page for the day now.
func (r *renderer) render(spec pageSpec, now application.Date, data any) ([]byte, error) {
	p := page{
		Root: strings.Repeat("../", depth(spec.path)), CSS: template.CSS(styleSheet),
		CSP: ContentSecurityPolicy(spec.script), Now: now, Description: spec.description, Data: data,
	}
	if spec.script {
		p.JS = template.JS(script)
	}
	var b bytes.Buffer
	if err := r.pages[spec.template].ExecuteTemplate(&b, "layout", p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ContentSecurityPolicy is the policy of a page: nothing may load or run
// but the site's own inline stylesheet and, where withScript, its script.
// Only directives a <meta> element may carry are used (frame-ancestors,
// report-uri and sandbox would be ignored with a console error).
func ContentSecurityPolicy(withScript bool) string {
	if withScript {
		return policyWithScript
	}
	return policyWithoutScript
}

// The two policies, hashed once rather than for every page.
var (
	policyWithScript    = contentSecurityPolicy(hashSource(script))
	policyWithoutScript = contentSecurityPolicy("'none'")
)

func contentSecurityPolicy(scripts string) string {
	return fmt.Sprintf("default-src 'none'; style-src %s; script-src %s; img-src 'none'; base-uri 'none'; form-action 'none'",
		hashSource(styleSheet), scripts)
}

func hashSource(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}
