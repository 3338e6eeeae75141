package ui

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// RepositoryDrafter drafts a publiccode.yml for a repository the catalogue does
// not crawl, fetching it under the crawler's policy and caps (*crawler.Crawler).
type RepositoryDrafter interface {
	Draft(ctx context.Context, repoURL string) (catalogue.Draft, error)
}

// draftRequest is the body of POST /api/v1/drafts: exactly one of its fields.
type draftRequest struct {
	// Repository is a repository the catalogue has crawled, as it lists it.
	Repository string `json:"repository"`
	// URL is any other git URL (signed-in people only).
	URL string `json:"url"`
}

// maxDraftBody bounds the request body.
const maxDraftBody = 16 << 10

// apiDraft answers POST /api/v1/drafts with a drafted publiccode.yml, its
// findings and the keys the maintainer must fill in.
func (s *Server) apiDraft(c echo.Context) error {
	var req draftRequest
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxDraftBody+1))
	if err != nil || len(body) > maxDraftBody {
		return badRequest{"send a JSON body of at most 16 KiB: {\"repository\": URL} or {\"url\": URL}"}
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return badRequest{"the body is not JSON: send {\"repository\": URL} or {\"url\": URL}"}
	}
	req.Repository, req.URL = strings.TrimSpace(req.Repository), strings.TrimSpace(req.URL)
	if (req.Repository == "") == (req.URL == "") {
		return badRequest{"give exactly one of repository (a repository the catalogue lists) or url (any other git URL)"}
	}
	d, err := s.draft(c, req)
	if err != nil {
		return err
	}
	return jsonOK(c, d)
}

// draft builds the draft a request asks for.
func (s *Server) draft(c echo.Context, req draftRequest) (catalogue.Draft, error) {
	ctx := c.Request().Context()
	if req.Repository != "" {
		if s.codes == nil {
			return catalogue.Draft{}, errNoCode
		}
		e, err := s.codes.CodeEntryByURL(ctx, req.Repository)
		if errors.Is(err, catalogue.ErrNotFound) {
			return catalogue.Draft{}, echo.NewHTTPError(http.StatusNotFound, "the catalogue lists no repository without a publiccode.yml at "+quote(req.Repository)+": give it as the catalogue lists it, or send {\"url\": …} signed in")
		}
		if err != nil {
			return catalogue.Draft{}, err
		}
		return catalogue.MakeDraft(catalogue.DraftInputOf(e)), nil
	}
	p, signedIn := person(c)
	if !signedIn {
		return catalogue.Draft{}, echo.NewHTTPError(http.StatusUnauthorized, "sign in to draft a publiccode.yml for a repository the catalogue does not crawl")
	}
	if s.opts.Drafter == nil {
		return catalogue.Draft{}, echo.NewHTTPError(http.StatusNotImplemented, "this server does not fetch repositories for drafts")
	}
	if !s.draftLimit.allow(p.ID) {
		c.Response().Header().Set("Retry-After", "600")
		return catalogue.Draft{}, echo.NewHTTPError(http.StatusTooManyRequests, "you asked for many drafts of other repositories in a short time: wait a few minutes")
	}
	d, err := s.opts.Drafter.Draft(ctx, req.URL)
	if err != nil {
		return catalogue.Draft{}, draftError(err, req.URL)
	}
	return d, nil
}

// draftError turns a fetch's failure into an answer that says what to do.
func draftError(err error, rawURL string) error {
	msg := gitfetch.RedactError(err, rawURL)
	switch {
	case errors.Is(err, crawler.ErrHasPubliccode):
		return echo.NewHTTPError(http.StatusConflict, crawler.ErrHasPubliccode.Error())
	case errors.Is(err, gitfetch.ErrOverCap):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "the repository is larger than this catalogue fetches: "+msg)
	case errors.Is(err, safehttp.ErrForbiddenAddress):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "that address is not one this catalogue may fetch: "+msg)
	case errors.Is(err, gitfetch.ErrEmpty):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "the repository is empty: push a commit first")
	}
	return echo.NewHTTPError(http.StatusBadGateway, "the repository could not be fetched: "+msg)
}
