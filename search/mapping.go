package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/oscat-eu/oscat/catalogue"
)

// MappingVersion changes whenever the document or mapping below changes; an index
// built with another version is rebuilt at start.
const MappingVersion = "1"

// document is what the index keeps of a software entry: text to match and keyword
// values to filter and sort on. Nothing is stored: results are read from the store.
type document struct {
	Name        string   `json:"name"`
	NameSort    string   `json:"nameSort"`
	Description string   `json:"description"`
	Features    string   `json:"features"`
	Categories  []string `json:"categories"`
	Publishers  []string `json:"publisher"`
	Valid       string   `json:"valid"`
	Updated     string   `json:"updated"`
}

func newDocument(sw catalogue.Software) document {
	d := document{
		Name:       sw.Name,
		NameSort:   strings.ToLower(sw.Name),
		Publishers: sw.Publishers,
		Valid:      "0",
		Updated:    sw.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000Z"),
	}
	if sw.Valid {
		d.Valid = "1"
	}
	if f := sw.File; f != nil {
		d.Categories = f.Categories
		var desc, feats []string
		for _, lang := range f.Languages {
			dd := f.Description[lang]
			if dd.LocalisedName != "" {
				d.Name += " " + dd.LocalisedName
			}
			desc = append(desc, dd.ShortDescription, dd.LongDescription)
			feats = append(feats, dd.Features...)
		}
		d.Description = strings.Join(desc, "\n")
		d.Features = strings.Join(feats, "\n")
	}
	return d
}

func newMapping() mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = standard.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("name", text())
	doc.AddFieldMappingsAt("description", text())
	doc.AddFieldMappingsAt("features", text())
	doc.AddFieldMappingsAt("nameSort", kw())
	doc.AddFieldMappingsAt("categories", kw())
	doc.AddFieldMappingsAt("publisher", kw())
	doc.AddFieldMappingsAt("valid", kw())
	doc.AddFieldMappingsAt("updated", kw())
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = standard.Name
	return m
}
