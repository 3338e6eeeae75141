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
	type pair struct{ p, s string }
	seen := map[pair]map[CollabRelation]bool{}
	sharers := map[string]map[string]bool{}
	for _, l := range links {
		a, ok := adminByID[l.Publisher]
		if !ok || (f.Country != "" && a.Country != f.Country) {
			continue
		}
		if _, ok := swByID[l.Software]; !ok {
			continue
		}
		k := pair{l.Publisher, l.Software}
		if seen[k] == nil {
			seen[k] = map[CollabRelation]bool{}
		}
		seen[k][l.Relation] = true
		if sharers[l.Software] == nil {
			sharers[l.Software] = map[string]bool{}
		}
		sharers[l.Software][l.Publisher] = true
	}
	var g CollabGraph
	usedAdmins, usedSoftware := map[string]bool{}, map[string]bool{}
	for k := range seen {
		if len(sharers[k.s]) >= 2 {
			usedAdmins[k.p], usedSoftware[k.s] = true, true
		}
	}
	g.Administrations, g.Software = len(usedAdmins), len(usedSoftware)
	g.ByCountry, g.ByCategory = len(usedAdmins) > maxNodes, len(usedSoftware) > maxNodes
	leftKey := func(id string) (string, string) {
		a := adminByID[id]
		if g.ByCountry {
			if a.Country == "" {
				return "-", "-"
			}
			return a.Country, a.Country
		}
		return a.ID, a.Name
	}
	rightKey := func(id string) (string, string) {
		s := swByID[id]
		if g.ByCategory {
			if len(s.Categories) == 0 {
				return "-", "-"
			}
			return s.Categories[0], s.Categories[0]
		}
		return s.ID, s.Name
	}
	left, right := newSide(), newSide()
	type edgeKey struct{ l, r string }
	edges := map[edgeKey]*CollabEdge{}
	for k, rels := range seen {
		if !usedSoftware[k.s] || !usedAdmins[k.p] {
			continue
		}
		lk, ll := leftKey(k.p)
		rk, rl := rightKey(k.s)
		left.add(lk, ll, k.p, len(rels))
		right.add(rk, rl, k.s, len(rels))
		e := edges[edgeKey{lk, rk}]
		if e == nil {
			e = &CollabEdge{}
			edges[edgeKey{lk, rk}] = e
		}
		for r := range rels {
			switch r {
			case RelationUses:
				e.Uses++
			case RelationCoDevelops:
				e.CoDevelops++
			case RelationContributes:
				e.Contributes++
			}
		}
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
	return g
}

// side gathers the nodes of one side of the picture.
type side struct {
	byKey map[string]*CollabNode
	items map[string]map[string]bool
}

func newSide() *side {
	return &side{byKey: map[string]*CollabNode{}, items: map[string]map[string]bool{}}
}

func (s *side) add(key, label, item string, links int) {
	n := s.byKey[key]
	if n == nil {
		n = &CollabNode{Key: key, Label: label}
		s.byKey[key] = n
		s.items[key] = map[string]bool{}
	}
	if !s.items[key][item] {
		s.items[key][item] = true
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
