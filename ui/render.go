package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFS embed.FS

// view is what the layout needs to draw any page; Page is the page's own data,
// a struct named after its template (homePage, softwarePage…), never a map.
type view struct {
	L     localiser
	Title string
	// Query fills the header's search box.
	Query string
	// Section names the navigation entry the page belongs to.
	Section string
	Langs   []langLink
	// JSONLD is structured data for search engines, written as JSON-LD.
	JSONLD any
	// Robots, when set, is the page's robots meta value ("noindex").
	Robots string
	// Description is the page's summary for search engines and link previews.
	Description string
	Page        any
	// Accounts is set when the site has accounts; Me is who is signed in, Admin
	// whether they are an instance administrator, CSRF the token every form carries.
	Accounts bool
	Me       *catalogue.Person
	Admin    bool
	CSRF     string
}

// templateFuncs are the helpers templates may call; none of them returns HTML
// built from untrusted text except through the sanitiser, or escaping each
// piece itself (facetItems).
var templateFuncs = template.FuncMap{
	"join": strings.Join,
	"date": func(t any) string {
		switch t := t.(type) {
		case time.Time:
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02")
		case *time.Time:
			if t == nil {
				return ""
			}
			return t.UTC().Format("2006-01-02")
		}
		return ""
	},
	"datetime":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"markdown":   renderMarkdown,
	"add":        func(a, b int) int { return a + b },
	"facetItems": facetItems,
}

// loadTemplates parses each page together with the shared layout and partials.
func loadTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).Funcs(partialFuncs).Funcs(editorPartialFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		pages[base] = t
	}
	return pages, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a page in the request's language.
func (s *Server) render(c echo.Context, status int, page string, v view) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	v.L = s.localiser(c)
	if v.Query == "" {
		v.Query = c.QueryParam("q")
	}
	v.Langs = languageLinks(c, v.L.Lang)
	s.accountView(c, &v)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.Execute(buf, v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) localiser(c echo.Context) localiser {
	return localiser{b: s.texts, Lang: requestLanguage(c)}
}

// staticFiles serves the embedded CSS, JavaScript and images.
func staticFiles() echo.HandlerFunc {
	sub, _ := fs.Sub(staticFS, "static")
	h := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
