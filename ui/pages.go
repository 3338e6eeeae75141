package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/search"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFS embed.FS

// loadTemplates parses each page together with the shared layout.
func loadTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"join": strings.Join,
		"description": func(f *publiccode.File, lang string) map[string]any {
			if f == nil {
				return map[string]any{}
			}
			l, d := f.PreferredDescription(lang)
			return map[string]any{"Lang": l, "D": d}
		},
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render writes a page. Data is the page's own; Page adds what the layout needs.
func (s *Server) render(c echo.Context, status int, page string, data map[string]any) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Query"] = c.QueryParam("q")
	data["Lang"] = "en"
	data["Accounts"] = s.opts.Community != nil
	data = s.pageData(c, data)
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func staticFiles() echo.HandlerFunc {
	sub, _ := fs.Sub(staticFS, "static")
	h := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// home is the front page: a search box and what the catalogue holds.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	res, err := s.index.Search(ctx, searchAll(8))
	if err != nil {
		return err
	}
	list, err := s.store.SoftwareByIDs(ctx, res.IDs)
	if err != nil {
		return err
	}
	users := 0
	if s.opts.Community != nil {
		if users, err = s.opts.Community.CountUsingAdministrations(ctx); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "home", map[string]any{"Title": "Find software that administrations share", "Total": res.Total, "Software": list,
		"Users": users})
}

// searchPage shows one page of results with the facet panel; every state is a
// URL that can be shared.
func (s *Server) searchPage(c echo.Context) error {
	ctx := c.Request().Context()
	req, err := searchRequest(c)
	if err != nil {
		return err
	}
	res, err := s.index.Search(ctx, req)
	if err != nil {
		return err
	}
	list, err := s.store.SoftwareByIDs(ctx, res.IDs)
	if err != nil {
		return err
	}
	results := make([]resultView, len(list))
	for i, sw := range list {
		results[i] = resultView{Software: sw, Snippet: template.HTML(search.Snippet(sw, res.Terms, "en"))} //nolint:gosec // Snippet escapes all text itself.
	}
	title := "All software"
	if req.Text != "" {
		title = "Search: " + req.Text
	}
	return s.render(c, http.StatusOK, "search", map[string]any{
		"Title": title, "Total": res.Total, "Results": results, "Next": nextLink(c, res.Next),
		"Facets": facetPanel(c, res.Facets, req.Filters), "Selected": selectedFilters(req.Filters),
		"Sort": req.Sort, "Suggestion": res.Suggestion, "Text": req.Text,
	})
}

// softwarePage shows one entry with where it comes from.
func (s *Server) softwarePage(c echo.Context) error {
	ctx := c.Request().Context()
	sw, err := s.store.Software(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	var pubs []catalogue.Publisher
	for _, id := range sw.Publishers {
		p, err := s.store.Publisher(ctx, id)
		if err != nil {
			return err
		}
		pubs = append(pubs, p)
	}
	repos, _, err := s.store.Repositories(ctx, catalogue.RepositoryFilter{Software: sw.ID}, catalogue.Page{Size: 100})
	if err != nil {
		return err
	}
	var langs []map[string]any
	if sw.File != nil {
		for _, l := range sw.File.Languages {
			langs = append(langs, map[string]any{"Lang": l, "D": sw.File.Description[l]})
		}
	}
	join, err := s.joinPanelFor(c, sw)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "software", map[string]any{
		"Title": sw.Name, "S": sw, "F": sw.File, "Publishers": pubs, "Repositories": repos, "Descriptions": langs, "Join": join,
		"Done": c.QueryParam("done"),
	})
}

// publisherPage shows an administration, its software and how each of its
// repositories fared in the last crawl.
func (s *Server) publisherPage(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.Publisher(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	list, _, err := s.store.ListSoftware(ctx, p.ID, catalogue.Page{Size: 1000})
	if err != nil {
		return err
	}
	repos, _, err := s.store.Repositories(ctx, catalogue.RepositoryFilter{Publisher: p.ID}, catalogue.Page{Size: 1000})
	if err != nil {
		return err
	}
	data := map[string]any{"Title": p.Name, "P": p, "Software": list, "Repositories": repos, "Done": c.QueryParam("done")}
	if s.opts.Community != nil {
		if err := s.maintainPanel(c, p, data); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "publisher", data)
}
