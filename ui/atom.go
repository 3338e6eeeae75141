package ui

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// Atom feeds (RFC 4287) of new and updated software: the whole catalogue, one
// category, one publisher. Every link is absolute, built from the configured
// public URL and percent-encoded (RFC 3987 IRIs, RFC 3986 URIs where ASCII).

const atomEntries = 50

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Summary    atomText       `xml:"summary"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
}

var feedNameRE = regexp.MustCompile(`^([a-z0-9][a-z0-9._-]{0,99})\.atom$`)

// atomSoftware answers GET /feeds/software.atom.
func (s *Server) atomSoftware(c echo.Context) error {
	return s.atom(c, "/feeds/software.atom", "/", "New and updated software", nil)
}

// atomCategory answers GET /feeds/categories/{id}.atom.
func (s *Server) atomCategory(c echo.Context) error {
	m := feedNameRE.FindStringSubmatch(c.Param("id"))
	if m == nil {
		return catalogue.ErrNotFound
	}
	cat := m[1]
	if !slices.Contains(publiccode.Categories(), cat) {
		return catalogue.ErrNotFound
	}
	alternate := "/search?" + url.Values{"filter[categories]": {cat}}.Encode()
	return s.atom(c, "/feeds/categories/"+cat+".atom", alternate, "New and updated software: "+cat,
		func(sw catalogue.Software) bool { return sw.File != nil && slices.Contains(sw.File.Categories, cat) })
}

// atomPublisher answers GET /feeds/publishers/{id}.atom.
func (s *Server) atomPublisher(c echo.Context) error {
	m := feedNameRE.FindStringSubmatch(c.Param("id"))
	if m == nil {
		return catalogue.ErrNotFound
	}
	p, err := s.catalog.Publisher(c.Request().Context(), m[1])
	if err != nil {
		return err
	}
	return s.atom(c, "/feeds/publishers/"+p.ID+".atom", "/publishers/"+p.ID, "New and updated software of "+p.Name,
		func(sw catalogue.Software) bool { return slices.Contains(sw.Publishers, p.ID) })
}

func (s *Server) atom(c echo.Context, self, alternate, title string, keep func(catalogue.Software) bool) error {
	list, err := s.federation.RecentSoftware(c.Request().Context(), atomEntries, keep)
	if err != nil {
		return err
	}
	fo := s.opts.Federation
	feed := atomFeed{ID: s.absolute(self), Title: orDefault(fo.Title, "Oscat") + ": " + title,
		Links:  []atomLink{{Rel: "self", Href: s.absolute(self), Type: "application/atom+xml"}, {Rel: "alternate", Href: s.absolute(alternate), Type: "text/html"}},
		Author: atomPerson{Name: orDefault(fo.Operator, hostOf(s.opts.PublicURL))}}
	updated := time.Unix(0, 0).UTC()
	for _, sw := range list {
		if sw.UpdatedAt.After(updated) {
			updated = sw.UpdatedAt
		}
		page := s.absolute("/software/" + sw.ID)
		e := atomEntry{ID: page, Title: sw.Name, Updated: sw.UpdatedAt.UTC().Format(time.RFC3339), Published: sw.CreatedAt.UTC().Format(time.RFC3339),
			Summary: atomText{Type: "text", Text: summaryOf(sw)},
			Links:   []atomLink{{Rel: "alternate", Href: page, Type: "text/html"}}}
		if u, ok := webIRI(sw.URL); ok {
			e.Links = append(e.Links, atomLink{Rel: "related", Href: u})
		}
		if sw.File != nil {
			for _, cat := range sw.File.Categories {
				e.Categories = append(e.Categories, atomCategory{Term: cat})
			}
		}
		feed.Entries = append(feed.Entries, e)
	}
	feed.Updated = updated.Format(time.RFC3339)
	out, err := xml.MarshalIndent(feed, "", " ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// summaryOf is a software's short description, in English when it has one.
func summaryOf(sw catalogue.Software) string {
	if sw.File == nil {
		return sw.Name
	}
	_, d := sw.File.PreferredDescription("en")
	text := strings.TrimSpace(d.ShortDescription)
	if text == "" {
		text = sw.Name
	}
	return text
}
