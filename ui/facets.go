package ui

import (
	"net/url"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/search"
)

// resultView is one search result on the page.
type resultView struct {
	catalogue.Software
	Snippet any
}

// facetView is one facet of the panel: each value is a link that toggles it.
type facetView struct {
	Name   string
	Values []facetValueView
}

type facetValueView struct {
	Value    string
	Count    int
	Selected bool
	Href     string
}

// facetPanel builds the panel's links: selecting or clearing a value keeps the
// rest of the search and starts again from the first page.
func facetPanel(c echo.Context, counts []search.FacetCount, filters map[search.Facet][]string) []facetView {
	base := c.Request().URL.Query()
	base.Del("page[after]")
	var out []facetView
	for _, fc := range counts {
		if len(fc.Values) == 0 {
			continue
		}
		key := "filter[" + fc.Name + "]"
		selected := map[string]bool{}
		if f, ok := search.FacetNamed(fc.Name); ok {
			for _, v := range filters[f] {
				selected[v] = true
			}
		}
		fv := facetView{Name: fc.Name}
		for _, v := range fc.Values {
			q := cloneValues(base)
			if selected[v.Value] {
				q[key] = without(q[key], v.Value)
			} else {
				q.Add(key, v.Value)
			}
			fv.Values = append(fv.Values, facetValueView{Value: v.Value, Count: v.Count, Selected: selected[v.Value], Href: "/search?" + encodeQuery(q)})
		}
		out = append(out, fv)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func without(vs []string, x string) []string {
	var out []string
	for _, v := range vs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// encodeQuery writes a query string in key order, keeping brackets readable.
func encodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []byte
	for _, k := range keys {
		for _, v := range q[k] {
			if len(b) > 0 {
				b = append(b, '&')
			}
			b = append(b, bracketEscape(k)...)
			b = append(b, '=')
			b = append(b, url.QueryEscape(v)...)
		}
	}
	return string(b)
}

func bracketEscape(k string) string {
	e := url.QueryEscape(k)
	out := make([]byte, 0, len(e))
	for i := 0; i < len(e); i++ {
		if i+2 < len(e) && e[i] == '%' && (e[i+1:i+3] == "5B" || e[i+1:i+3] == "5D") {
			if e[i+2] == 'B' {
				out = append(out, '[')
			} else {
				out = append(out, ']')
			}
			i += 2
			continue
		}
		out = append(out, e[i])
	}
	return string(out)
}
