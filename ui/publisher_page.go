package ui

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// repoView is a repository with its findings in the visitor's language.
type repoView struct {
	catalogue.Repository
	Listed   bool
	Findings []findingView
	// Files are the publiccode files its last read found, when it holds more
	// than its root's (its apps).
	Files []catalogue.RepoFile
}

// publisherPage shows an administration, its software and how each of its
// repositories fared in the last crawl, so that a maintainer sees at once why
// a repository is not listed.
func (s *Server) publisherPage(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.catalog.Publisher(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	list, _, err := s.catalog.ListSoftware(ctx, p.ID, catalogue.Page{Size: 1000})
	if err != nil {
		return err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	repos, _, err := s.catalog.Repositories(ctx, catalogue.RepositoryFilter{Publisher: p.ID}, catalogue.Page{Size: 1000})
	if err != nil {
		return err
	}
	files, err := s.repositoryFiles(ctx, repos)
	if err != nil {
		return err
	}
	l := s.localiser(c)
	views := make([]repoView, 0, len(repos))
	problems := 0
	for _, r := range repos {
		v := repoView{Repository: r, Listed: r.SoftwareID != "" && r.HiddenReason == "" && r.SoftwareHiddenReason == "", Findings: l.Findings(r.Findings, r.Raw),
			Files: files[r.URL]}
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
	if s.accounts != nil {
		if err := s.maintainPanel(c, p, page); err != nil {
			return err
		}
		if member, _ := page["Member"].(bool); member && s.hookSecrets != nil {
			if page["Hooks"], err = s.hookPanelData(ctx, s.actor(c), p); err != nil {
				return err
			}
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

// RepositoryFiles gives the publiccode files each repository's last read found.
type RepositoryFiles interface {
	RepositoryFiles(ctx context.Context, urls []string) (map[string][]catalogue.RepoFile, error)
}

// repositoryFiles are the files of repos that hold more than a root file.
func (s *Server) repositoryFiles(ctx context.Context, repos []catalogue.Repository) (map[string][]catalogue.RepoFile, error) {
	if s.opts.RepositoryFiles == nil {
		return nil, nil
	}
	urls := make([]string, 0, len(repos))
	for _, r := range repos {
		urls = append(urls, r.URL)
	}
	all, err := s.opts.RepositoryFiles.RepositoryFiles(ctx, urls)
	if err != nil {
		return nil, err
	}
	for u, fs := range all {
		if len(fs) == 1 && !strings.Contains(fs[0].Path, "/") {
			delete(all, u) // the root's file alone: the row says it all
		}
	}
	return all, nil
}
