package ui

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/search"
)

// categoryLink is one category of the home page with its count.
type categoryLink struct {
	search.ValueCount
	Label string
}

// homePage is the front page's data.
type homePage struct {
	// Software and Publishers count what the catalogue holds; Users the
	// administrations that use software of it, or -1 without accounts.
	Software, Publishers, Users int
	Categories                  []categoryLink
	Updated, Added              []summary
	// BuiltTogether are entries several administrations build, with a link
	// to all of them.
	BuiltTogether     []summary
	BuiltTogetherHref string
}

// webSiteLD is the front page's schema.org WebSite node, with the search it
// offers. Its fields are in the order the JSON keys used to be sorted.
type webSiteLD struct {
	Context         string         `json:"@context"`
	Type            string         `json:"@type"`
	Name            string         `json:"name"`
	PotentialAction searchActionLD `json:"potentialAction"`
	URL             string         `json:"url"`
}

type searchActionLD struct {
	Type       string `json:"@type"`
	QueryInput string `json:"query-input"`
	Target     string `json:"target"`
}

// homePageData gathers the front page in the visitor's language.
func (s *Server) homePageData(ctx context.Context, l localiser) (homePage, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return homePage{}, err
	}
	updated, err := s.listed(ctx, snap.home.Updated, snap.home.UpdatedVersions)
	if err != nil {
		return homePage{}, err
	}
	added, err := s.listed(ctx, snap.home.Added, snap.home.AddedVersions)
	if err != nil {
		return homePage{}, err
	}
	p := homePage{Software: snap.home.Software, Publishers: snap.home.Publishers, Users: -1,
		Updated: summaries(l, snap, updated, nil), Added: summaries(l, snap, added, nil), BuiltTogetherHref: builtTogetherHref}
	p.Categories = make([]categoryLink, 0, len(snap.home.Categories))
	for _, v := range snap.home.Categories {
		p.Categories = append(p.Categories, categoryLink{ValueCount: v, Label: l.Label("category", v.Value)})
	}
	if p.BuiltTogether, err = s.builtTogether(ctx, l, snap); err != nil {
		return homePage{}, err
	}
	if s.accounts != nil {
		if p.Users, err = s.joins.CountUsingAdministrations(ctx); err != nil {
			return homePage{}, err
		}
	}
	return p, nil
}

// home is the front page: a search box, what the catalogue holds, its
// categories, and what was added and updated last.
func (s *Server) home(c echo.Context) error {
	l := s.localiser(c)
	p, err := s.homePageData(c.Request().Context(), l)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "home", view{
		Title: l.T("ui.home.title"), Section: "home", Description: l.T("ui.home.lead"),
		JSONLD: webSiteLD{Context: "https://schema.org", Type: "WebSite", Name: "Oscat", URL: s.absolute("/"),
			PotentialAction: searchActionLD{Type: "SearchAction", Target: s.absolute("/search") + "?q={query}", QueryInput: "required name=query"}},
		Page: p,
	})
}
