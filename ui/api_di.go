package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// The Developers Italia-compatible API (/di/v1) serves the catalogue in the
// shapes of github.com/italia/developers-italia-api, so that front ends and
// harvesters built for that API read ours: lists in creation order, cursors in
// page[after] and page[before], links {prev, next} as "?page[after]=…", creation
// time filters from and to, errors as problem+json with status 422 for bad input.

type diSoftware struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Aliases       []string `json:"aliases"`
	PubliccodeYml string   `json:"publiccodeYml"`
	Active        bool     `json:"active"`
	CreatedAt     string   `json:"createdAt"`
	UpdatedAt     string   `json:"updatedAt"`
}

type diCodeHosting struct {
	URL       string `json:"url"`
	Group     bool   `json:"group"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

type diPublisher struct {
	ID            string          `json:"id"`
	CodeHosting   []diCodeHosting `json:"codeHosting"`
	Description   string          `json:"description"`
	Email         string          `json:"email,omitempty"`
	Active        bool            `json:"active"`
	AlternativeID string          `json:"alternativeId,omitempty"`
	CreatedAt     string          `json:"createdAt"`
	UpdatedAt     string          `json:"updatedAt"`
}

type diLinks struct {
	Prev *string `json:"prev"`
	Next *string `json:"next"`
}

// diLink is the link to the page at cursor, as the upstream API gives it: a
// query string, the cursor first, that keeps every other parameter of the
// request (page[size], from, to, url, all) so that the pages it links to are
// pages of the same list.
func diLink(c echo.Context, param, cursor string) *string {
	if cursor == "" {
		return nil
	}
	q := c.Request().URL.Query()
	q.Del("page[after]")
	q.Del("page[before]")
	l := "?page[" + param + "]=" + url.QueryEscape(cursor)
	if rest := encodeQuery(q); rest != "" {
		l += "&" + rest
	}
	return &l
}

// diProblemBody is DI's error body; its fields are in the order the JSON keys
// used to be sorted.
type diProblemBody struct {
	Detail string `json:"detail"`
	Status int    `json:"status"`
	Title  string `json:"title"`
}

// diList is a page of DI's list, with the links before and after it.
type diList[T any] struct {
	Data  []T     `json:"data"`
	Links diLinks `json:"links"`
}

func diProblem(c echo.Context, status int, title, detail string) error {
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(status)
	return jsonEncode(c.Response(), diProblemBody{Title: title, Detail: detail, Status: status})
}

// diPage reads DI's list parameters.
func diPage(c echo.Context) (catalogue.CreationPage, error) {
	p := catalogue.CreationPage{Size: 25, After: c.QueryParam("page[after]"), Before: c.QueryParam("page[before]"), URL: c.QueryParam("url")}
	if raw := c.QueryParam("page[size]"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 100 {
			return p, errors.New("page[size] must be between 1 and 100")
		}
		p.Size = n
	}
	for name, dst := range map[string]*time.Time{"from": &p.From, "to": &p.To} {
		if raw := c.QueryParam(name); raw != "" {
			t, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				return p, errors.New("invalid date time format (RFC 3339 needed)")
			}
			*dst = t
		}
	}
	p.All, _ = strconv.ParseBool(c.QueryParam("all"))
	return p, nil
}

func (s *Server) newDISoftware(sw catalogue.Software, active bool) diSoftware {
	it := diSoftware{ID: sw.ID, URL: sw.URL, Aliases: []string{}, PubliccodeYml: sw.Raw, Active: active,
		CreatedAt: sw.CreatedAt.Format(time.RFC3339), UpdatedAt: sw.UpdatedAt.Format(time.RFC3339)}
	for _, r := range sw.Repositories {
		if c, err := catalogue.CanonicalURL(r.URL); err == nil && c != sw.URL {
			it.Aliases = append(it.Aliases, r.URL)
		}
	}
	return it
}

// diListSoftware answers GET /di/v1/software.
func (s *Server) diListSoftware(c echo.Context) error {
	p, err := diPage(c)
	if err != nil {
		return diProblem(c, http.StatusUnprocessableEntity, "can't get Software", err.Error())
	}
	ctx := c.Request().Context()
	list, next, prev, err := s.federation.SoftwareByCreation(ctx, p)
	if errors.Is(err, catalogue.ErrInvalid) {
		return diProblem(c, http.StatusUnprocessableEntity, "can't get Software", "wrong cursor format in page[after] or page[before]")
	}
	if err != nil {
		return err
	}
	inactive := map[string]bool{}
	if p.All {
		ids := make([]string, len(list))
		for i, sw := range list {
			ids[i] = sw.ID
		}
		if inactive, err = s.federation.HiddenSoftware(ctx, ids); err != nil {
			return err
		}
	}
	data := make([]diSoftware, 0, len(list))
	for _, sw := range list {
		data = append(data, s.newDISoftware(sw, !inactive[sw.ID]))
	}
	return jsonOK(c, diList[diSoftware]{Data: data, Links: diLinks{Prev: diLink(c, "before", prev), Next: diLink(c, "after", next)}})
}

// diSoftware answers GET /di/v1/software/{id}.
func (s *Server) diSoftware(c echo.Context) error {
	sw, err := s.catalog.Software(c.Request().Context(), c.Param("id"))
	if errors.Is(err, catalogue.ErrNotFound) {
		return diProblem(c, http.StatusNotFound, "can't get Software", "Software was not found")
	}
	if err != nil {
		return err
	}
	return jsonOK(c, s.newDISoftware(sw, true))
}

func newDIPublisher(p catalogue.Publisher) diPublisher {
	it := diPublisher{ID: p.ID, Description: p.Name, Active: true, AlternativeID: p.AlternativeID, CodeHosting: []diCodeHosting{},
		CreatedAt: p.CreatedAt.Format(time.RFC3339), UpdatedAt: p.UpdatedAt.Format(time.RFC3339)}
	for _, h := range p.CodeHosting {
		it.CodeHosting = append(it.CodeHosting, diCodeHosting{URL: h.URL, Group: h.Group, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt})
	}
	return it
}

// diListPublishers answers GET /di/v1/publishers.
func (s *Server) diListPublishers(c echo.Context) error {
	p, err := diPage(c)
	if err != nil {
		return diProblem(c, http.StatusUnprocessableEntity, "can't get Publishers", err.Error())
	}
	list, next, prev, err := s.federation.PublishersByCreation(c.Request().Context(), p)
	if errors.Is(err, catalogue.ErrInvalid) {
		return diProblem(c, http.StatusUnprocessableEntity, "can't get Publishers", "wrong cursor format in page[after] or page[before]")
	}
	if err != nil {
		return err
	}
	data := make([]diPublisher, 0, len(list))
	for _, pub := range list {
		data = append(data, newDIPublisher(pub))
	}
	return jsonOK(c, diList[diPublisher]{Data: data, Links: diLinks{Prev: diLink(c, "before", prev), Next: diLink(c, "after", next)}})
}

// diPublisher answers GET /di/v1/publishers/{id}, by ID or alternativeId.
func (s *Server) diPublisher(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.catalog.Publisher(ctx, c.Param("id"))
	if errors.Is(err, catalogue.ErrNotFound) {
		p, err = s.publisherByAlternativeID(c, c.Param("id"))
	}
	if errors.Is(err, catalogue.ErrNotFound) {
		return diProblem(c, http.StatusNotFound, "can't get Publisher", "Publisher was not found")
	}
	if err != nil {
		return err
	}
	return jsonOK(c, newDIPublisher(p))
}

func (s *Server) publisherByAlternativeID(c echo.Context, alt string) (catalogue.Publisher, error) {
	page := catalogue.Page{Size: 500}
	for {
		list, next, err := s.catalog.Publishers(c.Request().Context(), page)
		if err != nil {
			return catalogue.Publisher{}, err
		}
		for _, p := range list {
			if alt != "" && p.AlternativeID == alt {
				return p, nil
			}
		}
		if next == "" {
			return catalogue.Publisher{}, catalogue.ErrNotFound
		}
		page.After = next
	}
}
