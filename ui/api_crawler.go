package ui

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// crawlerRoutes serve what the crawler records: repositories with their status
// and history, crawl runs, stored media and the metrics.
func (s *Server) crawlerRoutes(e *echo.Echo, api *echo.Group) {
	api.GET("/repositories", s.apiListRepositories)
	api.GET("/crawls", s.apiListCrawls)
	e.GET("/media/:hash", s.media)
	if s.opts.Metrics != nil {
		e.GET("/metrics", echo.WrapHandler(s.opts.Metrics))
	}
}

// repositoryListItem is a repository as GET /api/v1/repositories shows it.
type repositoryListItem struct {
	URL          string               `json:"url"`
	Publishers   []string             `json:"publishers"`
	Software     string               `json:"software,omitempty"`
	Role         string               `json:"role,omitempty"`
	Status       string               `json:"status"`
	Reason       string               `json:"reason,omitempty"`
	Path         string               `json:"path,omitempty"`
	Head         string               `json:"head,omitempty"`
	Findings     []publiccode.Finding `json:"findings"`
	Archived     bool                 `json:"archived"`
	Fork         bool                 `json:"fork"`
	Upstream     string               `json:"upstream,omitempty"`
	Failures     int                  `json:"failures"`
	HiddenReason string               `json:"hiddenReason,omitempty"`
	// SoftwareHiddenReason tells the publisher why the software it carries is hidden.
	SoftwareHiddenReason string                `json:"softwareHiddenReason,omitempty"`
	RootCommit           string                `json:"rootCommit,omitempty"`
	Activity             *catalogue.Activity   `json:"activity,omitempty"`
	Media                []mediaItem           `json:"media"`
	LastCrawledAt        string                `json:"lastCrawledAt,omitempty"`
	History              []catalogue.RepoCrawl `json:"history,omitempty"`
	// Files are the publiccode files of a repository holding more than its root's.
	Files []catalogue.RepoFile `json:"files,omitempty"`
}

type mediaItem struct {
	Role string `json:"role"`
	Path string `json:"path"`
	URL  string `json:"url"`
}

var statuses = map[catalogue.RepoStatus]bool{
	catalogue.StatusPending: true, catalogue.StatusNew: true, catalogue.StatusUpdated: true, catalogue.StatusUnchanged: true,
	catalogue.StatusInvalid: true, catalogue.StatusNoPubliccode: true, catalogue.StatusFork: true, catalogue.StatusMirror: true,
	catalogue.StatusSkipped: true, catalogue.StatusOverCap: true, catalogue.StatusGone: true, catalogue.StatusFailed: true,
}

// repositoriesList is the query GET /api/v1/repositories reads.
var repositoriesList = listSpec{filters: []string{"publisher", "status", "rootCommit"}, cursor: numericCursor}

// apiListRepositories answers GET /api/v1/repositories: every crawled repository
// with its latest status, filtered by filter[publisher], filter[status] and
// filter[rootCommit] (the copies of one project); include=history adds each
// one's last crawls.
func (s *Server) apiListRepositories(c echo.Context) error {
	lq, err := parseList(c, repositoriesList)
	if err != nil {
		return err
	}
	f := catalogue.RepositoryFilter{Publisher: lq.first("publisher"), Status: catalogue.RepoStatus(lq.first("status")), RootCommit: lq.first("rootCommit")}
	if f.Status != "" && !statuses[f.Status] {
		return badRequest{"filter[status] must be one of new, updated, unchanged, invalid, no-publiccode, fork, mirror, skipped, over-cap, gone, failed, pending; not " + strconv.Quote(string(f.Status))}
	}
	size, after := lq.size, lq.after
	history := c.QueryParam("include") == "history"
	ctx := c.Request().Context()
	list, next, err := s.catalog.Repositories(ctx, f, catalogue.Page{After: after, Size: size})
	if err != nil {
		return err
	}
	files, err := s.repositoryFiles(ctx, list)
	if err != nil {
		return err
	}
	items := make([]repositoryListItem, 0, len(list))
	for _, r := range list {
		it := repositoryListItem{URL: r.URL, Publishers: r.Publishers, Software: r.SoftwareID, Role: string(r.Role), Status: string(r.Status),
			Reason: r.Reason, Path: r.Path, Head: r.Head, Findings: r.Findings, Archived: r.Archived, Fork: r.ForgeFork, Upstream: r.Upstream,
			Failures: r.Failures, HiddenReason: r.HiddenReason, SoftwareHiddenReason: r.SoftwareHiddenReason, RootCommit: r.RootCommit, Activity: r.Activity, Media: []mediaItem{},
			Files: files[r.URL]}
		if it.Findings == nil {
			it.Findings = []publiccode.Finding{}
		}
		for _, m := range r.Media {
			it.Media = append(it.Media, mediaItem{Role: m.Role, Path: m.Path, URL: "/media/" + m.Hash})
		}
		if r.LastCrawledAt != nil {
			it.LastCrawledAt = r.LastCrawledAt.UTC().Format(time.RFC3339)
		}
		if history {
			if it.History, err = s.catalog.RepositoryHistory(ctx, r.URL); err != nil {
				return err
			}
		}
		items = append(items, it)
	}
	return jsonOK(c, listResponse{Data: items, Links: listLinks{Next: nextLink(c, next)}})
}

// crawlItem is a crawl run as GET /api/v1/crawls shows it.
type crawlItem struct {
	ID              int64                        `json:"id"`
	Trigger         string                       `json:"trigger,omitempty"`
	StartedAt       string                       `json:"startedAt"`
	FinishedAt      string                       `json:"finishedAt,omitempty"`
	Counts          map[catalogue.RepoStatus]int `json:"counts"`
	Seen            int                          `json:"seen"`
	Listed          int                          `json:"listed"`
	HostingFailures []catalogue.HostingFailure   `json:"hostingFailures"`
}

// crawlsList is the query of GET /api/v1/crawls and of the crawls page.
var crawlsList = listSpec{cursor: numericCursor}

// apiListCrawls answers GET /api/v1/crawls: runs, newest first, with their start,
// end and counts per status.
func (s *Server) apiListCrawls(c echo.Context) error {
	lq, err := parseList(c, crawlsList)
	if err != nil {
		return err
	}
	runs, next, err := s.catalog.CrawlRuns(c.Request().Context(), catalogue.Page{After: lq.after, Size: lq.size})
	if err != nil {
		return err
	}
	items := make([]crawlItem, 0, len(runs))
	for _, r := range runs {
		it := crawlItem{ID: r.ID, Trigger: r.Trigger, StartedAt: r.StartedAt.UTC().Format(time.RFC3339), Counts: r.Counts, Seen: r.Seen(),
			Listed: r.Listed, HostingFailures: r.HostingFailures}
		if r.FinishedAt != nil {
			it.FinishedAt = r.FinishedAt.UTC().Format(time.RFC3339)
		}
		if it.HostingFailures == nil {
			it.HostingFailures = []catalogue.HostingFailure{}
		}
		items = append(items, it)
	}
	return jsonOK(c, listResponse{Data: items, Links: listLinks{Next: nextLink(c, next)}})
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// media serves a stored logo or screenshot. Its content never changes (it is
// named by its hash), and an SVG is served so that it cannot run scripts.
func (s *Server) media(c echo.Context) error {
	h := c.Param("hash")
	if !hashRE.MatchString(h) {
		return catalogue.ErrNotFound
	}
	m, err := s.catalog.Media(c.Request().Context(), h)
	if err != nil {
		return err
	}
	if err := checkImage(m.ContentType, m.Data); err != nil {
		s.log.Warn("stored image not served", "hash", h, "err", err)
		return catalogue.ErrNotFound
	}
	hd := c.Response().Header()
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	return c.Blob(http.StatusOK, m.ContentType, m.Data)
}
