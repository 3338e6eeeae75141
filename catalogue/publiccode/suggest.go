package publiccode

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// unknown reports a key the schema does not have where it was written, with the
// likeliest fix: a sibling key it is a misspelling of, or the place where a key
// of that name belongs.
func (r *reader) unknown(spec *keySpec, path string, k *yaml.Node) {
	name := k.Value
	if k.Kind != yaml.ScalarNode {
		name = "?"
	}
	var siblings []string
	for _, c := range spec.keys {
		if c.replacedBy == "" && !c.drop {
			siblings = append(siblings, c.name)
		}
	}
	if s := closest(name, siblings); s != "" {
		r.finding(SeverityError, "unknown-key", path, k, "unknown-key.typo", arg("name", name), arg("suggestion", s))
		// The key it misspells is then missing, and that is the same problem.
		r.doc.markReported(join(parentKey(path), s))
		return
	}
	// A key that belongs in one place elsewhere is worth pointing at; one that
	// belongs in several (email, version) would be a guess.
	if places := whereIs(name); len(places) == 1 {
		if parent := parentKey(places[0]); parent != "" {
			r.finding(SeverityError, "unknown-key", path, k, "unknown-key.elsewhere", arg("name", name), arg("parent", displayPath(parent)))
		} else {
			r.finding(SeverityError, "unknown-key", path, k, "unknown-key.top-level", arg("name", name))
		}
		return
	}
	r.finding(SeverityError, "unknown-key", path, k, "unknown-key", arg("name", name))
}

// displayPath writes a schema path for people: "description.*.features" reads
// "description.<language>.features".
func displayPath(p string) string { return strings.ReplaceAll(p, "*", "<language>") }

// closest returns the candidate that name most plausibly misspells: the same
// word in another case, or one at most a couple of edits away, or "".
func closest(name string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		if strings.EqualFold(name, c) {
			return c
		}
		limit := 2
		if len(c) <= 4 {
			limit = 1
		}
		if len(name) > len(c)+limit || len(c) > len(name)+limit {
			continue // too far apart to be a slip, and no need to measure how far
		}
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between two short strings, counting
// an adjacent transposition as one edit (the commonest typing slip).
func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
