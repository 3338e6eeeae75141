package search

import (
	"strings"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
)

// suggest proposes a query that would find something: each word that is not in
// the index is replaced by the most frequent indexed word within two edits of it.
func suggest(sh *shard, p parsed) string {
	adv, err := sh.bleve.Advanced()
	if err != nil {
		return ""
	}
	reader, err := adv.Reader()
	if err != nil {
		return ""
	}
	defer reader.Close()
	fuzzy, ok := reader.(index.IndexReaderFuzzy)
	if !ok {
		return ""
	}
	changed := false
	words := make([]string, 0, len(p.words))
	for _, w := range p.words {
		f := fold(w)
		best := bestNear(fuzzy, f)
		if best != f {
			changed = true
		}
		words = append(words, best)
	}
	if !changed {
		return ""
	}
	for _, ph := range p.phrases {
		words = append(words, `"`+ph+`"`)
	}
	return strings.Join(words, " ")
}

// bestNear returns the indexed word nearest to w (fewest edits, then most
// frequent), or w itself when it is indexed or nothing is near.
func bestNear(r index.IndexReaderFuzzy, w string) string {
	n := utf8.RuneCountInString(w)
	if n < 3 {
		return w
	}
	fuzziness := 1
	if n >= 6 {
		fuzziness = 2
	}
	dict, auto, err := r.FieldDictFuzzyAutomaton(fieldAll, w, fuzziness, "")
	if err != nil {
		return w
	}
	defer dict.Close()
	best, bestDist, bestCount := w, uint8(255), uint64(0)
	for e, err := dict.Next(); err == nil && e != nil; e, err = dict.Next() {
		if e.Term == w {
			return w
		}
		_, d := auto.MatchAndDistance(e.Term)
		if d < bestDist || (d == bestDist && e.Count > bestCount) {
			best, bestDist, bestCount = e.Term, d, e.Count
		}
	}
	return best
}
