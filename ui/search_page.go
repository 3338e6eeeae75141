package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
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

// searchPage shows one page of results with the filter panel. Every state is a
// URL: the text, each filter, the order and the page's cursor.
func (s *Server) searchPage(c echo.Context) error {
	ctx := c.Request().Context()
	req, err := searchRequest(c)
	if err != nil {
		return err
	}
	req.FacetValues = pageFacetValues
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	res, err := s.index.Search(ctx, req)
	if err != nil {
		return err
	}
	list, err := s.catalog.SoftwareByIDs(ctx, res.IDs)
	if err != nil {
		return err
	}
	l := s.localiser(c)
	title := l.T("ui.search.all")
	if req.Text != "" {
		title = l.T("ui.search.titleText", "text", req.Text)
	}
	sorts := make([]sortChoice, 0, len(sortChoices))
	for _, v := range sortChoices {
		sorts = append(sorts, sortChoice{Value: v, Label: l.T("ui.sort." + sortKey(v)), Selected: v == req.Sort})
	}
	first := ""
	if req.After != "" {
		first = "/search?" + encodeQuery(searchState(c))
	}
	var suggestion string
	if res.Suggestion != "" {
		suggestion = "/search?q=" + url.QueryEscape(res.Suggestion)
	}
	chips := selectedFilters(c, l, snap, req.Filters)
	clearAll := ""
	if len(chips) > 0 {
		q := searchState(c)
		for k := range q {
			if strings.HasPrefix(k, "filter[") {
				q.Del(k)
			}
		}
		clearAll = "/search?" + encodeQuery(q)
	}
	codeCount, codeHref := s.codeMatches(ctx, c, req)
	pageSize := ""
	if c.QueryParam("page[size]") != "" {
		pageSize = strconv.Itoa(req.Size)
	}
	return s.render(c, http.StatusOK, "search", view{
		Title: title, Section: "search", Robots: robotsForSearch(req.After, len(chips)),
		Page: map[string]any{
			"Text": req.Text, "Total": res.Total, "Results": summaries(l, snap, list, res.Terms),
			"Facets": facetPanel(c, l, snap, res.Facets, req.Filters), "Chips": chips, "ClearAll": clearAll,
			"Sorts": sorts, "Sort": req.Sort, "Next": nextLink(c, res.Next), "First": first, "PageSize": pageSize,
			"Suggestion": res.Suggestion, "SuggestionHref": suggestion,
			"CodeCount": codeCount, "CodeHref": codeHref,
		},
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
