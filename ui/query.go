package ui

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/search"
)

// softwareList is the query of a search: filter[FACET]=VALUE (repeatable) for
// each facet and the sort orders of the index.
var softwareList = listSpec{filters: search.FacetNames(), sorts: search.Sorts}

// codeList is the query of a search of code entries: their own facets.
var codeList = listSpec{filters: search.FacetNamesOf(search.KindCode), sorts: search.Sorts}

// searchRequest reads a search from the query string. The API and the results
// page share it: q, filter[FACET]=VALUE (repeatable), sort, updatedSince,
// page[size] and page[after]. q is at most search.MaxQueryRunes characters.
func searchRequest(c echo.Context) (search.Request, error) {
	return searchRequestOf(c, search.KindSoftware)
}

// searchRequestOf reads a search of documents of kind k (their facets differ).
func searchRequestOf(c echo.Context, k search.Kind) (search.Request, error) {
	spec := softwareList
	if k == search.KindCode {
		spec = codeList
	}
	lq, err := parseList(c, spec)
	if err != nil {
		return search.Request{}, err
	}
	req := search.Request{Text: c.QueryParam("q"), Size: lq.size, After: lq.after, Sort: lq.sort, Filters: map[search.Facet][]string{}, Kind: k}
	if n := utf8.RuneCountInString(req.Text); n > search.MaxQueryRunes {
		return req, badRequest{"q has " + strconv.Itoa(n) + " characters: at most " + strconv.Itoa(search.MaxQueryRunes) + " are searched for"}
	}
	for name, values := range lq.filters {
		f, _ := search.FacetOf(k, name)
		req.Filters[f] = values
	}
	if raw := c.QueryParam("updatedSince"); raw != "" {
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return req, badRequest{"updatedSince must be an RFC 3339 time such as 2026-01-31T00:00:00Z, not " + quote(raw)}
		}
		req.UpdatedSince = t
	}
	return req, nil
}

// facetsMeta is meta.facets: {"categories":[{"value","count"}], …}.
func facetsMeta(fs []search.FacetCount) map[string][]search.ValueCount {
	out := make(map[string][]search.ValueCount, len(fs))
	for _, f := range fs {
		out[f.Name] = f.Values
	}
	return out
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return `"` + s + `"`
}
