package ui

import (
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
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
	// The catalogue is named apart from its home page, which is its foaf:homepage.
	cat := g.node(home+"#catalogue").add("rdf:type", iri("dcat:Catalog"))
	cat.add("dct:title", langLit(orDefault(fo.Title, "Oscat"), "en"))
	cat.add("dct:description", langLit(orDefault(fo.Description, "A catalogue of public-sector open-source software, read from the publiccode.yml files administrations publish."), "en"))
	operator := g.node(s.absolute("/#operator")).add("rdf:type", iri("foaf:Agent")).add("foaf:name", lit(orDefault(fo.Operator, hostOf(s.opts.PublicURL))))
	cat.add("dct:publisher", operator.ref())
	cat.add("foaf:homepage", document(g, home))
	var newest time.Time
	page := catalogue.Page{Size: 500}
	for {
		list, next, err := s.catalog.ListSoftware(ctx, "", page)
		if err != nil {
			return nil, err
		}
		for _, sw := range list {
			cat.add("dcat:dataset", iri(s.datasetIRI(sw.ID)))
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

// datasetIRI names a software entry as a dataset: a fragment of its page, so
// that the thing described and the HTML page describing it stay apart (the page
// is its foaf:page). The schema.org description on the page uses it too.
func (s *Server) datasetIRI(id string) string { return s.absolute("/software/"+id) + "#software" }

// document types an IRI as a foaf:Document: DCAT-AP requires it of pages and
// landing pages, and SHACL does no inference.
func document(g *graph, u string) term {
	n := g.node(u)
	if len(n.props) == 0 {
		n.add("rdf:type", iri("foaf:Document"))
	}
	return n.ref()
}

// spdxLicence is a licence of the SPDX list as a dct:LicenseDocument, named by
// its SPDX IRI.
func spdxLicence(g *graph, id string) term {
	n := g.node("http://spdx.org/licenses/" + id)
	if len(n.props) == 0 {
		n.add("rdf:type", iri("dct:LicenseDocument")).add("rdfs:label", lit(id))
	}
	return n.ref()
}

func (s *Server) dcatSoftware(c echo.Context, g *graph, sw catalogue.Software, operator *node) {
	page := s.absolute("/software/" + sw.ID)
	n := g.node(s.datasetIRI(sw.ID)).add("rdf:type", iri("dcat:Dataset")).add("rdf:type", iri("adms:Asset")).add("rdf:type", iri("admssw:SoftwareRelease"))
	n.add("dct:title", lit(sw.Name)).add("dct:identifier", lit(sw.URL)).add("foaf:page", document(g, page))
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
		n.add("dcat:version", lit(f.SoftwareVersion))
		if st, ok := admsStatus[f.DevelopmentStatus]; ok {
			n.add("adms:status", iri("http://purl.org/adms/status/"+st))
		}
		landing := f.LandingURL
		if landing == "" {
			landing = sw.URL
		}
		if u, ok := webIRI(landing); ok {
			n.add("dcat:landingPage", document(g, u))
		}
	}
	if !described {
		n.add("dct:description", lit(sw.Name))
	}
	s.dcatPublisher(c, g, n, sw, operator)
	contact := g.blank().add("rdf:type", iri("vcard:Kind"))
	name, email := s.contactOf(sw)
	contact.add("vcard:fn", lit(name))
	if u, ok := mailtoIRI(email); ok {
		contact.add("vcard:hasEmail", iri(u))
	}
	n.add("dcat:contactPoint", contact.ref())
	if u, ok := webIRI(sw.URL); ok && f != nil && f.Legal.License != "" {
		dist := g.blank().add("rdf:type", iri("dcat:Distribution"))
		dist.add("dct:title", lit(sw.Name+" (source code)")).add("dcat:accessURL", iri(u))
		lic := f.Legal.License
		if spdxID.MatchString(lic) {
			dist.add("dct:license", spdxLicence(g, lic))
		} else {
			expr := g.blank().add("rdf:type", iri("dct:LicenseDocument")).add("rdfs:label", lit(lic))
			dist.add("dct:license", expr.ref())
		}
		n.add("dcat:distribution", dist.ref())
	}
	if sw.Origin != nil {
		if u, ok := webIRI(sw.Origin.Page); ok {
			// The peer's entry, which DCAT-AP wants described as a dataset; its
			// page is the peer's HTML page.
			src := g.blank().add("rdf:type", iri("dcat:Dataset")).add("dct:title", lit(sw.Name))
			src.add("dct:description", langLit("The entry this one was harvested from, in the catalogue at "+orDefault(sw.Origin.Peer, hostOf(u))+".", "en"))
			src.add("dct:identifier", lit(sw.Origin.ID)).add("foaf:page", document(g, u))
			n.add("dct:source", src.ref())
		}
	}
}

// webIRI is u as an absolute http(s) URI that RDF parsers and feed readers
// accept: publiccode files hold all sorts of text in their URL fields, so what
// follows the host is percent-encoded where RFC 3986 wants it (spaces,
// brackets, non-ASCII), and what cannot be a URL is refused.
func webIRI(u string) (string, bool) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(u), "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return "", false
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if strings.ContainsAny(authority, " <>\"{}|\\^`%") || !isASCII(authority) {
		return "", false
	}
	out := scheme + "://" + authority + escapeURI(tail)
	if p, err := url.Parse(out); err != nil || p.Hostname() == "" {
		return "", false
	}
	return out, true
}

// escapeURI percent-encodes the bytes of s that RFC 3986 allows nowhere in a
// path, query or fragment, and a % that starts no escape.
func escapeURI(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~:/?#@!$&'()*+,;=", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// mailtoIRI is the mailto: IRI of an e-mail address, when it is one.
func mailtoIRI(email string) (string, bool) {
	a, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || a.Name != "" || strings.ContainsAny(a.Address, " <>\"{}|\\^`") {
		return "", false
	}
	return (&url.URL{Scheme: "mailto", Opaque: a.Address}).String(), true
}

// dcatPublisher gives the dataset its one publisher (DCAT-AP allows one): the
// catalogue publisher of its origin repository, else its first, else the peer's,
// else the organisation its file names, else the operator. Every other
// publisher listing it is a qualified attribution with the publisher role.
func (s *Server) dcatPublisher(c echo.Context, g *graph, n *node, sw catalogue.Software, operator *node) {
	agents := s.dcatPublishers(c, g, sw)
	if len(agents) == 0 {
		n.add("dct:publisher", operator.ref())
		return
	}
	n.add("dct:publisher", agents[0].ref())
	for _, a := range agents[1:] {
		role := g.node("http://registry.it.csiro.au/def/isotc211/CI_RoleCode/publisher")
		if len(role.props) == 0 {
			role.add("rdf:type", iri("dcat:Role")).add("rdfs:label", langLit("publisher", "en"))
		}
		att := g.blank().add("rdf:type", iri("prov:Attribution")).add("prov:agent", a.ref()).add("dcat:hadRole", role.ref())
		n.add("prov:qualifiedAttribution", att.ref())
	}
}

// dcatPublishers are the software's publishers as foaf:Agents, the first one
// its publisher: ours (the origin repository's first), else the peer's, else
// the organisation its file names. An administration is named by its URI when
// it has one.
func (s *Server) dcatPublishers(c echo.Context, g *graph, sw catalogue.Software) []*node {
	var out []*node
	agent := func(id, uri, name string) {
		ref := s.absolute("/publishers/" + id)
		if u, ok := webIRI(uri); ok {
			ref = u
		} else if strings.HasPrefix(uri, "urn:") && !strings.ContainsAny(uri, " <>\"{}|\\^`") {
			ref = uri
		}
		n := g.node(ref)
		if len(n.props) == 0 {
			n.add("rdf:type", iri("foaf:Agent")).add("foaf:name", lit(name))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	ids := slices.Clone(sw.Publishers)
	for _, r := range sw.Repositories {
		if r.Role == catalogue.RoleOrigin && r.Publisher != "" {
			if i := slices.Index(ids, r.Publisher); i > 0 {
				ids = append(append([]string{r.Publisher}, ids[:i]...), ids[i+1:]...)
			}
			break
		}
	}
	for _, id := range ids {
		if p, err := s.catalog.Publisher(c.Request().Context(), id); err == nil {
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
