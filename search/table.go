package search

import (
	"strings"
	"sync"

	"github.com/oscat-eu/oscat/catalogue"
)

// table keeps, for every document of the index, the compact values that filters,
// facet counts and sorting need, addressed by the document's ordinal. Facet
// values are interned as small integers per facet, so counting over a hit set is
// array arithmetic, never a lookup in the Bleve index.
type table struct {
	mu      sync.RWMutex
	rows    []row
	byID    map[string]uint32
	dict    [numFacets]dictionary
	country map[string]string // publisher ID → country
	// langs are the language fields some document has text in.
	langs map[string]bool
}

// row is one document.
type row struct {
	id       string
	live     bool
	valid    bool
	nameKey  string
	updated  int64 // Unix microseconds
	activity float64
	values   [numFacets][]uint32
	// audience holds the country facet's IDs of the file's own intended-audience
	// countries, so that the facet can be recomputed when a publisher's country
	// changes.
	audience []uint32
}

// dictionary interns one facet's values.
type dictionary struct {
	ids    map[string]uint32
	values []string
}

func (d *dictionary) intern(v string) uint32 {
	if id, ok := d.ids[v]; ok {
		return id
	}
	if d.ids == nil {
		d.ids = map[string]uint32{}
	}
	id := uint32(len(d.values))
	d.ids[v] = id
	d.values = append(d.values, v)
	return id
}

func newTable() *table {
	return &table{byID: map[string]uint32{}, country: map[string]string{}, langs: map[string]bool{}}
}

// put records a document at ord.
func (t *table) put(ord uint32, sw catalogue.Software) {
	values := facetValues(sw, t.country)
	r := row{
		id: sw.ID, live: true, valid: sw.Valid, nameKey: sortKey(sw.Name),
		updated: sw.UpdatedAt.UnixMicro(), activity: sw.Activity,
	}
	for f := range numFacets {
		if len(values[f]) == 0 {
			continue
		}
		ids := make([]uint32, len(values[f]))
		for i, v := range values[f] {
			ids[i] = t.dict[f].intern(v)
		}
		r.values[f] = ids
	}
	if sw.File != nil {
		for _, tag := range sw.File.Languages {
			t.langs[analyserFor(tag)] = true
		}
		for _, c := range dedupe(upper(sw.File.IntendedAudience.Countries)) {
			r.audience = append(r.audience, t.dict[FacetCountry].intern(c))
		}
	}
	for int(ord) >= len(t.rows) {
		t.rows = append(t.rows, row{})
	}
	t.rows[ord] = r
	t.byID[sw.ID] = ord
}

// remove marks the document with id as gone.
func (t *table) remove(id string) {
	if ord, ok := t.byID[id]; ok {
		t.rows[ord].live = false
	}
}

func sortKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// setCountries replaces the publisher countries and recomputes every row's country
// facet from its publishers and its own audience.
func (t *table) setCountries(countries map[string]string) {
	t.country = countries
	pubs := &t.dict[FacetPublisher]
	for i := range t.rows {
		r := &t.rows[i]
		if !r.live {
			continue
		}
		var ids []uint32
		seen := map[uint32]bool{}
		for _, p := range r.values[FacetPublisher] {
			if c := countries[pubs.values[p]]; c != "" {
				id := t.dict[FacetCountry].intern(c)
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		for _, id := range r.audience {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		r.values[FacetCountry] = ids
	}
}

func upper(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strings.ToUpper(strings.TrimSpace(x))
	}
	return out
}

// textLangs returns the language fields in use, in a stable order.
func (t *table) textLangs() []string {
	var out []string
	for _, l := range textLanguages() {
		if t.langs[l] {
			out = append(out, l)
		}
	}
	return out
}
