package ui

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
)

func TestCollaborationPage_DrawsAdministrationsAndTheSoftwareTheyShare(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	ctx := t.Context()
	// A uses its software (declared below), B contributes to it: shared.
	if err := js.store.SetContributions(ctx, js.software, figures(time.Now())); err != nil {
		t.Fatal(err)
	}
	_, body := js.browser(t).get("/collaboration?lang=en")
	doc := parse(t, body)
	svg := find(doc, "svg", "role", "img")
	if svg == nil || attr(svg, "aria-labelledby") == "" {
		t.Fatal("no picture with an accessible name")
	}
	list := text(find(doc, "ul", "class", "collab-list"))
	if !strings.Contains(list, "Kommune B") || !strings.Contains(list, "Parkeervergunning: contributes: 1") || !strings.Contains(list, "Gemeente A") {
		t.Errorf("the list:\n%s", list)
	}
	if strings.Count(body, "<line ") != 2 {
		t.Errorf("%d links drawn, want 2", strings.Count(body, "<line "))
	}
	// Filtered to Denmark, only Kommune B is left: nothing is shared within it.
	_, body = js.browser(t).get("/collaboration?lang=en&country=DK")
	if !strings.Contains(body, "No software is shared by two administrations here yet.") {
		t.Error("a country with one administration shows a shared entry")
	}
	// Filtered to the category: the same two.
	_, body = js.browser(t).get("/collaboration?lang=en&category=online-booking")
	if !strings.Contains(body, "2 administrations share 1 software entries.") {
		t.Errorf("by category: %s", text(find(parse(t, body), "main", "", "")))
	}
}

// generatedCollaboration is a catalogue of administrations and software made
// up for the benchmark, in front of a real store.
type generatedCollaboration struct {
	catalogue.Store
	admins   []catalogue.CollabAdmin
	software []catalogue.CollabSoftware
	links    []catalogue.CollabLink
}

func (g generatedCollaboration) CollaborationLinks(context.Context) ([]catalogue.CollabAdmin, []catalogue.CollabSoftware, []catalogue.CollabLink, error) {
	return g.admins, g.software, g.links, nil
}

func generateCollaboration(store catalogue.Store, admins, software int) generatedCollaboration {
	countries := strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK")
	categories := strings.Fields("accounting document-management e-signature online-booking project-management " +
		"content-management geographic-information-systems data-analytics collaboration email-management " +
		"identity-management payment-gateway survey knowledge-management workflow-management")
	g := generatedCollaboration{Store: store}
	for i := range admins {
		g.admins = append(g.admins, catalogue.CollabAdmin{ID: fmt.Sprint("admin-", i), Name: fmt.Sprint("Administration ", i), Country: countries[i%len(countries)]})
	}
	for i := range software {
		g.software = append(g.software, catalogue.CollabSoftware{ID: fmt.Sprint("sw-", i), Name: fmt.Sprint("Software ", i),
			Categories: []string{categories[i%len(categories)], categories[(i*7)%len(categories)]}})
	}
	rels := []catalogue.CollabRelation{catalogue.RelationUses, catalogue.RelationCoDevelops, catalogue.RelationContributes}
	for i := range admins {
		for k := range 25 { // each administration has 25 links, over popular and rare software
			s := (i*31 + k*k*97) % software
			if k%2 == 0 {
				s %= software / 20
			}
			g.links = append(g.links, catalogue.CollabLink{Publisher: fmt.Sprint("admin-", i), Software: fmt.Sprint("sw-", s), Relation: rels[(i+k)%3]})
		}
	}
	return g
}

// BenchmarkCollaborationPage renders /collaboration over 1,000 administrations
// and 10,000 software entries (generated), whole and filtered.
func BenchmarkCollaborationPage(b *testing.B) {
	store, err := sqlstore.Open(b.Context(), sqlstore.Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	index, err := search.Open(b.Context(), b.TempDir(), store, quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer index.Close()
	srv, err := New(storeSources(store), index, Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	srv.collaboration = generateCollaboration(store, 1000, 10000)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, q := range []string{"all", "country=NL", "category=online-booking", "country=NL&category=online-booking"} {
		b.Run(q, func(b *testing.B) {
			var size int64
			for b.Loop() {
				resp, err := ts.Client().Get(ts.URL + "/collaboration?" + q)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("%v %v", resp, err)
				}
				size, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			b.ReportMetric(float64(size), "page-bytes")
		})
	}
}

// collaborationTemplateCases are the branches of the collaboration page:
// nothing shared, the whole picture, and one aggregated by country and
// category (with a filter chosen).
func collaborationTemplateCases(t *testing.T) []templateCase {
	t.Helper()
	texts, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	l := localiser{b: texts, Lang: "en"}
	page := func(g generatedCollaboration, f catalogue.CollabFilter) collaborationPage {
		v := collaborationPage{Filter: f}
		v.Countries, v.Categories = collabChoices(l, g.admins, g.software)
		v.Graph = catalogue.BuildCollaboration(g.admins, g.software, g.links, f, collabMaxNodes)
		v.Picture, v.Groups = collabDrawing(collabNamer{l: l, f: f, g: &v.Graph}, v.Graph)
		return v
	}
	small, large := generateCollaboration(nil, 6, 40), generateCollaboration(nil, 1000, 10000)
	return []templateCase{
		{"nothing shared", "collaboration", view{Page: page(generatedCollaboration{}, catalogue.CollabFilter{})}},
		{"the whole picture", "collaboration", view{Page: page(small, catalogue.CollabFilter{})}},
		{"aggregated by country and category", "collaboration", view{Page: page(large, catalogue.CollabFilter{})}},
		{"one country's picture", "collaboration", view{Page: page(large, catalogue.CollabFilter{Country: "NL", Category: "online-booking"})}},
	}
}

func TestCollaborationTemplate_EveryBranchRendersInEveryLanguage(t *testing.T) {
	t.Parallel()
	cases := collaborationTemplateCases(t)
	if g := cases[2].v.Page.(collaborationPage).Graph; !g.ByCountry || !g.ByCategory || len(g.Left) > collabMaxNodes {
		t.Errorf("1,000 administrations are not aggregated: by country %v, by category %v, %d nodes", g.ByCountry, g.ByCategory, len(g.Left))
	}
	if groups := cases[2].v.Page.(collaborationPage).Groups; len(groups) == 0 || !strings.HasPrefix(groups[0].Href, "/collaboration?country=") {
		t.Errorf("a country of the aggregated picture does not lead to its own picture: %+v", groups[:min(1, len(groups))])
	}
	if g := cases[1].v.Page.(collaborationPage).Graph; g.ByCountry || len(g.Edges) == 0 {
		t.Errorf("a few administrations are not drawn whole: %+v", g)
	}
	renderTemplateCases(t, cases)
}
