// Package vocab holds the labels of publiccode.yml's fixed vocabularies, in the
// site's languages: what the site shows for a category, scope, status or type,
// and the words in every language that search expands those values into.
package vocab

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// Kind names one of publiccode.yml's fixed vocabularies. A value's text key is
// the kind, a dot and the value as the standard spells it
// ("category.appointment-scheduling", "softwareType.standalone/web").
type Kind string

// The vocabularies of publiccode.yml that have a fixed list of values.
const (
	Category          Kind = "category"          // categories
	Scope             Kind = "scope"             // intendedAudience.scope
	DevelopmentStatus Kind = "developmentStatus" // developmentStatus
	SoftwareType      Kind = "softwareType"      // softwareType
	MaintenanceType   Kind = "maintenanceType"   // maintenance.type
	Platform          Kind = "platform"          // platforms (which also admits values of its own)
)

// synonymsPrefix starts the keys of the extra search words of a value
// ("synonyms.scope.transportation"): space-separated, lower-case words that a
// person searching in that language would type for it.
const synonymsPrefix = "synonyms."

//go:embed texts/*.json
var files embed.FS

const textsDir = "texts"

// Register adds the vocabulary labels, in every language, to b.
func Register(b *i18n.Bundle) error {
	if err := b.AddFS(files, textsDir); err != nil {
		return fmt.Errorf("vocab: register: %w", err)
	}
	return nil
}

// Label returns the label of a vocabulary value in lang, falling back to English.
// A value the standard does not list (a platform of a file's own, a misspelt
// category) is shown as written.
func Label(b *i18n.Bundle, kind Kind, id, lang string) string {
	key := string(kind) + "." + id
	if !b.Has(lang, key) && !b.Has(i18n.English, key) {
		return id
	}
	return b.Text(lang, key)
}

// IDs returns the values of a vocabulary, sorted, as the English texts list them.
func IDs(kind Kind) []string {
	prefix := string(kind) + "."
	var ids []string
	for key := range loaded()[i18n.English] {
		if id, ok := strings.CutPrefix(key, prefix); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Terms returns the words by which a vocabulary value can be found in any of
// the site's languages: every word of its labels and synonyms, lower-cased,
// without repeats, short words or stop words, English first. A search index
// adds them to a document that carries the value, so that "parkering",
// "parcheggio" and "Parken" all find software in the transportation scope.
// A value the standard does not list has no terms.
func Terms(kind Kind, id string) []string {
	key := string(kind) + "." + id
	texts := loaded()
	var terms []string
	seen := map[string]bool{}
	for _, lang := range i18n.Languages() {
		for _, k := range []string{key, synonymsPrefix + key} {
			for _, w := range words(texts[lang][k]) {
				if !seen[w] {
					seen[w] = true
					terms = append(terms, w)
				}
			}
		}
	}
	return terms
}

// words splits a text into lower-cased words at anything that is not a letter
// or a digit (spaces, hyphens, slashes, apostrophes, brackets), dropping words of
// fewer than three letters and stop words, which would match nearly everything.
func words(text string) []string {
	var ws []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) < 3 || stopWords[w] {
			continue
		}
		ws = append(ws, w)
	}
	return ws
}

// stopWords are the articles, prepositions and conjunctions of the site's
// languages that labels use ("Gestione dei contenuti", "Kundeservice og
// support"), and the stems left by elisions ("dell’"). Words of one or two
// letters are dropped anyway.
var stopWords = map[string]bool{
	// en
	"and": true, "the": true, "for": true, "with": true, "under": true,
	// nl
	"van": true, "het": true, "een": true, "voor": true, "met": true,
	// da
	"med": true, "til": true, "fra": true,
	// it
	"del": true, "della": true, "delle": true, "dei": true, "degli": true, "dello": true,
	"per": true, "con": true, "gli": true, "una": true, "nel": true, "nella": true,
	"dell": true, "nell": true, "dall": true, "sull": true, "all": true,
	// de
	"und": true, "der": true, "die": true, "das": true, "den": true, "für": true,
	"von": true, "mit": true,
	// fr
	"les": true, "des": true, "pour": true, "par": true, "aux": true, "sur": true,
	"vous": true, "sous": true,
}

// loaded returns the embedded texts, language → key → text. They are part of
// the program, so a file that does not read is a build mistake, caught by the
// package's tests.
var loaded = sync.OnceValue(func() map[string]map[string]string {
	texts, err := readTexts(files, textsDir)
	if err != nil {
		panic(err)
	}
	return texts
})

func readTexts(fsys fs.FS, dir string) (map[string]map[string]string, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("vocab: list %s: %w", dir, err)
	}
	texts := make(map[string]map[string]string, len(names))
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("vocab: %w", err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("vocab: %s: %w", name, err)
		}
		texts[strings.TrimSuffix(path.Base(name), ".json")] = m
	}
	return texts, nil
}
