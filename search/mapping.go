package search

import (
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/da" // registers the analysers named after their language
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/no"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/vocab"
)

// MappingVersion changes whenever the document or mapping below changes; an index
// built with another version is rebuilt at start.
const MappingVersion = "4"

// stemmed are the languages whose descriptions get their own analyser (stemming
// and stop words); every other language is analysed by foldAnalyzer.
var stemmed = []string{"en", "it", "nl", "da", "de", "fr", "es", "sv", "fi", "pt", "no"}

// foldAnalyzer splits on Unicode word boundaries, lower-cases and folds accents,
// so that "Città" matches "citta". Names, vocabulary terms and the catch-all field
// use it, and so does type-ahead.
const foldAnalyzer = "oscat-fold"

// Fields of the index. Text is split by language: NAME boosts over SHORT over
// FEATURES over LONG; field names carry the analyser's language.
const (
	fieldName  = "name"
	fieldVocab = "vocab"
	fieldAll   = "all"
	fieldOrd   = "ord"
	otherLang  = "xx"
)

func shortField(lang string) string { return "short_" + lang }
func featField(lang string) string  { return "feat_" + lang }
func longField(lang string) string  { return "long_" + lang }

// analyserFor maps a description's language tag to the field suffix it is
// indexed under.
func analyserFor(tag string) string {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i > 0 {
		base = base[:i]
	}
	if base == "nb" || base == "nn" {
		base = "no"
	}
	for _, l := range stemmed {
		if l == base {
			return l
		}
	}
	return otherLang
}

// textLanguages is every field suffix.
func textLanguages() []string { return append(append([]string(nil), stemmed...), otherLang) }

func newMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(foldAnalyzer, map[string]any{
		"type":          custom.Name,
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		return nil, err
	}
	text := func(analyzer string, positions bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = positions
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldName, text(foldAnalyzer, true))
	doc.AddFieldMappingsAt(fieldVocab, text(foldAnalyzer, false))
	doc.AddFieldMappingsAt(fieldAll, text(foldAnalyzer, true))
	for _, l := range textLanguages() {
		a := l
		if l == otherLang {
			a = foldAnalyzer
		}
		doc.AddFieldMappingsAt(shortField(l), text(a, false))
		doc.AddFieldMappingsAt(featField(l), text(a, false))
		doc.AddFieldMappingsAt(longField(l), text(a, false))
	}
	ord := bleve.NewKeywordFieldMapping()
	ord.Analyzer = keyword.Name
	ord.Store = false
	ord.IncludeInAll = false
	ord.DocValues = true
	doc.AddFieldMappingsAt(fieldOrd, ord)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = foldAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// textDocument is what Bleve indexes of a software entry: only text to match,
// and the ordinal that joins a hit to the table. Nothing is stored.
func textDocument(sw catalogue.Software, ord uint32) map[string]any {
	doc := map[string]any{fieldOrd: formatOrd(ord)}
	names := []string{sw.Name}
	var all []string
	add := func(field, text string) {
		if text = strings.TrimSpace(text); text == "" {
			return
		}
		if prev, ok := doc[field].(string); ok {
			text = prev + "\n" + text
		}
		doc[field] = text
	}
	if f := sw.File; f != nil {
		for _, tag := range f.Languages {
			d := f.Description[tag]
			l := analyserFor(tag)
			if d.LocalisedName != "" && d.LocalisedName != sw.Name {
				names = append(names, d.LocalisedName)
			}
			add(shortField(l), d.ShortDescription)
			add(featField(l), strings.Join(d.Features, "\n"))
			add(longField(l), d.LongDescription)
			all = append(all, d.ShortDescription, strings.Join(d.Features, "\n"), d.LongDescription)
		}
		var terms []string
		for _, c := range f.Categories {
			terms = append(terms, c)
			terms = append(terms, vocab.Terms(vocab.Category, c)...)
		}
		for _, s := range f.IntendedAudience.Scope {
			terms = append(terms, s)
			terms = append(terms, vocab.Terms(vocab.Scope, s)...)
		}
		add(fieldVocab, strings.Join(terms, " "))
	}
	add(fieldName, strings.Join(names, "\n"))
	add(fieldAll, strings.Join(append(names, all...), "\n"))
	return doc
}

func formatOrd(ord uint32) string { return strconv.FormatUint(uint64(ord), 36) }

func parseOrd(b []byte) (uint32, bool) {
	n, err := strconv.ParseUint(string(b), 36, 32)
	return uint32(n), err == nil
}
