package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/search"
)

// codeSummary is a code entry in a list.
type codeSummary struct {
	ID, Name, URL, Text, License string
	Languages                    []string
	Publishers                   []string
	Archived                     bool
}

func newCodeSummary(e catalogue.CodeEntry, snap *snapshot) codeSummary {
	cs := codeSummary{ID: e.ID, Name: e.Name, URL: e.URL, Text: e.Description, License: e.License, Languages: e.ProgrammingLanguages, Archived: e.Archived}
	if cs.Text == "" {
		cs.Text = e.Readme
	}
	for _, p := range e.Publishers {
		cs.Publishers = append(cs.Publishers, snap.publisherName(p))
	}
	return cs
}

// codeListPage is the page of repositories without a publiccode.yml that match
// a search: the second tier of the results.
type codeListPage struct {
	Text     string
	Total    int
	Results  []codeSummary
	Facets   []facetView
	Next     string
	First    string
	Software string // the same search among described software
}

// buildCodeList runs the code search the request asks for.
func (s *Server) buildCodeList(c echo.Context, l localiser) (codeListPage, error) {
	ctx := c.Request().Context()
	req, err := searchRequestOf(c, search.KindCode)
	if err != nil {
		return codeListPage{}, err
	}
	req.FacetValues = pageFacetValues
	snap, err := s.snapshot(ctx)
	if err != nil {
		return codeListPage{}, err
	}
	res, err := s.searchCode(ctx, req)
	if err != nil {
		return codeListPage{}, err
	}
	p := codeListPage{Text: req.Text, Total: res.Total, Next: nextHref(c, res.Next),
		Facets: facetPanelOf(c, l, snap, res.Facets, req.Filters, search.KindCode, "/code")}
	for _, e := range res.Entries {
		p.Results = append(p.Results, newCodeSummary(e, snap))
	}
	if req.After != "" {
		p.First = "/code?" + encodeQuery(searchState(c))
	}
	p.Software = "/search?" + encodeQuery(sharedFilters(searchState(c), search.KindSoftware))
	return p, nil
}

// codeListPageHandler serves GET /code.
func (s *Server) codeListPageHandler(c echo.Context) error {
	l := s.localiser(c)
	p, err := s.buildCodeList(c, l)
	if err != nil {
		return err
	}
	title := l.T("ui.code.listTitle")
	if p.Text != "" {
		title = l.T("ui.code.listTitleText", "text", p.Text)
	}
	return s.render(c, http.StatusOK, "code_list", view{Title: title, Section: "search", Robots: "noindex, follow", Page: p})
}

// sharedFilters keeps the query text and the filters that kind k knows, so
// that a search moves between software and code entries as far as it can.
func sharedFilters(q url.Values, k search.Kind) url.Values {
	out := url.Values{}
	for key, vs := range q {
		name, isFilter := strings.CutPrefix(key, "filter[")
		if isFilter {
			if _, ok := search.FacetOf(k, strings.TrimSuffix(name, "]")); !ok {
				continue
			}
		} else if key != "q" {
			continue
		}
		out[key] = vs
	}
	return out
}

// codeAlso asks a search of software to count the code entries that match
// too, with the filters the two kinds share (nil when the site has none).
func (s *Server) codeAlso(req search.Request) *search.Also {
	if s.codes == nil {
		return nil
	}
	also := &search.Also{Kind: search.KindCode, Filters: map[search.Facet][]string{}}
	for f, vs := range req.Filters {
		if _, ok := search.FacetOf(search.KindCode, f.String()); ok {
			also.Filters[f] = vs
		}
	}
	return also
}

// codeMatches is how many code entries match too, and the link to them.
func (s *Server) codeMatches(c echo.Context, res search.Result) (int, string) {
	if s.codes == nil || res.AlsoTotal == 0 {
		return 0, ""
	}
	return res.AlsoTotal, "/code?" + encodeQuery(sharedFilters(searchState(c), search.KindCode))
}

// codeEntryPage is one code entry's page.
type codeEntryPage struct {
	E          catalogue.CodeEntry
	Publishers []labelled
	Activity   *activityPage
	// Describe is where its maintainers write its publiccode.yml.
	Describe string
}

// buildCodeEntry reads a code entry for its page; a *catalogue.DescribedError
// says it became software.
func (s *Server) buildCodeEntry(ctx context.Context, l localiser, id string) (codeEntryPage, error) {
	e, err := s.codeEntry(ctx, id)
	if err != nil {
		return codeEntryPage{}, err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return codeEntryPage{}, err
	}
	p := codeEntryPage{E: e, Describe: "/editor?repository=" + url.QueryEscape(e.URL)}
	for _, id := range e.Publishers {
		p.Publishers = append(p.Publishers, labelled{Value: id, Label: snap.publisherName(id), Href: "/publishers/" + url.PathEscape(id)})
	}
	if e.Activity != nil {
		a := activityView(l, e.Activity)
		p.Activity = &a
	}
	return p, nil
}

// codePage serves GET /code/{id}; once the repository has a publiccode.yml it
// sends people to the software page.
func (s *Server) codePage(c echo.Context) error {
	l := s.localiser(c)
	p, err := s.buildCodeEntry(c.Request().Context(), l, c.Param("id"))
	var described *catalogue.DescribedError
	if errors.As(err, &described) {
		return c.Redirect(http.StatusMovedPermanently, "/software/"+url.PathEscape(described.SoftwareID))
	}
	if err != nil {
		return err
	}
	desc := p.E.Description
	if desc == "" {
		desc = p.E.Readme
	}
	return s.render(c, http.StatusOK, "code", view{Title: p.E.Name, Section: "search", Description: desc, Page: p})
}

// codeDraftPage is a code entry's drafted publiccode.yml, for its maintainers.
type codeDraftPage struct {
	E        catalogue.CodeEntry
	Draft    catalogue.Draft
	Download string
	Back     string
}

// buildCodeDraft drafts a code entry's publiccode.yml.
func (s *Server) buildCodeDraft(ctx context.Context, id string) (codeDraftPage, error) {
	e, err := s.codeEntry(ctx, id)
	if err != nil {
		return codeDraftPage{}, err
	}
	base := "/code/" + url.PathEscape(e.ID)
	return codeDraftPage{E: e, Draft: catalogue.MakeDraft(catalogue.DraftInputOf(e)), Download: base + "/publiccode.yml", Back: base}, nil
}

// codeDraftPageHandler serves GET /code/{id}/draft: the draft, its to-dos, and
// a form that sends it to the validator.
func (s *Server) codeDraftPageHandler(c echo.Context) error {
	p, err := s.buildCodeDraft(c.Request().Context(), c.Param("id"))
	var described *catalogue.DescribedError
	if errors.As(err, &described) {
		return c.Redirect(http.StatusMovedPermanently, "/software/"+url.PathEscape(described.SoftwareID))
	}
	if err != nil {
		return err
	}
	l := s.localiser(c)
	return s.render(c, http.StatusOK, "code_draft", view{Title: l.T("ui.code.draftTitle", "name", p.E.Name), Section: "validate", Robots: "noindex", Page: p})
}

// codeDraftFile serves GET /code/{id}/publiccode.yml: the draft as a download.
func (s *Server) codeDraftFile(c echo.Context) error {
	p, err := s.buildCodeDraft(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="publiccode.yml"`)
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", []byte(p.Draft.PubliccodeYml))
}
