package ui

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/search"
)

// listResponse is the envelope of every API list.
// Links is a listLinks and Meta, when the list has any, a struct of the list's
// own (searchMeta for searches).
type listResponse struct {
	Data  any `json:"data"`
	Links any `json:"links"`
	Meta  any `json:"meta,omitempty"`
}

// listLinks are a list's links: Next is null on its last page.
type listLinks struct {
	Next *string `json:"next"`
}

// searchMeta is the meta of a search's list: how many entries match, the
// facets' counts, and a spelling the index suggests.
type searchMeta struct {
	DidYouMean string                         `json:"didYouMean,omitempty"`
	Facets     map[string][]search.ValueCount `json:"facets"`
	Total      int                            `json:"total"`
}

// nextLink is the relative URL of the following page, nil on the last: the
// same query with page[after] set to the cursor.
func nextLink(c echo.Context, cursor string) *string {
	if cursor == "" {
		return nil
	}
	q := c.Request().URL.Query()
	q.Set("page[after]", cursor)
	l := c.Request().URL.Path + "?" + encodeQuery(q)
	return &l
}

// nextHref is nextLink for a page: empty on the last.
func nextHref(c echo.Context, cursor string) string {
	if l := nextLink(c, cursor); l != nil {
		return *l
	}
	return ""
}

// softwareItem is a software entry as the API shows it.
type softwareItem struct {
	ID                string                     `json:"id"`
	Name              string                     `json:"name"`
	URL               string                     `json:"url"`
	LandingURL        string                     `json:"landingURL,omitempty"`
	Repositories      []repositoryItem           `json:"repositories"`
	Publishers        []string                   `json:"publishers"`
	Description       map[string]descriptionItem `json:"description"`
	DevelopmentStatus string                     `json:"developmentStatus"`
	SoftwareType      string                     `json:"softwareType"`
	License           string                     `json:"license"`
	Categories        []string                   `json:"categories"`
	Platforms         []string                   `json:"platforms"`
	Valid             bool                       `json:"valid"`
	Findings          publiccode.Counts          `json:"findings"`
	Archived          bool                       `json:"archived"`
	Logo              string                     `json:"logo,omitempty"`
	IsBasedOn         []catalogue.SoftwareLink   `json:"isBasedOn"`
	Variants          []catalogue.SoftwareLink   `json:"variants"`
	Activity          *activityItem              `json:"activity,omitempty"`
	// Contributors are the organisations with commits (see contributions.go);
	// Contributions say how the figures were made, with their months.
	Contributors  []contributorItem  `json:"contributors"`
	Contributions *contributionsItem `json:"contributions,omitempty"`
	CreatedAt     string             `json:"createdAt"`
	UpdatedAt     string             `json:"updatedAt"`
	// Users counts the administrations with a confirmed, verified record that
	// counts (uses, co-develops, funds); OpenToJoin is its maintainers' flag;
	// PublisherUnverified marks software listed only through code hosting added
	// on the site and not verified yet.
	Users               int  `json:"users"`
	OpenToJoin          bool `json:"openToJoin"`
	PublisherUnverified bool `json:"publisherUnverified"`
	// Snippet is a piece of the description with the matched words in <mark>,
	// HTML-escaped; only in search results.
	Snippet string `json:"snippet,omitempty"`
	// Origin is set on entries harvested from a peer; Joins are the join records
	// declared here and those other instances declared (see federation.go).
	Origin        *originItem `json:"origin,omitempty"`
	Joins         []joinItem  `json:"joins"`
	PubliccodeYml string      `json:"publiccodeYml,omitempty"`
}

// activityItem is the source repository's activity: its score and why.
type activityItem struct {
	Score      float64                    `json:"score"`
	Commits    int                        `json:"commits"`
	Authors    int                        `json:"authors"`
	LastCommit string                     `json:"lastCommit,omitempty"`
	Breakdown  []catalogue.ScoreComponent `json:"breakdown"`
}

type repositoryItem struct {
	URL       string `json:"url"`
	Publisher string `json:"publisher,omitempty"`
	Status    string `json:"status"`
	Role      string `json:"role,omitempty"`
}

type descriptionItem struct {
	LocalisedName    string   `json:"localisedName,omitempty"`
	ShortDescription string   `json:"shortDescription"`
	LongDescription  string   `json:"longDescription"`
	Features         []string `json:"features"`
}

func newSoftwareItem(sw catalogue.Software) softwareItem {
	it := softwareItem{
		ID: sw.ID, Name: sw.Name, URL: sw.URL, Publishers: sw.Publishers, Valid: sw.Valid, Findings: sw.Findings,
		Description: map[string]descriptionItem{}, Categories: []string{}, Platforms: []string{}, Repositories: []repositoryItem{},
		CreatedAt: sw.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: sw.UpdatedAt.UTC().Format(time.RFC3339),
	}
	for _, r := range sw.Repositories {
		it.Repositories = append(it.Repositories, repositoryItem{URL: r.URL, Publisher: r.Publisher, Status: string(r.Status), Role: string(r.Role)})
	}
	it.Archived, it.IsBasedOn, it.Variants = sw.Archived, sw.BasedOn, sw.Variants
	it.Users, it.OpenToJoin, it.PublisherUnverified = sw.Users, sw.OpenToJoin, sw.PublisherUnverified
	if it.IsBasedOn == nil {
		it.IsBasedOn = []catalogue.SoftwareLink{}
	}
	if it.Variants == nil {
		it.Variants = []catalogue.SoftwareLink{}
	}
	if sw.Logo != "" {
		it.Logo = "/media/" + sw.Logo
	}
	it.Origin, it.Joins = newOriginItem(sw.Origin), softwareJoins(sw, time.Now())
	it.Contributors, it.Contributions = contributorItems(sw.Contributions)
	if a := sw.Activity; a != nil {
		it.Activity = &activityItem{Score: a.Score, Commits: a.Commits, Authors: a.Authors, Breakdown: a.Breakdown}
		if a.LastCommit != nil {
			it.Activity.LastCommit = a.LastCommit.UTC().Format(time.RFC3339)
		}
	}
	if f := sw.File; f != nil {
		it.LandingURL = f.LandingURL
		it.DevelopmentStatus, it.SoftwareType, it.License = f.DevelopmentStatus, f.SoftwareType, f.Legal.License
		if f.Categories != nil {
			it.Categories = f.Categories
		}
		if f.Platforms != nil {
			it.Platforms = f.Platforms
		}
		for lang, d := range f.Description {
			features := d.Features
			if features == nil {
				features = []string{}
			}
			it.Description[lang] = descriptionItem{LocalisedName: d.LocalisedName, ShortDescription: d.ShortDescription, LongDescription: d.LongDescription, Features: features}
		}
	}
	return it
}

// apiListSoftware answers GET /api/v1/software: a search, with filters, facet
// counts and cursor pages; every entry by name when there is no text.
func (s *Server) apiListSoftware(c echo.Context) error {
	req, err := searchRequest(c)
	if err != nil {
		return err
	}
	res, err := s.index.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	list, err := s.listed(c.Request().Context(), res.IDs, res.Versions)
	if err != nil {
		return err
	}
	withYml := c.QueryParam("include") == "publiccodeYml"
	items := make([]softwareItem, 0, len(list))
	for _, sw := range list {
		it := s.publish(sw)
		if len(res.Terms) > 0 {
			it.Snippet, _ = search.Snippet(sw, res.Terms, "en")
		}
		if withYml {
			it.PubliccodeYml = sw.Raw
		}
		items = append(items, it)
	}
	meta := searchMeta{Total: res.Total, Facets: facetsMeta(res.Facets), DidYouMean: res.Suggestion}
	return jsonOK(c, listResponse{Data: items, Links: listLinks{Next: nextLink(c, res.Next)}, Meta: meta})
}

// apiSoftware answers GET /api/v1/software/{id}.
func (s *Server) apiSoftware(c echo.Context) error {
	sw, err := s.catalog.Software(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	it := s.publish(sw)
	if c.QueryParam("include") == "publiccodeYml" {
		it.PubliccodeYml = sw.Raw
	}
	// Contacts of the records declared here only for signed-in members of
	// administrations.
	if err := s.withContacts(c, &it, sw); err != nil {
		return err
	}
	return jsonOK(c, it)
}

// publisherItem is a publisher as the API shows it.
type publisherItem struct {
	ID            string                  `json:"id"`
	Name          string                  `json:"name"`
	Country       string                  `json:"country,omitempty"`
	URI           string                  `json:"uri,omitempty"`
	AlternativeID string                  `json:"alternativeId,omitempty"`
	CodeHosting   []catalogue.CodeHosting `json:"codeHosting"`
	UpdatedAt     string                  `json:"updatedAt"`
}

func newPublisherItem(p catalogue.Publisher) publisherItem {
	return publisherItem{ID: p.ID, Name: p.Name, Country: p.Country, URI: p.URI, AlternativeID: p.AlternativeID,
		CodeHosting: p.CodeHosting, UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339)}
}

// publishersList is the query GET /api/v1/publishers reads.
var publishersList = listSpec{cursor: catalogue.IsPublisherID}

// apiListPublishers answers GET /api/v1/publishers.
func (s *Server) apiListPublishers(c echo.Context) error {
	lq, err := parseList(c, publishersList)
	if err != nil {
		return err
	}
	list, next, err := s.catalog.Publishers(c.Request().Context(), catalogue.Page{After: lq.after, Size: lq.size})
	if err != nil {
		return err
	}
	items := make([]publisherItem, 0, len(list))
	for _, p := range list {
		items = append(items, newPublisherItem(p))
	}
	return jsonOK(c, listResponse{Data: items, Links: listLinks{Next: nextLink(c, next)}})
}

// apiPublisher answers GET /api/v1/publishers/{id}.
func (s *Server) apiPublisher(c echo.Context) error {
	p, err := s.catalog.Publisher(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return jsonOK(c, newPublisherItem(p))
}

func jsonOK(c echo.Context, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(http.StatusOK)
	return jsonEncode(c.Response(), v)
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

// healthz says the process is alive.
func (s *Server) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readyz says the process can serve: the store answers, and it is ready for
// its role (Options.Ready).
func (s *Server) readyz(c echo.Context) error {
	if err := s.catalog.Ping(c.Request().Context()); err != nil {
		s.log.Warn("not ready: store", "err", err)
		return c.String(http.StatusServiceUnavailable, "store unavailable\n")
	}
	writeReadiness(c.Response(), c.Request(), s.opts.Ready, s.log)
	return nil
}
