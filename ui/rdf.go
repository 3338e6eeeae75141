package ui

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"sort"
	"strconv"
	"strings"
)

// A small RDF graph, written as JSON-LD or RDF/XML: enough for the DCAT-AP
// export, with no dependency on an RDF library.

var rdfPrefixes = map[string]string{
	"adms":   "http://www.w3.org/ns/adms#",
	"admssw": "http://purl.org/adms/sw/",
	"dcat":   "http://www.w3.org/ns/dcat#",
	"dct":    "http://purl.org/dc/terms/",
	"foaf":   "http://xmlns.com/foaf/0.1/",
	"prov":   "http://www.w3.org/ns/prov#",
	"rdf":    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"rdfs":   "http://www.w3.org/2000/01/rdf-schema#",
	"skos":   "http://www.w3.org/2004/02/skos/core#",
	"vcard":  "http://www.w3.org/2006/vcard/ns#",
	"xsd":    "http://www.w3.org/2001/XMLSchema#",
}

// term is an IRI (written prefix:local or absolute), a blank node ("_:…"), or
// a literal with an optional language or datatype.
type term struct {
	iri      string
	literal  bool
	value    string
	lang     string
	datatype string
}

func iri(s string) term                { return term{iri: s} }
func lit(v string) term                { return term{literal: true, value: v} }
func langLit(v, lang string) term      { return term{literal: true, value: v, lang: lang} }
func typedLit(v, datatype string) term { return term{literal: true, value: v, datatype: datatype} }

// expand turns prefix:local into an absolute IRI.
func expand(s string) string {
	if p, local, ok := strings.Cut(s, ":"); ok {
		if ns, known := rdfPrefixes[p]; known {
			return ns + local
		}
	}
	return s
}

type node struct {
	id    string
	props []prop
}

type prop struct {
	pred string
	obj  term
}

// graph keeps nodes in the order they were made.
type graph struct {
	nodes  []*node
	byID   map[string]*node
	blanks int
}

func newGraph() *graph { return &graph{byID: map[string]*node{}} }

func (g *graph) node(id string) *node {
	if n, ok := g.byID[id]; ok {
		return n
	}
	n := &node{id: id}
	g.nodes = append(g.nodes, n)
	g.byID[id] = n
	return n
}

func (g *graph) blank() *node {
	g.blanks++
	return g.node("_:b" + strconv.Itoa(g.blanks))
}

func (n *node) add(pred string, obj term) *node {
	if obj.literal && obj.value == "" || !obj.literal && obj.iri == "" {
		return n
	}
	n.props = append(n.props, prop{pred, obj})
	return n
}

func (n *node) ref() term { return iri(n.id) }

// writeJSONLD writes the graph as JSON-LD: a context of prefixes, and one node
// object per subject with compact IRIs for properties.
func (g *graph) writeJSONLD(w io.Writer) error {
	ctx := map[string]string{}
	for p, ns := range rdfPrefixes {
		ctx[p] = ns
	}
	nodes := make([]map[string]any, 0, len(g.nodes))
	for _, n := range g.nodes {
		obj := map[string]any{"@id": n.id}
		var types []string
		for _, p := range n.props {
			if p.pred == "rdf:type" {
				types = append(types, p.obj.iri)
				continue
			}
			list, _ := obj[p.pred].([]jsonldTerm)
			obj[p.pred] = append(list, p.obj.jsonld())
		}
		if len(types) > 0 {
			obj["@type"] = types
		}
		nodes = append(nodes, obj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(jsonldDocument{Context: ctx, Graph: nodes})
}

// jsonldDocument is a graph written as JSON-LD. Its nodes are maps: their keys
// are the graph's predicates, known only when it is written.
type jsonldDocument struct {
	Context map[string]string `json:"@context"`
	Graph   []map[string]any  `json:"@graph"`
}

// jsonldTerm is an object in JSON-LD: an IRI, or a literal with its language
// or its datatype. Its fields are in the order the JSON keys used to be sorted.
type jsonldTerm struct {
	ID       *string `json:"@id,omitempty"`
	Language string  `json:"@language,omitempty"`
	Type     string  `json:"@type,omitempty"`
	Value    *string `json:"@value,omitempty"`
}

func (t term) jsonld() jsonldTerm {
	switch {
	case !t.literal:
		return jsonldTerm{ID: &t.iri}
	case t.lang != "":
		return jsonldTerm{Value: &t.value, Language: t.lang}
	case t.datatype != "":
		return jsonldTerm{Value: &t.value, Type: t.datatype}
	}
	return jsonldTerm{Value: &t.value}
}

// writeRDFXML writes the graph as RDF/XML, one rdf:Description per subject.
func (g *graph) writeRDFXML(w io.Writer) error {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	prefixes := make([]string, 0, len(rdfPrefixes))
	for p := range rdfPrefixes {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	var b strings.Builder
	b.WriteString(xml.Header + "<rdf:RDF")
	for _, p := range prefixes {
		b.WriteString("\n    xmlns:" + p + `="` + esc(rdfPrefixes[p]) + `"`)
	}
	b.WriteString(">\n")
	subject := func(id string) string {
		if blank, ok := strings.CutPrefix(id, "_:"); ok {
			return `rdf:nodeID="` + esc(blank) + `"`
		}
		return `rdf:about="` + esc(expand(id)) + `"`
	}
	for _, n := range g.nodes {
		b.WriteString("  <rdf:Description " + subject(n.id) + ">\n")
		for _, p := range n.props {
			b.WriteString("    <" + p.pred)
			switch {
			case !p.obj.literal:
				if blank, ok := strings.CutPrefix(p.obj.iri, "_:"); ok {
					b.WriteString(` rdf:nodeID="` + esc(blank) + `"/>` + "\n")
				} else {
					b.WriteString(` rdf:resource="` + esc(expand(p.obj.iri)) + `"/>` + "\n")
				}
				continue
			case p.obj.lang != "":
				b.WriteString(` xml:lang="` + esc(p.obj.lang) + `"`)
			case p.obj.datatype != "":
				b.WriteString(` rdf:datatype="` + esc(expand(p.obj.datatype)) + `"`)
			}
			b.WriteString(">" + esc(p.obj.value) + "</" + p.pred + ">\n")
		}
		b.WriteString("  </rdf:Description>\n")
	}
	b.WriteString("</rdf:RDF>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
