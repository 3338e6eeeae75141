package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/search"
)

// codeItem is a code entry as the API shows it: a repository without a
// publiccode.yml, with what the repository itself shows.
type codeItem struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	URL                  string        `json:"url"`
	Description          string        `json:"description"`
	Readme               string        `json:"readme"`
	License              string        `json:"license"`
	ProgrammingLanguages []string      `json:"programmingLanguages"`
	Publishers           []string      `json:"publishers"`
	Archived             bool          `json:"archived"`
	LastCommitAt         string        `json:"lastCommitAt,omitempty"`
	Activity             *activityItem `json:"activity,omitempty"`
	UpdatedAt            string        `json:"updatedAt"`
}

func newCodeItem(e catalogue.CodeEntry) codeItem {
	it := codeItem{ID: e.ID, Name: e.Name, URL: e.URL, Description: e.Description, Readme: e.Readme, License: e.License,
		ProgrammingLanguages: e.ProgrammingLanguages, Publishers: e.Publishers, Archived: e.Archived,
		UpdatedAt: e.UpdatedAt.UTC().Format(time.RFC3339)}
	if it.ProgrammingLanguages == nil {
		it.ProgrammingLanguages = []string{}
	}
	if it.Publishers == nil {
		it.Publishers = []string{}
	}
	if e.LastCommitAt != nil {
		it.LastCommitAt = e.LastCommitAt.UTC().Format(time.RFC3339)
	}
	if a := e.Activity; a != nil {
		it.Activity = &activityItem{Score: a.Score, Commits: a.Commits, Authors: a.Authors, Breakdown: a.Breakdown}
		if a.LastCommit != nil {
			it.Activity.LastCommit = a.LastCommit.UTC().Format(time.RFC3339)
		}
	}
	return it
}

// codeResults is one page of a code search, the entries in the index's order.
type codeResults struct {
	Entries    []catalogue.CodeEntry
	Total      int
	Next       string
	Facets     []search.FacetCount
	Suggestion string
}

// searchCode runs a code search and reads its entries.
func (s *Server) searchCode(ctx context.Context, req search.Request) (codeResults, error) {
	if s.codes == nil {
		return codeResults{}, errNoCode
	}
	req.Kind = search.KindCode
	res, err := s.index.Search(ctx, req)
	if err != nil {
		return codeResults{}, err
	}
	list, err := s.codes.CodeEntriesByIDs(ctx, res.IDs)
	if err != nil {
		return codeResults{}, err
	}
	return codeResults{Entries: list, Total: res.Total, Next: res.Next, Facets: res.Facets, Suggestion: res.Suggestion}, nil
}

// errNoCode is returned when the store keeps no code entries.
var errNoCode = echo.NewHTTPError(http.StatusNotFound, "this catalogue keeps no code entries")

// apiListCode answers GET /api/v1/code: repositories without a publiccode.yml,
// with the query language, filters, facets and pages of /api/v1/software.
func (s *Server) apiListCode(c echo.Context) error {
	req, err := searchRequestOf(c, search.KindCode)
	if err != nil {
		return err
	}
	res, err := s.searchCode(c.Request().Context(), req)
	if err != nil {
		return err
	}
	items := make([]codeItem, 0, len(res.Entries))
	for _, e := range res.Entries {
		items = append(items, newCodeItem(e))
	}
	meta := searchMeta{Total: res.Total, Facets: facetsMeta(res.Facets), DidYouMean: res.Suggestion}
	return jsonOK(c, listResponse{Data: items, Links: listLinks{Next: nextLink(c, res.Next)}, Meta: meta})
}

// apiCode answers GET /api/v1/code/{id}; once the repository gained a
// publiccode.yml, it answers 301 to the software item.
func (s *Server) apiCode(c echo.Context) error {
	e, err := s.codeEntry(c.Request().Context(), c.Param("id"))
	var described *catalogue.DescribedError
	if errors.As(err, &described) {
		return c.Redirect(http.StatusMovedPermanently, "/api/v1/software/"+url.PathEscape(described.SoftwareID))
	}
	if err != nil {
		return err
	}
	return jsonOK(c, newCodeItem(e))
}

func (s *Server) codeEntry(ctx context.Context, id string) (catalogue.CodeEntry, error) {
	if s.codes == nil {
		return catalogue.CodeEntry{}, errNoCode
	}
	return s.codes.CodeEntry(ctx, id)
}
