package ui

import (
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/search"
)

// searchRequest reads a search from the query string. The API and the results
// page share it: q, filter[FACET]=VALUE (repeatable), sort, updatedSince,
// page[size] and page[after].
func searchRequest(c echo.Context) (search.Request, error) {
	return searchRequestOf(c, search.KindSoftware)
}

// searchRequestOf reads a search of documents of kind k (their facets differ).
func searchRequestOf(c echo.Context, k search.Kind) (search.Request, error) {
	size, after, err := pageParams(c)
	if err != nil {
		return search.Request{}, err
	}
	req := search.Request{Text: c.QueryParam("q"), Size: size, After: after, Sort: c.QueryParam("sort"), Kind: k}
	filters, err := filterParams(c.QueryParams(), k)
	if err != nil {
		return req, err
	}
	req.Filters = filters
	if raw := c.QueryParam("updatedSince"); raw != "" {
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return req, badRequest{"updatedSince must be an RFC 3339 time such as 2026-01-31T00:00:00Z, not " + quote(raw)}
		}
		req.UpdatedSince = t
	}
	return req, nil
}

// filterParams reads filter[FACET]=VALUE parameters; an unknown facet is an error.
func filterParams(q url.Values, k search.Kind) (map[search.Facet][]string, error) {
	filters := map[search.Facet][]string{}
	for key, values := range q {
		if !strings.HasPrefix(key, "filter[") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(key, "filter["), "]")
		f, ok := search.FacetOf(k, name)
		if !ok || !strings.HasSuffix(key, "]") {
			return nil, badRequest{"unknown filter " + quote(key) + ": use filter[FACET] with one of " + strings.Join(search.FacetNamesOf(k), ", ")}
		}
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				filters[f] = append(filters[f], v)
			}
		}
	}
	return filters, nil
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
