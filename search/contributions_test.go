package search

import (
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

func TestSearch_ContributingAdministrationsFacetAndSort(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	ctx := t.Context()
	st := s.(*sqlstore.Store)
	ids := map[string]string{}
	all, _ := ix.Search(ctx, Request{Size: 10})
	list, _ := st.SoftwareByIDs(ctx, all.IDs)
	for _, sw := range list {
		ids[sw.Name] = sw.ID
	}
	admins := func(n int) *catalogue.Contributions {
		c := &catalogue.Contributions{Commits: 10 * n}
		for i := range n {
			c.Contributors = append(c.Contributors, catalogue.Contributor{Kind: catalogue.KindAdministration, Publisher: string(rune('a' + i)),
				Name: "Admin " + string(rune('A'+i)), Commits: 10})
		}
		// A company and the individuals do not count as administrations.
		c.Contributors = append(c.Contributors, catalogue.Contributor{Kind: catalogue.KindCompany, Name: "Acme", Commits: 5},
			catalogue.Contributor{Kind: catalogue.KindIndividuals, Name: "Individuals", Commits: 5})
		return c
	}
	for name, n := range map[string]int{"Zaakregistratie": 3, "Parkeervergunningen": 1, "Protocollo": 12} {
		if err := st.SetContributions(ctx, ids[name], admins(n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Request{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]map[string]int{}
	for _, f := range res.Facets {
		counts[f.Name] = map[string]int{}
		for _, v := range f.Values {
			counts[f.Name][v.Value] = v.Count
		}
	}
	if c := counts["contributingAdministrations"]; c["1"] != 1 || c["2-4"] != 1 || c["10+"] != 1 || c["0"] != len(ids)-3 {
		t.Errorf("contributingAdministrations counts = %v", c)
	}
	got := found(t, ix, s, Request{Filters: map[Facet][]string{FacetContributingAdministrations: {"2-4", "5-9", "10+"}}, Sort: "-contributingAdministrations"})
	if strings.Join(got, ",") != "Protocollo,Zaakregistratie" {
		t.Errorf("built together, most administrations first = %v", got)
	}
	asc := found(t, ix, s, Request{Sort: "contributingAdministrations"})
	if len(asc) != len(ids) || asc[len(asc)-1] != "Protocollo" {
		t.Errorf("fewest administrations first = %v", asc)
	}
	p1, _ := ix.Search(ctx, Request{Sort: "-contributingAdministrations", Size: 1})
	p2, err := ix.Search(ctx, Request{Sort: "-contributingAdministrations", Size: 1, After: p1.Next})
	if err != nil || len(p2.IDs) != 1 || p2.IDs[0] != ids["Zaakregistratie"] {
		t.Errorf("second page by contributing administrations = %v, %v", p2.IDs, err)
	}
}
