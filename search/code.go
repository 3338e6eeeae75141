package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

// Kind is the kind of document a search looks for: software (the first tier)
// or code entries (repositories without a publiccode.yml, the second).
type Kind uint8

// Document kinds. The zero Kind is software, so that existing requests keep
// their meaning.
const (
	KindSoftware Kind = iota
	KindCode
)

// codePrefix starts the index IDs of code entries: their catalogue IDs are
// repository numbers, which never look like a software ID, but the prefix
// keeps the two apart whatever IDs become.
const codePrefix = "code/"

func codeDocID(id string) string { return codePrefix + id }

// codeFacets are the facets of code entries, in the order they are reported.
var codeFacets = []Facet{FacetLicense, FacetProgrammingLanguages, FacetPublisher, FacetCountry, FacetArchived}

// facetsOf are the facets a kind reports and may be filtered by.
func facetsOf(k Kind) []Facet {
	if k == KindCode {
		return codeFacets
	}
	out := make([]Facet, 0, numFacets)
	for f := range numFacets {
		if f != FacetProgrammingLanguages {
			out = append(out, f)
		}
	}
	return out
}

// FacetNamesOf lists the API names of a kind's facets.
func FacetNamesOf(k Kind) []string {
	var out []string
	for _, f := range facetsOf(k) {
		out = append(out, f.String())
	}
	return out
}

// FacetOf returns the facet of kind k with that API name.
func FacetOf(k Kind, name string) (Facet, bool) {
	for _, f := range facetsOf(k) {
		if f.String() == name {
			return f, true
		}
	}
	return 0, false
}

// codeFacetValues extracts a code entry's facet values.
func codeFacetValues(e catalogue.CodeEntry, countries map[string]string) [numFacets][]string {
	var v [numFacets][]string
	v[FacetArchived] = []string{boolString(e.Archived)}
	v[FacetPublisher] = e.Publishers
	v[FacetLicense] = LicenseIDs(e.License)
	v[FacetProgrammingLanguages] = dedupe(e.ProgrammingLanguages)
	var country []string
	for _, p := range e.Publishers {
		if c := countries[p]; c != "" {
			country = append(country, c)
		}
	}
	v[FacetCountry] = dedupe(country)
	return v
}

// putCode records a code entry at its ordinal.
func (t *table) putCode(ord uint32, e catalogue.CodeEntry) {
	t.versions[ord] = written.Add(1)
	values := codeFacetValues(e, t.country)
	t.live[ord], t.kind[ord], t.valid[ord], t.names[ord] = true, KindCode, true, sortKey(e.Name)
	t.updated[ord], t.created[ord], t.activity[ord], t.users[ord] = e.UpdatedAt.UnixMicro(), e.CreatedAt.UnixMicro(), 0, 0
	if e.Activity != nil {
		t.activity[ord] = e.Activity.Score
	}
	for f := range numFacets {
		t.set(f, ord, values[f])
	}
	t.audience[ord] = nil
	t.langs[otherLang] = true
}

// codeDocument is what Bleve indexes of a code entry. Its language is not
// known, so its text is analysed without stemming.
func codeDocument(e catalogue.CodeEntry, ord uint32) map[string]any {
	doc := map[string]any{fieldOrd: formatOrd(ord), fieldName: e.Name}
	var all []string
	if e.Description != "" {
		doc[shortField(otherLang)] = e.Description
		all = append(all, e.Description)
	}
	if e.Readme != "" {
		doc[longField(otherLang)] = e.Readme
		all = append(all, e.Readme)
	}
	terms := append(append([]string(nil), e.Topics...), e.ProgrammingLanguages...)
	if len(terms) > 0 {
		doc[fieldVocab] = strings.Join(terms, " ")
	}
	doc[fieldAll] = strings.Join(append([]string{e.Name}, append(all, terms...)...), "\n")
	return doc
}

// writeCodeDocs indexes the listed code entries and removes the other IDs, in
// one Bleve batch.
func (sh *shard) writeCodeDocs(listed []catalogue.CodeEntry, removed []string) error {
	b := sh.bleve.NewBatch()
	sh.table.mu.Lock()
	for _, e := range listed {
		o := sh.ord(codeDocID(e.ID))
		if err := b.Index(codeDocID(e.ID), codeDocument(e, o)); err != nil {
			sh.table.mu.Unlock()
			return fmt.Errorf("index code entry %s: %w", e.ID, err)
		}
	}
	for _, id := range removed {
		b.Delete(codeDocID(id))
	}
	err := sh.flushOrds()
	if err == nil {
		for _, e := range listed {
			sh.table.putCode(sh.table.byID[codeDocID(e.ID)], e)
		}
		for _, id := range removed {
			sh.table.remove(codeDocID(id))
		}
	}
	sh.table.mu.Unlock()
	if err != nil {
		return err
	}
	if err := sh.bleve.Batch(b); err != nil {
		return fmt.Errorf("write search index: %w", err)
	}
	return nil
}

// writeCode brings the code entries among ids up to date with the source. The
// shard's position is recorded by the software batch that follows.
func (sh *shard) writeCode(ctx context.Context, src Source, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	listed, err := src.CodeEntriesByIDs(ctx, ids)
	if err != nil {
		return err
	}
	found := make(map[string]bool, len(listed))
	for _, e := range listed {
		found[e.ID] = true
	}
	var removed []string
	for _, id := range ids {
		if !found[id] {
			removed = append(removed, id)
		}
	}
	return sh.writeCodeDocs(listed, removed)
}

// fillCode loads every listed code entry into the table and, when reindex is
// true, into Bleve too.
func (sh *shard) fillCode(ctx context.Context, src Source, reindex bool) error {
	page := catalogue.Page{Size: 1000}
	for {
		list, next, err := src.ListCodeEntries(ctx, "", page)
		if err != nil {
			return err
		}
		if reindex {
			if err := sh.writeCodeDocs(list, nil); err != nil {
				return err
			}
		} else {
			sh.table.mu.Lock()
			for _, e := range list {
				sh.table.putCode(sh.ord(codeDocID(e.ID)), e)
			}
			err := sh.flushOrds()
			sh.table.mu.Unlock()
			if err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		page.After = next
	}
}
