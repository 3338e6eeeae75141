package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/search"
)

// categoryLink is one category of the home page with its count.
type categoryLink struct {
	search.ValueCount
	Label string
}

// home is the front page: a search box, what the catalogue holds, its
// categories, and what was added and updated last.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	l := s.localiser(c)
	updated, err := s.catalog.SoftwareByIDs(ctx, snap.home.Updated)
	if err != nil {
		return err
	}
	added, err := s.catalog.SoftwareByIDs(ctx, snap.home.Added)
	if err != nil {
		return err
	}
	cats := make([]categoryLink, 0, len(snap.home.Categories))
	for _, v := range snap.home.Categories {
		cats = append(cats, categoryLink{ValueCount: v, Label: l.Label("category", v.Value)})
	}
	together, err := s.builtTogether(ctx, l, snap)
	if err != nil {
		return err
	}
	users := -1
	if s.accounts != nil {
		if users, err = s.joins.CountUsingAdministrations(ctx); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "home", view{
		Title: l.T("ui.home.title"), Section: "home", Description: l.T("ui.home.lead"),
		JSONLD: map[string]any{
			"@context": "https://schema.org", "@type": "WebSite", "name": "Oscat", "url": s.absolute("/"),
			"potentialAction": map[string]any{"@type": "SearchAction", "target": s.absolute("/search") + "?q={query}", "query-input": "required name=query"},
		},
		Page: map[string]any{
			"Software": snap.home.Software, "Publishers": snap.home.Publishers, "Categories": cats,
			"Updated": summaries(l, snap, updated, nil), "Added": summaries(l, snap, added, nil), "Users": users,
			"BuiltTogether": together, "BuiltTogetherHref": builtTogetherHref,
		},
	})
}
