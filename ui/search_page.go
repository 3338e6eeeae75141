package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/search"
)

// pageFacetValues is how many values of each facet the panel offers; more
// would make a long page for little use (the API reports more).
const pageFacetValues = 30

// sortChoices are the orders the results page offers, by their sort value.
var sortChoices = []string{"", "name", "-name", "-updated", "updated", "-activity", "-users", "-contributingAdministrations"}

type sortChoice struct {
	Value, Label string
	Selected     bool
}

// searchPage is the results page's data. Next and First link to the next
// and the first page of results, when there are such; ClearAll drops every
// filter; CodeCount and CodeHref are the code entries the search also matches.
type searchPage struct {
	Text           string
	Total          int
	Results        []summary
	Facets         []facetView
	Chips          []filterChip
	ClearAll       string
	Sorts          []sortChoice
	Sort           string
	Next           string
	First          string
	PageSize       string
	Suggestion     string
	SuggestionHref string
	CodeCount      int
	CodeHref       string
}

// searchPageData runs the search the request asks for and lays out its page.
func (s *Server) searchPageData(c echo.Context, l localiser, req search.Request) (searchPage, error) {
	ctx := c.Request().Context()
	snap, err := s.snapshot(ctx)
	if err != nil {
		return searchPage{}, err
	}
	req.Also = s.codeAlso(req)
	res, err := s.index.Search(ctx, req)
	if err != nil {
		return searchPage{}, err
	}
	list, err := s.listed(ctx, res.IDs, res.Versions)
	if err != nil {
		return searchPage{}, err
	}
	p := searchPage{Text: req.Text, Total: res.Total, Results: summaries(l, snap, list, res.Terms),
		Facets: facetPanel(c, l, snap, res.Facets, req.Filters), Chips: selectedFilters(c, l, snap, req.Filters),
		Sort: req.Sort, Next: nextHref(c, res.Next), Suggestion: res.Suggestion}
	p.Sorts = make([]sortChoice, 0, len(sortChoices))
	for _, v := range sortChoices {
		p.Sorts = append(p.Sorts, sortChoice{Value: v, Label: l.T("ui.sort." + sortKey(v)), Selected: v == req.Sort})
	}
	if req.After != "" {
		p.First = "/search?" + encodeQuery(searchState(c))
	}
	if res.Suggestion != "" {
		p.SuggestionHref = "/search?q=" + url.QueryEscape(res.Suggestion)
	}
	if len(p.Chips) > 0 {
		q := searchState(c)
		for k := range q {
			if strings.HasPrefix(k, "filter[") {
				q.Del(k)
			}
		}
		p.ClearAll = "/search?" + encodeQuery(q)
	}
	p.CodeCount, p.CodeHref = s.codeMatches(c, res)
	if c.QueryParam("page[size]") != "" {
		p.PageSize = strconv.Itoa(req.Size)
	}
	return p, nil
}

// searchPage shows one page of results with the filter panel. Every state is a
// URL: the text, each filter, the order and the page's cursor.
func (s *Server) searchPage(c echo.Context) error {
	req, err := searchRequest(c)
	if err != nil {
		return err
	}
	req.FacetValues = pageFacetValues
	l := s.localiser(c)
	p, err := s.searchPageData(c, l, req)
	if err != nil {
		return err
	}
	title := l.T("ui.search.all")
	if req.Text != "" {
		title = l.T("ui.search.titleText", "text", req.Text)
	}
	return s.render(c, http.StatusOK, "search", view{
		Title: title, Section: "search", Robots: robotsForSearch(req.After, len(p.Chips)), Page: p,
	})
}

func sortKey(v string) string {
	switch v {
	case "":
		return "relevance"
	case "-name":
		return "nameDesc"
	case "-updated":
		return "updatedDesc"
	case "-activity":
		return "activityDesc"
	case "-users":
		return "usersDesc"
	case "-contributingAdministrations":
		return "contributingDesc"
	}
	return v
}

// robotsForSearch keeps search engines to the first page of unfiltered searches.
func robotsForSearch(after string, filters int) string {
	if after != "" || filters > 0 {
		return "noindex, follow"
	}
	return ""
}
