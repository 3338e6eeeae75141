package ui

import (
	"encoding/xml"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// maxSitemapURLs is the sitemaps protocol's limit for one file.
const maxSitemapURLs = 50000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists the site's pages for search engines: the fixed pages, every
// listed software entry and every publisher.
func (s *Server) sitemap(c echo.Context) error {
	ctx := c.Request().Context()
	var urls []sitemapURL
	for _, p := range []string{"/", "/search", "/validate", "/crawls", "/api", "/accessibility"} {
		urls = append(urls, sitemapURL{Loc: s.absolute(p)})
	}
	for after := ""; len(urls) < maxSitemapURLs; {
		list, next, err := s.catalog.ListSoftware(ctx, "", catalogue.Page{After: after, Size: 500})
		if err != nil {
			return err
		}
		for _, sw := range list {
			urls = append(urls, sitemapURL{Loc: s.absolute("/software/" + url.PathEscape(sw.ID)), LastMod: sw.UpdatedAt.UTC().Format("2006-01-02")})
		}
		if next == "" {
			break
		}
		after = next
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	for _, id := range snap.publisherOrder {
		urls = append(urls, sitemapURL{Loc: s.absolute("/publishers/" + url.PathEscape(id))})
	}
	if len(urls) > maxSitemapURLs {
		urls = urls[:maxSitemapURLs]
	}
	body := struct {
		XMLName xml.Name     `xml:"urlset"`
		NS      string       `xml:"xmlns,attr"`
		URLs    []sitemapURL `xml:"url"`
	}{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: urls}
	out, err := xml.MarshalIndent(body, "", " ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// robots points crawlers at the sitemap and away from the API and the validator's results.
func (s *Server) robots(c echo.Context) error {
	return c.String(http.StatusOK, "User-agent: *\nDisallow: /api/v1/\nSitemap: "+s.absolute("/sitemap.xml")+"\n")
}
