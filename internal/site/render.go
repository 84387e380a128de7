package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strconv"
	"strings"
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
	Data any
}

// Now is the day the site shows, for the layout's footer.
func (p page) Now() string {
	switch d := p.Data.(type) {
	case directory:
		return d.Now.String()
	case listing:
		return d.Now.String()
	case dashboard:
		return d.Now.String()
	}
	return ""
}

// Description is the page's summary for search engines and link previews.
func (p page) Description() string {
	switch d := p.Data.(type) {
	case directory:
		return "Every integration listed in the partner program's directory."
	case listing:
		return d.Tagline
	}
	return ""
}

func newRenderer() (*renderer, error) {
	layout, err := template.ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, name := range []string{"index.html", "listing.html", "dashboard.html"} {
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

// render executes one page. depth is how deep below the root the page
// sits; withScript says whether the page runs the site's script.
func (r *renderer) render(name string, depth int, withScript bool, data any) ([]byte, error) {
	p := page{Root: strings.Repeat("../", depth), CSS: template.CSS(styleSheet), Data: data}
	if withScript {
		p.JS = template.JS(script)
	}
	p.CSP = ContentSecurityPolicy(withScript)
	var b bytes.Buffer
	if err := r.pages[name].ExecuteTemplate(&b, "layout", p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ContentSecurityPolicy is the policy of a page: nothing may load or run
// but the site's own inline stylesheet and, where withScript, its script.
// Only directives a <meta> element may carry are used (frame-ancestors,
// report-uri and sandbox would be ignored with a console error).
func ContentSecurityPolicy(withScript bool) string {
	scripts := "'none'"
	if withScript {
		scripts = hashSource(script)
	}
	return fmt.Sprintf("default-src 'none'; style-src %s; script-src %s; img-src 'none'; base-uri 'none'; form-action 'none'",
		hashSource(styleSheet), scripts)
}

func hashSource(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// UrgencyText says the row's urgency in words, so colour is never the
// only signal.
func (r row) UrgencyText() string { return urgencyWords[r.Urgency] }

var urgencyWords = map[string]string{
	urgencyNow: "act now", urgencySoon: "soon", urgencyRunning: "clock running",
	urgencyQuiet: "no clock", urgencyClosed: "removed",
}

// InstallsKey sorts rows by install count; rows without a count first.
func (r row) InstallsKey() string {
	if r.Installs == nil {
		return "-1"
	}
	return strconv.Itoa(r.Installs.Count)
}

// FindingsKey sorts rows by errors, then warnings.
func (r row) FindingsKey() string { return strconv.Itoa(r.Errors*100000 + r.Warnings) }
