package ui

import (
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/search"
)

// facetView is one facet of the panel: a group of checkboxes with counts.
type facetView struct {
	Name, Label string
	// Shown are the values listed at once (the selected ones and the most
	// frequent); More are behind a "more" disclosure.
	Shown, More []facetValueView
	Selected    bool
	// ClearHref is the search without this facet's selection.
	ClearHref string
}

type facetValueView struct {
	Value, Label string
	Count        int
	Selected     bool
	// ID is the checkbox's element id, unique on the page.
	ID string
}

// facetItems writes values of facet f as the panel's list items: a checkbox
// named after the facet, and a label with the count. A results page lists
// over a hundred of them; html/template's reflection and contextual escaping
// made them a sixth of the page's cost, for markup that has only two contexts,
// text and double-quoted attribute values, where attrText escapes every
// character that could end either. Every value is escaped here.
func facetItems(f facetView, values []facetValueView) template.HTML {
	var b strings.Builder
	b.Grow(len(values) * 160)
	name := attrText.Replace("filter[" + f.Name + "]")
	for _, v := range values {
		id := attrText.Replace(v.ID)
		b.WriteString(`<li><input type="checkbox" id="`)
		b.WriteString(id)
		b.WriteString(`" name="`)
		b.WriteString(name)
		b.WriteString(`" value="`)
		b.WriteString(attrText.Replace(v.Value))
		b.WriteString(`"`)
		if v.Selected {
			b.WriteString(` checked`)
		}
		b.WriteString(`> <label for="`)
		b.WriteString(id)
		b.WriteString(`">`)
		b.WriteString(attrText.Replace(v.Label))
		b.WriteString(` <span class="count">(`)
		b.WriteString(strconv.Itoa(v.Count))
		b.WriteString(")</span></label></li>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped above
}

// attrText escapes text for element content and double-quoted attribute
// values, as html/template does there: the five characters of
// html.EscapeString, and NUL as U+FFFD.
var attrText = strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "\x00", "\uFFFD")

// facetShown is how many values of a facet are listed before "more".
const facetShown = 6

// facetPanel builds the filter panel in the visitor's language. Values of a
// facet that are selected but have no entries left are still listed, so that
// they can be cleared.
func facetPanel(c echo.Context, l localiser, snap *snapshot, counts []search.FacetCount, filters map[search.Facet][]string) []facetView {
	return facetPanelOf(c, l, snap, counts, filters, search.KindSoftware, "/search")
}

// facetPanelOf is facetPanel for a kind of document, whose results page is at path.
func facetPanelOf(c echo.Context, l localiser, snap *snapshot, counts []search.FacetCount, filters map[search.Facet][]string, k search.Kind, path string) []facetView {
	base := searchState(c)
	var out []facetView
	for _, fc := range counts {
		f, ok := search.FacetOf(k, fc.Name)
		if !ok {
			continue
		}
		selected := map[string]bool{}
		for _, v := range filters[f] {
			selected[v] = true
		}
		values := append([]search.ValueCount(nil), fc.Values...)
		for v := range selected {
			if !hasValue(values, v) {
				values = append(values, search.ValueCount{Value: v})
			}
		}
		if len(values) == 0 {
			continue
		}
		fv := facetView{Name: fc.Name, Label: l.T("ui.facet." + fc.Name), Selected: len(selected) > 0}
		q := cloneValues(base)
		q.Del("filter[" + fc.Name + "]")
		fv.ClearHref = path + "?" + encodeQuery(q)
		for i, v := range values {
			vv := facetValueView{Value: v.Value, Label: facetLabel(l, snap, f, v.Value), Count: v.Count, Selected: selected[v.Value],
				ID: "f-" + fc.Name + "-" + strconv.Itoa(i)}
			if vv.Selected || len(fv.Shown) < facetShown {
				fv.Shown = append(fv.Shown, vv)
			} else {
				fv.More = append(fv.More, vv)
			}
		}
		out = append(out, fv)
	}
	return out
}

func hasValue(vs []search.ValueCount, v string) bool {
	for _, x := range vs {
		if x.Value == v {
			return true
		}
	}
	return false
}

// facetLabel is what the panel calls a facet value in the visitor's language.
func facetLabel(l localiser, snap *snapshot, f search.Facet, v string) string {
	switch f {
	case search.FacetCategories:
		return l.Label("category", v)
	case search.FacetSoftwareType:
		return l.Label("softwareType", v)
	case search.FacetDevelopmentStatus:
		return l.Label("developmentStatus", v)
	case search.FacetMaintenanceType:
		return l.Label("maintenanceType", v)
	case search.FacetPlatforms:
		return l.Label("platform", v)
	case search.FacetScope:
		return l.Label("scope", v)
	case search.FacetCountry:
		return l.CountryName(v)
	case search.FacetLanguages:
		return l.LanguageName(v)
	case search.FacetPublisher:
		return snap.publisherName(v)
	case search.FacetValid, search.FacetArchived, search.FacetUsedBy, search.FacetOpenToJoin, search.FacetContributingAdministrations:
		return l.T("ui.facet." + f.String() + "." + v)
	}
	return v
}

// filterChip is one active filter, with the search without it.
type filterChip struct {
	Facet, Value, Label, FacetLabel, RemoveHref string
}

// selectedFilters lists the active filters in a stable order, each with the
// link that removes it.
func selectedFilters(c echo.Context, l localiser, snap *snapshot, filters map[search.Facet][]string) []filterChip {
	base := searchState(c)
	var out []filterChip
	for f, vs := range filters {
		key := "filter[" + f.String() + "]"
		for _, v := range vs {
			q := cloneValues(base)
			q[key] = without(q[key], v)
			out = append(out, filterChip{Facet: f.String(), Value: v, Label: facetLabel(l, snap, f, v), FacetLabel: l.T("ui.facet." + f.String()),
				RemoveHref: "/search?" + encodeQuery(q)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Facet != out[j].Facet {
			return out[i].Facet < out[j].Facet
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// searchState is the request's search as a query, from its first page: the
// links that change it start again from the top, in the remembered language.
func searchState(c echo.Context) url.Values {
	q := c.Request().URL.Query()
	q.Del("page[after]")
	q.Del("lang")
	return q
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
