package ui

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// statusCount is one status of a crawl run with its count.
type statusCount struct {
	Status string
	Count  int
}

type crawlView struct {
	catalogue.CrawlRun
	Running bool
	Seen    int
	Counts  []statusCount
}

// crawlsPage is the list of crawl runs; Running says one is under way, and
// Next links to older runs.
type crawlsPage struct {
	Runs    []crawlView
	Running bool
	Next    string
}

// crawlsPage lists crawl runs, newest first: a running one with its progress,
// a finished one with its counts per status.
func (s *Server) crawlsPage(c echo.Context) error {
	lq, err := parseList(c, crawlsList)
	if err != nil {
		return err
	}
	runs, next, err := s.catalog.CrawlRuns(c.Request().Context(), catalogue.Page{After: lq.after, Size: lq.size})
	if err != nil {
		return err
	}
	views := make([]crawlView, 0, len(runs))
	running := false
	for _, r := range runs {
		v := crawlView{CrawlRun: r, Running: r.FinishedAt == nil, Seen: r.Seen()}
		running = running || v.Running
		for st, n := range r.Counts {
			if n > 0 {
				v.Counts = append(v.Counts, statusCount{string(st), n})
			}
		}
		sort.Slice(v.Counts, func(i, j int) bool { return v.Counts[i].Status < v.Counts[j].Status })
		views = append(views, v)
	}
	l := s.localiser(c)
	return s.render(c, http.StatusOK, "crawls", view{
		Title: l.T("ui.crawls.title"), Section: "crawls",
		Page: crawlsPage{Runs: views, Running: running, Next: nextHref(c, next)},
	})
}
