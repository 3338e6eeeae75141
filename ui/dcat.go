package ui

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// The DCAT-AP export describes the catalogue as a dcat:Catalog (DCAT-AP 3.0,
// and an Asset Repository of ADMS-AP 2.01) whose datasets are the software
// entries, each an ADMS Asset in the ADMS.SW way: a dcat:Dataset, adms:Asset and
// admssw:SoftwareRelease with its publisher, contact point, type (DCMI Software),
// keywords from its categories, and its repository as a distribution under its
// licence (an SPDX licence IRI). Entries harvested from peers are included, with
// dct:source naming the peer's page.

// dcatGraph builds the export from the store.
func (s *Server) dcatGraph(c echo.Context) (*graph, error) {
	ctx := c.Request().Context()
	fo := s.opts.Federation
	g := newGraph()
	home := s.absolute("/")
	cat := g.node(home).add("rdf:type", iri("dcat:Catalog"))
	cat.add("dct:title", langLit(orDefault(fo.Title, "Oscat"), "en"))
	cat.add("dct:description", langLit(orDefault(fo.Description, "A catalogue of public-sector open-source software, read from the publiccode.yml files administrations publish."), "en"))
	operator := g.node(s.absolute("/#operator")).add("rdf:type", iri("foaf:Agent")).add("foaf:name", lit(orDefault(fo.Operator, hostOf(s.opts.PublicURL))))
	cat.add("dct:publisher", operator.ref())
	cat.add("foaf:homepage", iri(home))
	var newest time.Time
	page := catalogue.Page{Size: 500}
	for {
		list, next, err := s.store.ListSoftware(ctx, "", page)
		if err != nil {
			return nil, err
		}
		for _, sw := range list {
			cat.add("dcat:dataset", iri(s.absolute("/software/"+sw.ID)))
			s.dcatSoftware(c, g, sw, operator)
			if sw.UpdatedAt.After(newest) {
				newest = sw.UpdatedAt
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	if !newest.IsZero() {
		cat.add("dct:modified", typedLit(newest.UTC().Format(time.RFC3339), "xsd:dateTime"))
	}
	return g, nil
}

var spdxID = regexp.MustCompile(`^[A-Za-z0-9.+-]+$`)

// admsStatus maps publiccode's developmentStatus onto the ADMS status vocabulary.
var admsStatus = map[string]string{
	"concept": "UnderDevelopment", "development": "UnderDevelopment", "beta": "UnderDevelopment",
	"stable": "Completed", "obsolete": "Deprecated",
}

func (s *Server) dcatSoftware(c echo.Context, g *graph, sw catalogue.Software, operator *node) {
	page := s.absolute("/software/" + sw.ID)
	n := g.node(page).add("rdf:type", iri("dcat:Dataset")).add("rdf:type", iri("adms:Asset")).add("rdf:type", iri("admssw:SoftwareRelease"))
	n.add("dct:title", lit(sw.Name)).add("dct:identifier", lit(sw.URL)).add("foaf:page", iri(page))
	n.add("dct:issued", typedLit(sw.CreatedAt.UTC().Format(time.RFC3339), "xsd:dateTime"))
	n.add("dct:modified", typedLit(sw.UpdatedAt.UTC().Format(time.RFC3339), "xsd:dateTime"))
	typ := g.node("http://purl.org/dc/dcmitype/Software")
	if len(typ.props) == 0 {
		typ.add("rdf:type", iri("skos:Concept")).add("skos:prefLabel", langLit("Software", "en"))
	}
	n.add("dct:type", typ.ref())
	f := sw.File
	described := false
	if f != nil {
		for _, lang := range f.Languages {
			d := f.Description[lang]
			text := d.ShortDescription
			if text == "" {
				text = d.LongDescription
			}
			if text != "" {
				n.add("dct:description", langLit(text, lang))
				described = true
			}
			if d.LocalisedName != "" {
				n.add("dct:title", langLit(d.LocalisedName, lang))
			}
		}
		for _, cat := range f.Categories {
			n.add("dcat:keyword", lit(cat))
		}
		n.add("owl:versionInfo", lit(f.SoftwareVersion))
		if st, ok := admsStatus[f.DevelopmentStatus]; ok {
			n.add("adms:status", iri("http://purl.org/adms/status/"+st))
		}
		landing := f.LandingURL
		if landing == "" {
			landing = sw.URL
		}
		if strings.HasPrefix(landing, "http") {
			n.add("dcat:landingPage", iri(landing))
		}
	}
	if !described {
		n.add("dct:description", lit(sw.Name))
	}
	for _, p := range s.dcatPublishers(c, g, sw) {
		n.add("dct:publisher", p.ref())
	}
	if len(n.propsOf("dct:publisher")) == 0 {
		n.add("dct:publisher", operator.ref())
	}
	contact := g.blank().add("rdf:type", iri("vcard:Kind"))
	name, email := s.contactOf(sw)
	contact.add("vcard:fn", lit(name))
	if email != "" {
		contact.add("vcard:hasEmail", iri("mailto:"+email))
	}
	n.add("dcat:contactPoint", contact.ref())
	if f != nil && f.Legal.License != "" && strings.HasPrefix(sw.URL, "http") {
		dist := g.blank().add("rdf:type", iri("dcat:Distribution"))
		dist.add("dct:title", lit(sw.Name+" (source code)")).add("dcat:accessURL", iri(sw.URL))
		lic := f.Legal.License
		if spdxID.MatchString(lic) {
			dist.add("dct:license", iri("http://spdx.org/licenses/"+lic))
		} else {
			expr := g.blank().add("rdf:type", iri("dct:LicenseDocument")).add("rdfs:label", lit(lic))
			dist.add("dct:license", expr.ref())
		}
		n.add("dcat:distribution", dist.ref())
	}
	if sw.Origin != nil && strings.HasPrefix(sw.Origin.Page, "http") {
		n.add("dct:source", iri(sw.Origin.Page))
	}
}

func (n *node) propsOf(pred string) []term {
	var out []term
	for _, p := range n.props {
		if p.pred == pred {
			out = append(out, p.obj)
		}
	}
	return out
}

// dcatPublishers are the software's publishers as foaf:Agents: ours, else the
// peer's, else the organisation its file names. An administration is named by
// its URI when it has one.
func (s *Server) dcatPublishers(c echo.Context, g *graph, sw catalogue.Software) []*node {
	var out []*node
	agent := func(id, uri, name string) {
		ref := s.absolute("/publishers/" + id)
		if strings.HasPrefix(uri, "http") || strings.HasPrefix(uri, "urn:") {
			ref = uri
		}
		n := g.node(ref)
		if len(n.props) == 0 {
			n.add("rdf:type", iri("foaf:Agent")).add("foaf:name", lit(name))
		}
		out = append(out, n)
	}
	for _, id := range sw.Publishers {
		if p, err := s.store.Publisher(c.Request().Context(), id); err == nil {
			agent(p.ID, p.URI, p.Name)
		}
	}
	if len(out) == 0 && sw.Origin != nil {
		for _, p := range sw.Origin.Publishers {
			if p.Name != "" {
				agent("peer-"+p.ID, p.URI, p.Name)
			}
		}
	}
	if len(out) == 0 && sw.File != nil && sw.File.Organisation.Name != "" {
		agent("org-"+sw.ID, sw.File.Organisation.URI, sw.File.Organisation.Name)
	}
	return out
}

// contactOf is whom to ask about a software: its first maintainer with an
// e-mail address, else its first contractor with one, else the operator.
func (s *Server) contactOf(sw catalogue.Software) (string, string) {
	if f := sw.File; f != nil {
		for _, ct := range f.Maintenance.Contacts {
			if ct.Email != "" {
				return orDefault(ct.Name, ct.Email), ct.Email
			}
		}
		for _, ct := range f.Maintenance.Contractors {
			if ct.Email != "" {
				return orDefault(ct.Name, ct.Email), ct.Email
			}
		}
	}
	fo := s.opts.Federation
	return orDefault(fo.Operator, hostOf(s.opts.PublicURL)), fo.ContactEmail
}

func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	host, _, _ := strings.Cut(u, "/")
	return host
}

// dcatJSONLD answers GET /dcat-ap.jsonld.
func (s *Server) dcatJSONLD(c echo.Context) error {
	g, err := s.dcatGraph(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/ld+json")
	c.Response().WriteHeader(http.StatusOK)
	return g.writeJSONLD(c.Response())
}

// dcatRDF answers GET /dcat-ap.rdf.
func (s *Server) dcatRDF(c echo.Context) error {
	g, err := s.dcatGraph(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/rdf+xml")
	c.Response().WriteHeader(http.StatusOK)
	return g.writeRDFXML(c.Response())
}
