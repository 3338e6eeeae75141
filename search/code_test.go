package search

import (
	"slices"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

// codeCrawl records a crawl of repo that found no publiccode file but facts.
func codeCrawl(t *testing.T, s catalogue.Store, repo string, facts catalogue.CodeFacts) {
	t.Helper()
	if _, err := s.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: repo, Head: "h", Outcome: catalogue.StatusNoPubliccode,
		Reason: "no publiccode.yml", Code: &facts}); err != nil {
		t.Fatal(err)
	}
}

func TestSearch_CodeEntriesAreASecondTierWithTheirOwnFacets(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	if err := s.RegisterRepository(t.Context(), "utrecht", "https://example.org/utrecht/parkeer-scripts"); err != nil {
		t.Fatal(err)
	}
	codeCrawl(t, s, "https://example.org/utrecht/parkeer-scripts", catalogue.CodeFacts{
		Readme: "Scripts voor het beheer van de parkeervergunningen.", License: "MIT", ProgrammingLanguages: []string{"Go", "Shell"}})
	if err := s.RegisterRepository(t.Context(), "roma", "https://example.org/roma/sosta-app"); err != nil {
		t.Fatal(err)
	}
	codeCrawl(t, s, "https://example.org/roma/sosta-app", catalogue.CodeFacts{Readme: "App per la sosta.", ProgrammingLanguages: []string{"Kotlin"}})
	if err := ix.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}

	// Software searches do not see code entries.
	sres, err := ix.Search(t.Context(), Request{Text: "parkeervergunningen"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, s, sres.IDs); len(got) != len(sres.IDs) || len(got) == 0 || got[0] != "Parkeervergunningen" {
		t.Errorf("software search → %v (IDs %v)", got, sres.IDs)
	}
	res, err := ix.Search(t.Context(), Request{Text: "parkeervergunningen", Kind: KindCode})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.IDs) != 1 {
		t.Fatalf("code search → %+v", res)
	}
	e, err := s.(catalogue.CodeReader).CodeEntry(t.Context(), res.IDs[0])
	if err != nil || e.Name != "parkeer-scripts" {
		t.Fatalf("code entry %s = %+v, %v", res.IDs[0], e, err)
	}
	var facetNames []string
	for _, f := range res.Facets {
		facetNames = append(facetNames, f.Name)
	}
	if !slices.Equal(facetNames, []string{"license", "programmingLanguages", "publisher", "country", "archived"}) {
		t.Errorf("code facets = %v", facetNames)
	}

	// Filters: the country comes from the publisher; languages from the tree.
	checkCodeFilters(t, ix)

	// The repository gains a publiccode.yml: the code entry leaves the index.
	list(t, s, "https://example.org/utrecht/parkeer-scripts", "name: Parkeerscripts\n")
	if err := ix.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if res, _ := ix.Search(t.Context(), Request{Text: "parkeervergunningen", Kind: KindCode}); res.Total != 0 {
		t.Errorf("after the file was added, code search → %+v", res)
	}

	// A rebuilt index holds the remaining code entry.
	dir := t.TempDir()
	if _, err := Build(t.Context(), dir, s.(Source)); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(t.Context(), dir, s.(Source), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if res, _ := ix2.Search(t.Context(), Request{Text: "sosta", Kind: KindCode}); res.Total != 1 {
		t.Errorf("rebuilt index, code search → %+v", res)
	}
}

// codeFilterCases are code searches by filter and how many entries of the
// test's two each finds.
var codeFilterCases = []struct {
	filters map[Facet][]string
	want    int
}{
	{map[Facet][]string{FacetCountry: {"IT"}}, 1},
	{map[Facet][]string{FacetProgrammingLanguages: {"Go"}}, 1},
	{map[Facet][]string{FacetProgrammingLanguages: {"Go", "Kotlin"}}, 2},
	{map[Facet][]string{FacetLicense: {"MIT"}, FacetCountry: {"IT"}}, 0},
}

func checkCodeFilters(t *testing.T, ix *Index) {
	t.Helper()
	for _, c := range codeFilterCases {
		res, err := ix.Search(t.Context(), Request{Kind: KindCode, Filters: c.filters})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != c.want {
			t.Errorf("filters %v → %d, want %d", c.filters, res.Total, c.want)
		}
		// A software search counts the same code entries in its own pass.
		sw, err := ix.Search(t.Context(), Request{Also: &Also{Kind: KindCode, Filters: c.filters}})
		if err != nil {
			t.Fatal(err)
		}
		if sw.AlsoTotal != c.want || sw.Total == 0 {
			t.Errorf("software search counting code entries with filters %v → %d of them (and %d software), want %d", c.filters, sw.AlsoTotal, sw.Total, c.want)
		}
	}
	for text, want := range map[string]int{"parkeervergunningen": 1, "sosta": 1, "nothing-like-it": 0} {
		res, err := ix.Search(t.Context(), Request{Text: text, Also: &Also{Kind: KindCode}})
		if err != nil {
			t.Fatal(err)
		}
		if res.AlsoTotal != want {
			t.Errorf("%q counts %d code entries too, want %d", text, res.AlsoTotal, want)
		}
	}
}
