package ui

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// repoView is a repository with its findings in the visitor's language.
type repoView struct {
	catalogue.Repository
	Listed   bool
	Findings []findingView
}

// publisherPage shows an administration, its software and how each of its
// repositories fared in the last crawl, so that a maintainer sees at once why
// a repository is not listed.
func (s *Server) publisherPage(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.Publisher(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	list, _, err := s.store.ListSoftware(ctx, p.ID, catalogue.Page{Size: 1000})
	if err != nil {
		return err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	repos, _, err := s.store.Repositories(ctx, catalogue.RepositoryFilter{Publisher: p.ID}, catalogue.Page{Size: 1000})
	if err != nil {
		return err
	}
	l := s.localiser(c)
	views := make([]repoView, 0, len(repos))
	problems := 0
	for _, r := range repos {
		v := repoView{Repository: r, Listed: r.SoftwareID != "" && r.HiddenReason == "" && r.SoftwareHiddenReason == "", Findings: l.Findings(r.Findings, r.Raw)}
		if !v.Listed || len(r.Findings) > 0 {
			problems++
		}
		views = append(views, v)
	}
	// Repositories that need a maintainer's attention come first.
	sort.SliceStable(views, func(i, j int) bool { return rank(views[i]) < rank(views[j]) })
	ld := map[string]any{"@context": "https://schema.org", "@type": "GovernmentOrganization", "name": p.Name, "url": s.absolute("/publishers/" + p.ID)}
	if p.URI != "" {
		ld["identifier"] = p.URI
	}
	page := map[string]any{"P": p, "Country": l.CountryName(p.Country), "Software": summaries(l, snap, list, nil), "Repositories": views, "Problems": problems,
		"Done": c.QueryParam("done")}
	if page["Collab"], err = s.publisherCollabView(ctx, l, p, list); err != nil {
		return err
	}
	if s.opts.Community != nil {
		if err := s.maintainPanel(c, p, page); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "publisher", view{Title: p.Name, Section: "search", JSONLD: ld, Page: page})
}

// rank orders repositories: failed and unlisted first, then with findings, then the rest.
func rank(v repoView) int {
	switch {
	case !v.Listed:
		return 0
	case len(v.Findings) > 0:
		return 1
	}
	return 2
}
