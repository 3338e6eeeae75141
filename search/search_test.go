package search

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// catalogueFixture lists a small multilingual catalogue and opens its index.
func catalogueFixture(t *testing.T) (*Index, catalogue.Store) {
	t.Helper()
	s := catalogueStore(t)
	ix, err := Open(t.Context(), t.TempDir(), s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, s
}

// catalogueStore is catalogueFixture's catalogue, without its index.
func catalogueStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	s := openStore(t)
	if err := s.SyncPublishers(t.Context(), []catalogue.Publisher{
		{ID: "roma", Name: "Roma", Country: "IT"}, {ID: "utrecht", Name: "Utrecht", Country: "NL"},
	}); err != nil {
		t.Fatal(err)
	}
	files := []struct{ pub, repo, yaml string }{
		{"roma", "https://example.org/roma/sosta", `name: SostaFacile
categories: [payment-gateway, online-booking]
platforms: [web, android]
developmentStatus: stable
softwareType: standalone/web
legal: {license: "EUPL-1.2 OR MIT"}
intendedAudience: {scope: [transportation], countries: [IT]}
description:
  it:
    shortDescription: Pagamento della sosta e permessi di parcheggio per i residenti
    longDescription: I cittadini pagano il parcheggio dallo smartphone.
    features: [Abbonamenti per la sosta]
`},
		{"utrecht", "https://example.org/utrecht/parkeren", `name: Parkeervergunningen
categories: [online-booking]
platforms: [web]
developmentStatus: beta
softwareType: standalone/web
legal: {license: AGPL-3.0-or-later}
intendedAudience: {scope: [transportation]}
description:
  nl:
    shortDescription: Bewoners vragen online een parkeervergunning aan
    longDescription: Het parkeren wordt eenvoudig geregeld voor bewoners en bezoekers.
`},
		{"utrecht", "https://example.org/utrecht/zaken", `name: Zaakregistratie
categories: [document-management]
platforms: [web, linux]
developmentStatus: stable
legal: {license: EUPL-1.2}
description:
  nl:
    shortDescription: Zaakgericht werken voor gemeenten
    longDescription: Registratie van zaken en documenten volgens de standaarden.
  en:
    shortDescription: Case management for municipalities
`},
		{"roma", "https://example.org/roma/protocollo", `name: Protocollo
categories: [document-management]
platforms: [web]
developmentStatus: development
legal: {license: AGPL-3.0-or-later}
description:
  it:
    shortDescription: Protocollo informatico e gestione documentale
    longDescription: Registrazione dei documenti in entrata e in uscita.
`},
	}
	for _, f := range files {
		if err := s.RegisterRepository(t.Context(), f.pub, f.repo); err != nil {
			t.Fatal(err)
		}
		list(t, s, f.repo, f.yaml)
	}
	return s
}

func found(t *testing.T, ix *Index, s catalogue.Store, req Request) []string {
	t.Helper()
	res, err := ix.Search(t.Context(), req)
	if err != nil {
		t.Fatalf("%+v: %v", req, err)
	}
	return names(t, s, res.IDs)
}

func TestSearch_MatchesAcrossLanguages(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	tests := []struct {
		q    string
		want string
		// anywhere: the entry is found, not necessarily first
		anywhere bool
	}{
		{q: "parcheggi", want: "SostaFacile"}, // Italian stemming: parcheggi ~ parcheggio
		{q: "documenti", want: "Protocollo"},  // plural and singular
		{q: "parkeervergunning", want: "Parkeervergunningen"},
		{q: "bewoner", want: "Parkeervergunningen"},     // Dutch stemming: bewoners
		{q: "case management", want: "Zaakregistratie"}, // English description
		{q: "protocolo", want: "Protocollo"},            // one typo in a word of five letters or more
		{q: "zaakreg", want: "Zaakregistratie"},         // type-ahead on names
		{q: "\"gestione documentale\"", want: "Protocollo"},
		{q: "parkering", want: "SostaFacile", anywhere: true},     // Danish word for a scope the Italian file names
		{q: "stationnement", want: "SostaFacile", anywhere: true}, // French word, same scope
		{q: "citta", want: ""},
	}
	for _, tt := range tests {
		got := found(t, ix, s, Request{Text: tt.q})
		if tt.want == "" {
			continue
		}
		if tt.anywhere {
			if !strings.Contains(","+strings.Join(got, ",")+",", ","+tt.want+",") {
				t.Errorf("%q → %v, want %s among them", tt.q, got, tt.want)
			}
			continue
		}
		if len(got) == 0 || got[0] != tt.want {
			t.Errorf("%q → %v, want %s first", tt.q, got, tt.want)
		}
	}
	if got := found(t, ix, s, Request{Text: `"documentale gestione"`}); len(got) != 0 && got[0] == "Protocollo" && len(got) == 1 {
		t.Errorf("a phrase in the wrong order matched exactly: %v", got)
	}
}

func TestSearch_FiltersAndCountsFacetsLikeAShop(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	ctx := t.Context()
	res, err := ix.Search(ctx, Request{Filters: map[Facet][]string{FacetCountry: {"NL"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("country NL: %d entries", res.Total)
	}
	counts := facetMap(res)
	// The country facet ignores its own selection: IT still shows its count.
	if counts["country"]["IT"] != 2 || counts["country"]["NL"] != 2 {
		t.Errorf("country counts = %v", counts["country"])
	}
	// Other facets count within the selection.
	if counts["developmentStatus"]["beta"] != 1 || counts["developmentStatus"]["development"] != 0 {
		t.Errorf("status counts = %v", counts["developmentStatus"])
	}
	// Licence identifiers are split out of expressions.
	all, _ := ix.Search(ctx, Request{})
	if c := facetMap(all)["license"]; c["EUPL-1.2"] != 2 || c["MIT"] != 1 || c["AGPL-3.0-or-later"] != 2 {
		t.Errorf("licence counts = %v", c)
	}

	// OR within a facet, AND across facets.
	got := found(t, ix, s, Request{Filters: map[Facet][]string{
		FacetDevelopmentStatus: {"stable", "beta"},
		FacetCategories:        {"online-booking"},
	}})
	if strings.Join(got, ",") != "Parkeervergunningen,SostaFacile" {
		t.Errorf("stable|beta AND online-booking = %v", got)
	}
	if got := found(t, ix, s, Request{Text: "cittadini", Filters: map[Facet][]string{FacetPublisher: {"utrecht"}}}); len(got) != 0 {
		t.Errorf("text AND publisher = %v", got)
	}
	if got := found(t, ix, s, Request{Filters: map[Facet][]string{FacetLicense: {"NOT-A-LICENCE"}}}); len(got) != 0 {
		t.Errorf("an unknown value matched %v", got)
	}
	// The country facet takes the publisher's country and the file's audience.
	if got := found(t, ix, s, Request{Filters: map[Facet][]string{FacetScope: {"transportation"}, FacetArchived: {"false"}}}); len(got) != 2 {
		t.Errorf("scope transportation = %v", got)
	}
}

func facetMap(r Result) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, f := range r.Facets {
		out[f.Name] = map[string]int{}
		for _, v := range f.Values {
			out[f.Name][v.Value] = v.Count
		}
	}
	return out
}

func TestSearch_SortsAndFiltersByUpdate(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	if got := found(t, ix, s, Request{Sort: "name"}); strings.Join(got, ",") != "Parkeervergunningen,Protocollo,SostaFacile,Zaakregistratie" {
		t.Errorf("by name = %v", got)
	}
	if got := found(t, ix, s, Request{Sort: "-name"}); got[0] != "Zaakregistratie" {
		t.Errorf("by name descending = %v", got)
	}
	// Entries were listed in order: the latest update comes first.
	if got := found(t, ix, s, Request{Sort: "-updated"}); got[0] != "Protocollo" {
		t.Errorf("by update = %v", got)
	}
	if _, err := ix.Search(t.Context(), Request{Sort: "colour"}); err == nil {
		t.Error("an unknown sort was accepted")
	}
	if got := found(t, ix, s, Request{UpdatedSince: time.Now().Add(time.Hour)}); len(got) != 0 {
		t.Errorf("updated since the future = %v", got)
	}
	if got := found(t, ix, s, Request{UpdatedSince: time.Now().Add(-time.Hour)}); len(got) != 4 {
		t.Errorf("updated in the last hour = %v", got)
	}
	// Cursors belong to their sort order.
	res, _ := ix.Search(t.Context(), Request{Sort: "name", Size: 1})
	if _, err := ix.Search(t.Context(), Request{Sort: "-updated", After: res.Next}); err != ErrBadCursor {
		t.Errorf("a cursor of another order: %v", err)
	}
}

func TestSearch_SuggestsWhenNothingMatches(t *testing.T) {
	t.Parallel()
	ix, _ := catalogueFixture(t)
	res, err := ix.Search(t.Context(), Request{Text: "regstrazzione"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 || res.Suggestion != "registrazione" {
		t.Errorf("total %d, suggestion %q", res.Total, res.Suggestion)
	}
}

func TestSearch_SurvivesHostileQueries(t *testing.T) {
	t.Parallel()
	ix, _ := catalogueFixture(t)
	for _, q := range []string{
		strings.Repeat("parcheggio ", 1000),
		strings.Repeat("x", 10000),
		`"unbalanced quote`,
		`*`, `???`, `* ? *`, `"" ""`, `((((`, `name:foo`, `+-&&||!`, "\x00\xff",
	} {
		// A generous bound: a hostile query must end, however busy the machine.
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		if _, err := ix.Search(ctx, Request{Text: q}); err != nil {
			t.Errorf("%.30q: %v", q, err)
		}
		cancel()
	}
}

func TestSnippet_MarksMatchingWordsAndEscapes(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	res, _ := ix.Search(t.Context(), Request{Text: "parcheggi"})
	list, _ := s.SoftwareByIDs(t.Context(), res.IDs)
	got, in := Snippet(list[0], res.Terms, "it")
	if !strings.Contains(got, "<mark>parcheggio</mark>") {
		t.Errorf("snippet = %q", got)
	}
	if in != "it" {
		t.Errorf("snippet's language = %q, want it", in)
	}
	sw := list[0]
	d := sw.File.Description["it"]
	d.ShortDescription = "<b>parcheggio</b> & co"
	sw.File.Description["it"] = d
	if got, _ := Snippet(sw, []string{"parcheggio"}, "it"); got != "&lt;b&gt;<mark>parcheggio</mark>&lt;/b&gt; &amp; co" {
		t.Errorf("escaped snippet = %q", got)
	}
}

func TestLicenseIDs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"MIT": "MIT",
		"(GPL-3.0-only OR MIT) AND Apache-2.0 WITH LLVM-exception": "GPL-3.0-only,MIT,Apache-2.0",
		"EUPL-1.2 or MIT": "EUPL-1.2,MIT",
		"":                "",
		"GPL-2.0+":        "GPL-2.0",
	} {
		if got := strings.Join(LicenseIDs(in), ","); got != want {
			t.Errorf("LicenseIDs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearch_TotalAndPagesStayConsistentUnderFilters(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	for i := range 30 {
		status := "stable"
		if i%3 == 0 {
			status = "beta"
		}
		list(t, s, fmt.Sprintf("https://example.org/x/r%02d", i), fmt.Sprintf("name: Tool %02d\ndevelopmentStatus: %s\n", i, status))
	}
	ix, err := Open(t.Context(), t.TempDir(), s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	req := Request{Text: "tool", Filters: map[Facet][]string{FacetDevelopmentStatus: {"beta"}}, Size: 4, Sort: "-updated"}
	seen := 0
	for {
		res, err := ix.Search(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 10 {
			t.Errorf("total = %d", res.Total)
		}
		seen += len(res.IDs)
		if res.Next == "" {
			break
		}
		req.After = res.Next
	}
	if seen != 10 {
		t.Errorf("paged through %d of 10", seen)
	}
}

func TestFold_IsSafeForConcurrentSearches(t *testing.T) {
	t.Parallel()
	done := make(chan bool)
	for range 8 {
		go func() {
			for range 2000 {
				if fold("Città") != "citta" || fold("ÆbleØ") == "" {
					t.Error("fold")
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

func TestSearch_SortsByFirstListing(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	// The fixture lists SostaFacile first and Protocollo last.
	if got := found(t, ix, s, Request{Sort: "-created"}); got[0] != "Protocollo" || got[len(got)-1] != "SostaFacile" {
		t.Errorf("newest first = %v", got)
	}
	res, _ := ix.Search(t.Context(), Request{Sort: "created", Size: 1})
	next, err := ix.Search(t.Context(), Request{Sort: "created", Size: 1, After: res.Next})
	if err != nil || len(next.IDs) != 1 || next.IDs[0] == res.IDs[0] {
		t.Errorf("paging by creation: %v %v", next, err)
	}
}
