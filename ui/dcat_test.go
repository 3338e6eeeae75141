package ui

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// The properties the specifications make mandatory, per class:
//   - DCAT-AP 3.0 (SEMIC, 2024): Catalogue dct:title, dct:description,
//     dct:publisher, dcat:dataset; Dataset dct:title, dct:description; Agent
//     foaf:name; Distribution dcat:accessURL.
//   - ADMS-AP 2.01 (releases/2.01/adms-ap_v2.01_rdf_schema.ttl): Asset
//     (dcat:Dataset) dcat:contactPoint, dct:description, dct:publisher,
//     dct:title, dct:type; Contact Information (vcard:Kind) vcard:fn,
//     vcard:hasEmail; Publisher (foaf:Agent) foaf:name; Asset Distribution
//     dcat:accessURL, dct:license; Asset Repository (dcat:Catalog)
//     dct:description, dct:publisher, dct:title.
const (
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsDCT   = "http://purl.org/dc/terms/"
	nsFOAF  = "http://xmlns.com/foaf/0.1/"
	nsVCARD = "http://www.w3.org/2006/vcard/ns#"
	rdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
)

var mandatory = map[string][]string{
	nsDCAT + "Catalog":      {nsDCT + "title", nsDCT + "description", nsDCT + "publisher", nsDCAT + "dataset"},
	nsDCAT + "Dataset":      {nsDCT + "title", nsDCT + "description", nsDCAT + "contactPoint", nsDCT + "publisher", nsDCT + "type"},
	nsFOAF + "Agent":        {nsFOAF + "name"},
	nsDCAT + "Distribution": {nsDCAT + "accessURL", nsDCT + "license"},
	nsVCARD + "Kind":        {nsVCARD + "fn", nsVCARD + "hasEmail"},
}

// triples maps subject → predicate → objects.
type triples map[string]map[string][]string

func (g triples) add(s, p, o string) {
	if g[s] == nil {
		g[s] = map[string][]string{}
	}
	g[s][p] = append(g[s][p], o)
}

// parseJSONLD reads the export's JSON-LD: node objects under @graph, with the
// prefixes of @context expanded.
func parseJSONLD(t *testing.T, r io.Reader) triples {
	t.Helper()
	var doc struct {
		Context map[string]string `json:"@context"`
		Graph   []map[string]any  `json:"@graph"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	exp := func(s string) string {
		if p, local, ok := strings.Cut(s, ":"); ok && doc.Context[p] != "" {
			return doc.Context[p] + local
		}
		return s
	}
	g := triples{}
	for _, n := range doc.Graph {
		subj := exp(n["@id"].(string))
		for k, v := range n {
			switch k {
			case "@id":
			case "@type":
				for _, typ := range v.([]any) {
					g.add(subj, rdfType, exp(typ.(string)))
				}
			default:
				for _, o := range v.([]any) {
					m := o.(map[string]any)
					if id, ok := m["@id"].(string); ok {
						g.add(subj, exp(k), exp(id))
					} else {
						g.add(subj, exp(k), m["@value"].(string))
					}
				}
			}
		}
	}
	return g
}

// parseRDFXML reads the export's RDF/XML (rdf:Description nodes).
func parseRDFXML(t *testing.T, r io.Reader) triples {
	t.Helper()
	const rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	g := triples{}
	dec := xml.NewDecoder(r)
	subj, pred, text := "", "", ""
	attr := func(e xml.StartElement, name string) string {
		for _, a := range e.Attr {
			if a.Name.Space == rdf && a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space == rdf && e.Name.Local == "Description" {
				subj = attr(e, "about")
				if id := attr(e, "nodeID"); id != "" {
					subj = "_:" + id
				}
				continue
			}
			pred, text = e.Name.Space+e.Name.Local, ""
			if res := attr(e, "resource"); res != "" {
				g.add(subj, pred, res)
				pred = ""
			} else if id := attr(e, "nodeID"); id != "" {
				g.add(subj, pred, "_:"+id)
				pred = ""
			}
		case xml.CharData:
			text += string(e)
		case xml.EndElement:
			if pred != "" && e.Name.Space+e.Name.Local == pred {
				g.add(subj, pred, text)
				pred = ""
			}
		}
	}
	return g
}

func checkMandatory(t *testing.T, format string, g triples) {
	t.Helper()
	counts := map[string]int{}
	for subj, props := range g {
		for _, typ := range props[rdfType] {
			for _, p := range mandatory[typ] {
				if len(props[p]) == 0 {
					t.Errorf("%s: %s (a %s) lacks %s", format, subj, typ, p)
				}
			}
			counts[typ]++
		}
	}
	if counts[nsDCAT+"Catalog"] != 1 || counts[nsDCAT+"Dataset"] != 2 || counts[nsDCAT+"Distribution"] != 2 || counts[nsVCARD+"Kind"] != 2 {
		t.Errorf("%s: classes %v", format, counts)
	}
	// Every dataset is in the catalogue.
	for subj, props := range g {
		for _, cat := range props[nsDCAT+"dataset"] {
			if len(g[cat][rdfType]) == 0 {
				t.Errorf("%s: %s lists %s, which is not described", format, subj, cat)
			}
		}
	}
}

func TestDCAT_ExportHasTheMandatoryPropertiesOfEveryClass(t *testing.T) {
	t.Parallel()
	ts, _ := fedSite(t)
	resp, body := get(t, ts.URL+"/dcat-ap.jsonld")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/ld+json" {
		t.Fatalf("jsonld: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	jg := parseJSONLD(t, strings.NewReader(body))
	checkMandatory(t, "JSON-LD", jg)
	resp, body = get(t, ts.URL+"/dcat-ap.rdf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/rdf+xml" {
		t.Fatalf("rdf: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	xg := parseRDFXML(t, strings.NewReader(body))
	checkMandatory(t, "RDF/XML", xg)
	// Both say the same thing about the catalogue.
	cat := "https://oscat.example.eu/#catalogue"
	if len(jg[cat][nsDCAT+"dataset"]) != 2 || len(xg[cat][nsDCAT+"dataset"]) != 2 {
		t.Errorf("datasets: %v / %v", jg[cat][nsDCAT+"dataset"], xg[cat][nsDCAT+"dataset"])
	}
	found := false
	for _, props := range xg {
		for _, l := range props[nsDCT+"license"] {
			found = found || l == "http://spdx.org/licenses/EUPL-1.2"
		}
	}
	if !found {
		t.Error("no SPDX licence IRI for EUPL-1.2")
	}
	checkDCATAPClasses(t, "JSON-LD", jg)
	checkDCATAPClasses(t, "RDF/XML", xg)
}

// checkDCATAPClasses checks what the DCAT-AP 3.0.1 shapes require beyond
// mandatory properties, and which SHACL cannot infer: the classes of the
// values, one publisher, and datasets named apart from their pages.
func checkDCATAPClasses(t *testing.T, format string, g triples) {
	t.Helper()
	typed := func(s, class string) bool {
		for _, typ := range g[s][rdfType] {
			if typ == class {
				return true
			}
		}
		return false
	}
	for subj, props := range g {
		if !typed(subj, nsDCAT+"Dataset") && !typed(subj, nsDCAT+"Catalog") {
			continue
		}
		if len(props[nsDCT+"publisher"]) > 1 {
			t.Errorf("%s: %s has %d publishers; DCAT-AP allows one", format, subj, len(props[nsDCT+"publisher"]))
		}
		for _, pred := range []string{nsFOAF + "page", nsDCAT + "landingPage", nsFOAF + "homepage"} {
			for _, o := range props[pred] {
				if o == subj {
					t.Errorf("%s: %s is its own %s", format, subj, pred)
				}
				if !typed(o, nsFOAF+"Document") {
					t.Errorf("%s: %s %s %s, not a foaf:Document", format, subj, pred, o)
				}
			}
		}
		if len(props["http://www.w3.org/2002/07/owl#versionInfo"]) > 0 {
			t.Errorf("%s: %s uses owl:versionInfo, not dcat:version", format, subj)
		}
		for _, d := range props[nsDCAT+"distribution"] {
			for _, l := range g[d][nsDCT+"license"] {
				if !typed(l, nsDCT+"LicenseDocument") {
					t.Errorf("%s: licence %s is not a dct:LicenseDocument", format, l)
				}
			}
		}
	}
}

func TestWebIRI_EncodesWhatFilesWriteAndRefusesWhatIsNoURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://example.org/a b?q=[x]#top", "https://example.org/a%20b?q=%5Bx%5D#top"},
		{"https://example.org/caf\u00e9", "https://example.org/caf%C3%A9"},
		{"https://example.org/50%25/100%", "https://example.org/50%25/100%25"},
		{" HTTPS://example.org ", "https://example.org"},
		{"http://[::1]:8080/x", "http://[::1]:8080/x"},
		{"git@github.com:a/b.git", ""},
		{"www.example.org", ""},
		{"https://exa mple.org/", ""},
		{"ftp://example.org/", ""},
	}
	for _, tt := range tests {
		got, ok := webIRI(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("webIRI(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}
