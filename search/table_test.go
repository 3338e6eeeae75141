package search

import (
	"slices"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// rowOf is what a document's row must hold: its columns' values, packed.
func rowOf(t *table, ord uint32) []uint32 {
	var want []uint32
	for f := range numFacets {
		if v := t.first[f][ord]; v != noValue {
			want = append(want, rowValue(f, v))
			for _, v := range t.more[f][ord] {
				want = append(want, rowValue(f, v))
			}
		}
	}
	slices.Sort(want)
	return want
}

// TestTable_RowsFollowTheColumns writes, rewrites and recomputes documents'
// facets: each row holds exactly the values of the columns, so that counting
// a hit by its row counts what filtering by the columns sees.
func TestTable_RowsFollowTheColumns(t *testing.T) {
	t.Parallel()
	tb := newTable()
	check := func(when string) {
		t.Helper()
		for ord := range uint32(tb.size()) {
			got := slices.Sorted(slices.Values(tb.rows[ord]))
			if !slices.Equal(got, rowOf(tb, ord)) {
				t.Errorf("%s: document %d has row %v, its columns say %v", when, ord, got, rowOf(tb, ord))
			}
		}
	}
	sw := func(id string, pubs []string, cats ...string) catalogue.Software {
		return catalogue.Software{ID: id, Name: id, Valid: true, Publishers: pubs,
			File: &publiccode.File{Categories: cats, Platforms: []string{"web"}, DevelopmentStatus: "stable"}}
	}
	a, b := tb.add("a"), tb.add("b")
	tb.put(a, sw("a", []string{"p1", "p2"}, "maps", "it-development"))
	tb.put(b, sw("b", nil))
	check("first written")
	tb.put(a, sw("a", []string{"p2"}, "maps"))
	check("rewritten with fewer values")
	tb.setCountries(map[string]string{"p1": "NL", "p2": "IT"})
	check("countries recomputed")
	if !slices.Contains(tb.rows[a], rowValue(FacetCountry, tb.dict[FacetCountry].ids["IT"])) {
		t.Errorf("the publisher's country is missing from the row: %v", tb.rows[a])
	}
	tb.setCountries(map[string]string{})
	check("countries forgotten")
}
