package ui

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// collabMaxNodes is how many nodes a side of the picture draws before it is
// aggregated (administrations by country, software by category), so that it
// stays readable with thousands of administrations.
const collabMaxNodes = 40

// collaborationPage is /collaboration: administrations and the software they
// share, as a server-drawn bipartite SVG and the same content as a list,
// filterable by country and category.
type collaborationPage struct {
	Filter     catalogue.CollabFilter
	Countries  []labelled
	Categories []labelled
	Graph      catalogue.CollabGraph
	Picture    collabPicture
	Groups     []collabGroup
}

// collabPicture is the SVG's geometry.
type collabPicture struct {
	Width, Height int
	Left, Right   []collabDot
	Lines         []collabLine
}

type collabDot struct {
	X, Y, LabelX int
	Anchor       string
	Label        string
}

type collabLine struct {
	X1, Y1, X2, Y2 int
	Colour         string
	Width          string
}

// collabGroup is one left node with its links, for the list.
type collabGroup struct {
	Label, Href string
	Count       int
	Items       []collabItem
}

type collabItem struct {
	Label, Href, Relations string
}

// Geometry of the picture.
const (
	collabWidth  = 960
	collabRow    = 22
	collabTop    = 24
	collabLeftX  = 300
	collabRightX = 660
)

// relationColours tell the relations apart, each with 3:1 contrast on white.
var relationColours = map[string]string{"uses": "#0b4f9c", "co-develops": "#2e7d32", "contributes": "#b3540f"}

func (s *Server) collaborationPage(c echo.Context) error {
	l := s.localiser(c)
	f := catalogue.CollabFilter{Country: strings.ToUpper(strings.TrimSpace(c.QueryParam("country"))), Category: strings.TrimSpace(c.QueryParam("category"))}
	v, err := s.collaborationView(c.Request().Context(), l, f)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "collaboration", view{Title: l.T("ui.collab.title"), Section: "collaboration", Page: v,
		Description: l.T("ui.collab.lead")})
}

// collaborationView builds the page's data.
func (s *Server) collaborationView(ctx context.Context, l localiser, f catalogue.CollabFilter) (collaborationPage, error) {
	src, ok := s.collaboration, s.collaboration != nil
	if !ok {
		return collaborationPage{}, fmt.Errorf("collaboration: %w", catalogue.ErrNotFound)
	}
	admins, software, links, err := src.CollaborationLinks(ctx)
	if err != nil {
		return collaborationPage{}, err
	}
	v := collaborationPage{Filter: f}
	v.Countries, v.Categories = collabChoices(l, admins, software)
	v.Graph = catalogue.BuildCollaboration(admins, software, links, f, collabMaxNodes)
	n := collabNamer{l: l, f: f, g: &v.Graph}
	v.Picture, v.Groups = collabDrawing(n, v.Graph)
	return v, nil
}

// collabChoices are the filter's countries and categories.
func collabChoices(l localiser, admins []catalogue.CollabAdmin, software []catalogue.CollabSoftware) (countries, categories []labelled) {
	cs, cats := map[string]bool{}, map[string]bool{}
	for _, a := range admins {
		if a.Country != "" {
			cs[a.Country] = true
		}
	}
	for _, sw := range software {
		for _, cat := range sw.Categories {
			cats[cat] = true
		}
	}
	for _, cc := range sortedKeys(cs) {
		countries = append(countries, labelled{Value: cc, Label: l.CountryName(cc)})
	}
	for _, cat := range sortedKeys(cats) {
		categories = append(categories, labelled{Value: cat, Label: l.Label("category", cat)})
	}
	return countries, categories
}

// collabNamer names the picture's nodes, with where each leads: an
// administration's or software's page, or the picture filtered to a country
// or category (where it is drawn whole).
type collabNamer struct {
	l localiser
	f catalogue.CollabFilter
	g *catalogue.CollabGraph
}

func (n collabNamer) left(node catalogue.CollabNode) (string, string) {
	switch {
	case node.Key == "":
		return n.l.T("ui.collab.others", "count", node.Count), ""
	case !n.g.ByCountry:
		return node.Label, "/publishers/" + url.PathEscape(node.Key)
	case node.Key == "-":
		return n.l.T("ui.collab.noCountry", "count", node.Count), ""
	}
	return n.l.T("ui.collab.country", "country", n.l.CountryName(node.Key), "count", node.Count), "/collaboration?" + collabQuery(node.Key, n.f.Category)
}

func (n collabNamer) right(node catalogue.CollabNode) (string, string) {
	switch {
	case node.Key == "":
		return n.l.T("ui.collab.others", "count", node.Count), ""
	case !n.g.ByCategory:
		return node.Label, "/software/" + url.PathEscape(node.Key)
	case node.Key == "-":
		return n.l.T("ui.collab.noCategory", "count", node.Count), ""
	}
	return n.l.T("ui.collab.category", "category", n.l.Label("category", node.Key), "count", node.Count), "/collaboration?" + collabQuery(n.f.Country, node.Key)
}

// collabDrawing is the SVG's geometry and the same content as a list.
func collabDrawing(n collabNamer, g catalogue.CollabGraph) (collabPicture, []collabGroup) {
	rows := max(len(g.Left), len(g.Right))
	p := collabPicture{Width: collabWidth, Height: collabTop*2 + rows*collabRow}
	y := func(i, n int) int { // each side centred on the taller one
		return collabTop + (rows-n)*collabRow/2 + i*collabRow + collabRow/2
	}
	groups := make([]collabGroup, len(g.Left))
	for i, node := range g.Left {
		label, href := n.left(node)
		p.Left = append(p.Left, collabDot{X: collabLeftX, Y: y(i, len(g.Left)), LabelX: collabLeftX - 10, Anchor: "end", Label: shorten(label, 40)})
		groups[i] = collabGroup{Label: label, Href: href, Count: node.Count}
	}
	for i, node := range g.Right {
		label, _ := n.right(node)
		p.Right = append(p.Right, collabDot{X: collabRightX, Y: y(i, len(g.Right)), LabelX: collabRightX + 10, Anchor: "start", Label: shorten(label, 40)})
	}
	for _, e := range g.Edges {
		p.Lines = append(p.Lines, collabLine{X1: collabLeftX, Y1: p.Left[e.L].Y, X2: collabRightX, Y2: p.Right[e.R].Y, Colour: relationColours[mainRelation(e)],
			Width: fmt.Sprintf("%.1f", 1+math.Log2(float64(e.Total())))})
		label, href := n.right(g.Right[e.R])
		var rels []string
		for _, r := range []struct {
			key string
			n   int
		}{{"uses", e.Uses}, {"co-develops", e.CoDevelops}, {"contributes", e.Contributes}} {
			if r.n > 0 {
				rels = append(rels, n.l.T("ui.collab.rel."+r.key, "count", r.n))
			}
		}
		groups[e.L].Items = append(groups[e.L].Items, collabItem{Label: label, Href: href, Relations: strings.Join(rels, ", ")})
	}
	return p, groups
}

// mainRelation is the relation most of an edge's links have (its colour).
func mainRelation(e catalogue.CollabEdge) string {
	rel, most := "uses", e.Uses
	if e.CoDevelops > most {
		rel, most = "co-develops", e.CoDevelops
	}
	if e.Contributes > most {
		rel = "contributes"
	}
	return rel
}

func collabQuery(country, category string) string {
	q := url.Values{}
	if country != "" && country != "-" {
		q.Set("country", country)
	}
	if category != "" && category != "-" {
		q.Set("category", category)
	}
	return q.Encode()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// shorten cuts a label for the picture (the list has it whole).
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
