package search

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/unicode/norm"
)

// Limits on query text. The API refuses a longer text (a 400); what reaches
// the index is cut, never refused.
const (
	MaxQueryRunes = 500
	maxWords      = 16
	// fuzzyMinRunes is the shortest word matched with one typo.
	fuzzyMinRunes = 5
)

// Request asks for one page of software.
type Request struct {
	// Text is what the person typed: words, "phrases in quotes".
	Text string
	// Filters hold, per facet, the values to keep: values of one facet are OR-ed,
	// facets are AND-ed.
	Filters map[Facet][]string
	// Sort is "" (relevance) or one of Sorts.
	Sort string
	Size int
	// After is the cursor of the previous page.
	After string
	// UpdatedSince keeps entries updated at or after it.
	UpdatedSince time.Time
	// FacetValues caps the values reported per facet (default 50; 0 with
	// NoFacets set reports none).
	FacetValues int
	NoFacets    bool
	// Kind is what is searched: software (the zero value) or code entries.
	Kind Kind
	// Also, when set, counts in the same pass the documents of another kind
	// that the text matches and its filters keep (Result.AlsoTotal): a page of
	// software tells how many code entries match too, without a second search.
	Also *Also
}

// Also is a second kind of document a search counts (see Request.Also).
type Also struct {
	Kind    Kind
	Filters map[Facet][]string
}

// Sorts lists the accepted sort orders.
var Sorts = []string{"", "name", "-name", "updated", "-updated", "created", "-created", "activity", "-activity", "users", "-users",
	"contributingAdministrations", "-contributingAdministrations"}

// parsed is a query's text split into what is matched.
type parsed struct {
	words   []string // as typed, lower-cased
	phrases []string
}

func (p parsed) empty() bool { return len(p.words) == 0 && len(p.phrases) == 0 }

// terms are the words a snippet highlights.
func (p parsed) terms() []string {
	out := append([]string(nil), p.words...)
	for _, ph := range p.phrases {
		out = append(out, splitWords(ph)...)
	}
	return out
}

// parseText splits text into words and quoted phrases. Wildcards and other
// punctuation separate words; an unbalanced quote runs to the end of the text.
func parseText(text string) parsed {
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		text = string([]rune(text)[:MaxQueryRunes])
	}
	var p parsed
	for i := 0; ; i++ {
		before, rest, found := strings.Cut(text, `"`)
		if i%2 == 0 {
			p.words = append(p.words, splitWords(before)...)
		} else if ws := splitWords(before); len(ws) > 1 {
			p.phrases = append(p.phrases, strings.Join(ws, " "))
		} else {
			p.words = append(p.words, ws...)
		}
		if !found {
			break
		}
		text = rest
	}
	if len(p.words) > maxWords {
		p.words = p.words[:maxWords]
	}
	return p
}

func splitWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// fold lower-cases and strips accents, as foldAnalyzer does at index time.
func fold(s string) string {
	s = strings.ToLower(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// buildQuery turns parsed text into a Bleve query. Every word must match
// somewhere (names over short descriptions over features over long
// descriptions, in each language's analysis, or a vocabulary label); with all
// set to false, any word is enough. langs are the language fields the index
// holds; known tells which words the index has as they are, which need no typo
// tolerance.
func buildQuery(p parsed, langs []string, known map[string]bool, all bool) query.Query {
	var clauses []query.Query
	for i, w := range p.words {
		clauses = append(clauses, wordQuery(w, langs, i == len(p.words)-1, !known[w]))
	}
	for _, ph := range p.phrases {
		q := bleve.NewMatchPhraseQuery(ph)
		q.SetField(fieldAll)
		q.SetBoost(2)
		clauses = append(clauses, q)
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	if all {
		return bleve.NewConjunctionQuery(clauses...)
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

func wordQuery(w string, langs []string, last, typos bool) query.Query {
	match := func(field string, boost float64) query.Query {
		q := bleve.NewMatchQuery(w)
		q.SetField(field)
		q.SetBoost(boost)
		return q
	}
	parts := []query.Query{match(fieldName, 5), match(fieldVocab, 1.5)}
	for _, l := range langs {
		parts = append(parts, match(shortField(l), 3), match(featField(l), 2), match(longField(l), 1))
	}
	f := fold(w)
	if last && utf8.RuneCountInString(f) >= 2 {
		// Type-ahead: the word being typed matches the start of a name.
		q := bleve.NewPrefixQuery(f)
		q.SetField(fieldName)
		q.SetBoost(2)
		parts = append(parts, q)
	}
	if typos && utf8.RuneCountInString(f) >= fuzzyMinRunes {
		q := bleve.NewFuzzyQuery(f)
		q.SetField(fieldAll)
		q.SetFuzziness(1)
		q.SetPrefix(1)
		q.SetBoost(0.5)
		parts = append(parts, q)
	}
	return bleve.NewDisjunctionQuery(parts...)
}
