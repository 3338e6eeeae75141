package catalogue

import (
	"cmp"
	"slices"
)

// CollabRelation is how an administration shares a software: it uses it or
// co-develops it (confirmed join records), or contributes to it (its commits).
type CollabRelation string

// The relations the collaboration picture draws.
const (
	RelationUses        CollabRelation = "uses"
	RelationCoDevelops  CollabRelation = "co-develops"
	RelationContributes CollabRelation = "contributes"
)

// CollabAdmin, CollabSoftware and CollabLink are what the picture is built from.
type CollabAdmin struct{ ID, Name, Country string }

// CollabSoftware is a listed software with its categories.
type CollabSoftware struct {
	ID, Name   string
	Categories []string
}

// CollabLink is one relation of an administration to a software.
type CollabLink struct {
	Publisher, Software string
	Relation            CollabRelation
}

// CollabFilter narrows the picture to administrations of a country and
// software of a category (empty: all).
type CollabFilter struct{ Country, Category string }

// CollabGraph is the bipartite picture: administrations (or, beyond MaxNodes
// of them, their countries) on the left, the software they share (or, beyond
// MaxNodes, its categories) on the right, and the links between, counted by
// relation. A side still over MaxNodes keeps its MaxNodes-1 most linked nodes
// and merges the rest into one "others" node (Key empty).
type CollabGraph struct {
	Left, Right []CollabNode
	Edges       []CollabEdge
	// ByCountry and ByCategory say that a side was aggregated.
	ByCountry, ByCategory bool
	// Administrations and Software count what the picture covers.
	Administrations, Software int
}

// CollabNode is an administration, a country, a software or a category; Count
// is how many administrations or software it stands for.
type CollabNode struct {
	Key, Label string
	Count      int
	Links      int
}

// CollabEdge joins Left[L] and Right[R], with how many links of each relation.
type CollabEdge struct {
	L, R                          int
	Uses, CoDevelops, Contributes int
}

// Total is the edge's number of links.
func (e CollabEdge) Total() int { return e.Uses + e.CoDevelops + e.Contributes }

// collabPair is an administration and a software it has links to.
type collabPair struct{ p, s string }

// relationBits are a pair's relations, one bit each.
type relationBits uint8

var relationBit = map[CollabRelation]relationBits{RelationUses: 1, RelationCoDevelops: 2, RelationContributes: 4}

func (r relationBits) count() int { return int(r&1) + int(r>>1&1) + int(r>>2&1) }

// BuildCollaboration applies the rules above: a software is shared when at
// least two administrations (after the filter) have a link to it; only shared
// software and the administrations linked to it are drawn.
func BuildCollaboration(admins []CollabAdmin, software []CollabSoftware, links []CollabLink, f CollabFilter, maxNodes int) CollabGraph {
	maxNodes = max(maxNodes, 2)
	adminByID := make(map[string]CollabAdmin, len(admins))
	for _, a := range admins {
		adminByID[a.ID] = a
	}
	swByID := make(map[string]CollabSoftware, len(software))
	for _, s := range software {
		if f.Category == "" || slices.Contains(s.Categories, f.Category) {
			swByID[s.ID] = s
		}
	}
	seen := map[collabPair]relationBits{}
	sharers := map[string]int{} // distinct administrations per software
	for _, l := range links {
		a, ok := adminByID[l.Publisher]
		if !ok || (f.Country != "" && a.Country != f.Country) {
			continue
		}
		if _, ok := swByID[l.Software]; !ok {
			continue
		}
		k := collabPair{l.Publisher, l.Software}
		if _, ok := seen[k]; !ok {
			sharers[l.Software]++
		}
		seen[k] |= relationBit[l.Relation]
	}
	var g CollabGraph
	usedAdmins, usedSoftware := map[string]bool{}, map[string]bool{}
	for k := range seen {
		if sharers[k.s] >= 2 {
			usedAdmins[k.p], usedSoftware[k.s] = true, true
		}
	}
	g.Administrations, g.Software = len(usedAdmins), len(usedSoftware)
	g.ByCountry, g.ByCategory = len(usedAdmins) > maxNodes, len(usedSoftware) > maxNodes
	leftKey := func(id string) (string, string) {
		a := adminByID[id]
		if !g.ByCountry {
			return a.ID, a.Name
		}
		return cmp.Or(a.Country, "-"), cmp.Or(a.Country, "-")
	}
	rightKey := func(id string) (string, string) {
		s := swByID[id]
		switch {
		case !g.ByCategory:
			return s.ID, s.Name
		case len(s.Categories) == 0:
			return "-", "-"
		}
		return s.Categories[0], s.Categories[0]
	}
	g.draw(seen, usedSoftware, leftKey, rightKey, maxNodes)
	return g
}

// draw lays the shared pairs out: each side's nodes (by the key functions),
// then the edges between them, merged where nodes were.
func (g *CollabGraph) draw(seen map[collabPair]relationBits, shared map[string]bool, leftKey, rightKey func(string) (string, string), maxNodes int) {
	left, right := newSide(), newSide()
	type edgeKey struct{ l, r string }
	edges := map[edgeKey]*CollabEdge{}
	for k, rels := range seen {
		if !shared[k.s] {
			continue
		}
		lk, ll := leftKey(k.p)
		rk, rl := rightKey(k.s)
		left.add(lk, ll, k.p, rels.count())
		right.add(rk, rl, k.s, rels.count())
		e := edges[edgeKey{lk, rk}]
		if e == nil {
			e = &CollabEdge{}
			edges[edgeKey{lk, rk}] = e
		}
		e.Uses += int(rels & 1)
		e.CoDevelops += int(rels >> 1 & 1)
		e.Contributes += int(rels >> 2 & 1)
	}
	lIndex, rIndex := left.nodes(maxNodes, &g.Left), right.nodes(maxNodes, &g.Right)
	merged := map[[2]int]*CollabEdge{}
	for k, e := range edges {
		at := [2]int{lIndex[k.l], rIndex[k.r]}
		m := merged[at]
		if m == nil {
			m = &CollabEdge{L: at[0], R: at[1]}
			merged[at] = m
		}
		m.Uses, m.CoDevelops, m.Contributes = m.Uses+e.Uses, m.CoDevelops+e.CoDevelops, m.Contributes+e.Contributes
	}
	for _, e := range merged {
		g.Edges = append(g.Edges, *e)
	}
	slices.SortFunc(g.Edges, func(a, b CollabEdge) int { return cmp.Or(cmp.Compare(a.L, b.L), cmp.Compare(a.R, b.R)) })
}

// side gathers the nodes of one side of the picture; each item (an
// administration or a software) belongs to one node.
type side struct {
	byKey map[string]*CollabNode
	items map[string]bool
}

func newSide() *side {
	return &side{byKey: map[string]*CollabNode{}, items: map[string]bool{}}
}

func (s *side) add(key, label, item string, links int) {
	n := s.byKey[key]
	if n == nil {
		n = &CollabNode{Key: key, Label: label}
		s.byKey[key] = n
	}
	if !s.items[item] {
		s.items[item] = true
		n.Count++
	}
	n.Links += links
}

// nodes sorts the side (most links first), merges what is beyond maxNodes-1
// into "others", and returns each key's index.
func (s *side) nodes(maxNodes int, out *[]CollabNode) map[string]int {
	list := make([]CollabNode, 0, len(s.byKey))
	for _, n := range s.byKey {
		list = append(list, *n)
	}
	slices.SortFunc(list, func(a, b CollabNode) int {
		return cmp.Or(cmp.Compare(b.Links, a.Links), cmp.Compare(a.Label, b.Label), cmp.Compare(a.Key, b.Key))
	})
	index := make(map[string]int, len(list))
	kept := len(list)
	if len(list) > maxNodes {
		kept = maxNodes - 1
		others := CollabNode{}
		for _, n := range list[kept:] {
			others.Count += n.Count
			others.Links += n.Links
			index[n.Key] = kept
		}
		list = append(list[:kept], others)
	}
	for i := range kept {
		index[list[i].Key] = i
	}
	*out = list
	return index
}
