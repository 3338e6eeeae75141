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

// publisherPage is an administration's page: P with its software, how each of
// its repositories fared (Problems count those that need attention), what it
// builds with others, and what the visitor may do for it.
type publisherPage struct {
	P            catalogue.Publisher
	Country      string
	Software     []summary
	Repositories []repoView
	Problems     int
	Collab       publisherCollab
	// Done names what a form the visitor sent just did.
	Done string
	publisherMaintain
	// Hooks are the webhook secrets, shown to members.
	Hooks *hookPanel
}

// publisherMaintain is what a publisher's members and visitors may do there:
// members manage code hosting, crawl now and subscribe; others ask to join;
// an instance administrator sees the Members.
type publisherMaintain struct {
	Pending bool
	// Now is when the page was made, for the script that watches a crawl.
	Now                          string
	Members                      []catalogue.Membership
	Member, Subscribed, CanCrawl bool
	HostingTypes                 []catalogue.HostingType
}

// organizationLD is a publisher as schema.org sees it; its fields are in the
// order the JSON keys used to be sorted.
type organizationLD struct {
	Context    string `json:"@context"`
	Type       string `json:"@type"`
	Identifier string `json:"identifier,omitempty"`
	Name       string `json:"name"`
	URL        string `json:"url"`
}

// publisherPage shows an administration, its software and how each of its
// repositories fared in the last crawl, so that a maintainer sees at once why
// a repository is not listed.
func (s *Server) publisherPage(c echo.Context) error {
	p, err := s.publisherPageData(c, s.localiser(c))
	if err != nil {
		return err
	}
	ld := organizationLD{Context: "https://schema.org", Type: "GovernmentOrganization", Name: p.P.Name, URL: s.absolute("/publishers/" + p.P.ID), Identifier: p.P.URI}
	return s.render(c, http.StatusOK, "publisher", view{Title: p.P.Name, Section: "search", JSONLD: ld, Page: p})
}

// publisherPageData gathers the publisher the request names.
func (s *Server) publisherPageData(c echo.Context, l localiser) (publisherPage, error) {
	ctx := c.Request().Context()
	p, err := s.catalog.Publisher(ctx, c.Param("id"))
	if err != nil {
		return publisherPage{}, err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return publisherPage{}, err
	}
	list, _, err := s.catalog.ListSoftware(ctx, p.ID, catalogue.Page{Size: 1000})
	if err != nil {
		return publisherPage{}, err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	page := publisherPage{P: p, Country: l.CountryName(p.Country), Software: summaries(l, snap, list, nil), Done: c.QueryParam("done")}
	if page.Repositories, page.Problems, err = s.publisherRepositories(ctx, l, p); err != nil {
		return publisherPage{}, err
	}
	if page.Collab, err = s.publisherCollabView(ctx, l, p, list); err != nil {
		return publisherPage{}, err
	}
	if s.accounts == nil {
		return page, nil
	}
	if page.publisherMaintain, err = s.maintainPanel(c, p); err != nil {
		return publisherPage{}, err
	}
	if page.Member && s.hookSecrets != nil {
		if page.Hooks, err = s.hookPanelData(ctx, s.actor(c), p); err != nil {
			return publisherPage{}, err
		}
	}
	return page, nil
}

// publisherRepositories are the publisher's repositories with their findings,
// those that need a maintainer's attention first, and how many need it.
func (s *Server) publisherRepositories(ctx context.Context, l localiser, p catalogue.Publisher) ([]repoView, int, error) {
	repos, _, err := s.catalog.Repositories(ctx, catalogue.RepositoryFilter{Publisher: p.ID}, catalogue.Page{Size: 1000})
	if err != nil {
		return nil, 0, err
	}
	files, err := s.repositoryFiles(ctx, repos)
	if err != nil {
		return nil, 0, err
	}
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
	sort.SliceStable(views, func(i, j int) bool { return rank(views[i]) < rank(views[j]) })
	return views, problems, nil
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
