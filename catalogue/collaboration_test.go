package catalogue

import (
	"fmt"
	"testing"
)

func TestBuildCollaboration_DrawsSharedSoftwareAndAggregatesBeyondASize(t *testing.T) {
	t.Parallel()
	admins := []CollabAdmin{{"a", "Amsterdam", "NL"}, {"b", "Bologna", "IT"}, {"c", "Cork", "IE"}, {"d", "Delft", "NL"}}
	software := []CollabSoftware{{"zaak", "Zaken", []string{"case-management"}}, {"park", "Parkeren", []string{"online-booking"}},
		{"solo", "Solo", []string{"case-management"}}}
	links := []CollabLink{
		{"a", "zaak", RelationUses}, {"a", "zaak", RelationContributes}, {"b", "zaak", RelationCoDevelops},
		{"c", "park", RelationUses}, {"d", "park", RelationContributes},
		{"a", "solo", RelationUses}, // used by one administration only: not shared
		{"x", "zaak", RelationUses}, // not an administration here
	}
	tests := []struct {
		name   string
		f      CollabFilter
		max    int
		left   []string
		right  []string
		edges  string
		counts [2]int
	}{
		{"everything", CollabFilter{}, 10, []string{"Amsterdam", "Bologna", "Cork", "Delft"}, []string{"Zaken", "Parkeren"},
			"0-0:1/0/1 1-0:0/1/0 2-1:1/0/0 3-1:0/0/1", [2]int{4, 2}},
		{"one country: nothing is shared within it", CollabFilter{Country: "NL"}, 10, nil, nil, "", [2]int{0, 0}},
		{"one category", CollabFilter{Category: "online-booking"}, 10, []string{"Cork", "Delft"}, []string{"Parkeren"}, "0-0:1/0/0 1-0:0/0/1", [2]int{2, 1}},
		{"by country beyond the size", CollabFilter{}, 3, []string{"NL", "IE", "IT"}, []string{"Zaken", "Parkeren"},
			"0-0:1/0/1 0-1:0/0/1 1-1:1/0/0 2-0:0/1/0", [2]int{4, 2}},
	}
	for _, tt := range tests {
		g := BuildCollaboration(admins, software, links, tt.f, tt.max)
		var left, right []string
		for _, n := range g.Left {
			left = append(left, n.Label)
		}
		for _, n := range g.Right {
			right = append(right, n.Label)
		}
		edges := ""
		for i, e := range g.Edges {
			if i > 0 {
				edges += " "
			}
			edges += fmt.Sprintf("%d-%d:%d/%d/%d", e.L, e.R, e.Uses, e.CoDevelops, e.Contributes)
		}
		if fmt.Sprint(left) != fmt.Sprint(tt.left) || fmt.Sprint(right) != fmt.Sprint(tt.right) || edges != tt.edges ||
			g.Administrations != tt.counts[0] || g.Software != tt.counts[1] {
			t.Errorf("%s: left %v right %v edges %q counts %d/%d", tt.name, left, right, edges, g.Administrations, g.Software)
		}
	}

	// Many administrations in many countries: at most max nodes a side, the rest as "others".
	var many []CollabAdmin
	var manyLinks []CollabLink
	for i := range 50 {
		id := fmt.Sprint("p", i)
		many = append(many, CollabAdmin{id, id, fmt.Sprintf("C%02d", i)})
		manyLinks = append(manyLinks, CollabLink{id, "zaak", RelationUses})
	}
	g := BuildCollaboration(many, software, manyLinks, CollabFilter{}, 10)
	if !g.ByCountry || len(g.Left) != 10 || g.Left[9].Key != "" || g.Left[9].Count != 41 || len(g.Edges) != 10 {
		t.Errorf("50 countries: %d nodes, last %+v, %d edges", len(g.Left), g.Left[len(g.Left)-1], len(g.Edges))
	}
}
