package ui

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler"
)

// StatusOptions feed the operator's status (/admin/status, GET
// /api/v1/admin/status and the cluster gauges of /metrics).
type StatusOptions struct {
	// Figures reads the queue, the change log and the crawls (default: the
	// store, when it can).
	Figures StatusFigures
	// Nodes lists the instance's processes (default: the store, when it records
	// them); Hosts the per-host limits (none when unset).
	Nodes NodeLister
	Hosts HostStatuses
	// ExportClusterGauges says whether this node exports the cluster-wide gauges
	// (queue, nodes, hosts, change log, crawl): only one node of a cluster should,
	// the one that schedules. Nil: always (a single process).
	ExportClusterGauges func() bool
}

// StatusFigures is what the status reads from the store.
type StatusFigures interface {
	QueueFigures(ctx context.Context) (map[catalogue.JobKind]catalogue.QueueFigures, error)
	ChangeLogBounds(ctx context.Context) (catalogue.ChangeLogBounds, error)
	CrawlRuns(ctx context.Context, page catalogue.Page) ([]catalogue.CrawlRun, string, error)
	CountJobs(ctx context.Context, group string) (int, error)
}

// NodeLister lists the processes of an instance as they last reported.
type NodeLister interface {
	Nodes(ctx context.Context) ([]catalogue.Node, error)
}

// HostStatuses lists the forge hosts under per-host limits.
type HostStatuses interface {
	Hosts(ctx context.Context) ([]catalogue.HostStatus, error)
}

// statusSources are the resolved StatusOptions of a server.
type statusSources struct {
	figures StatusFigures
	nodes   NodeLister
	hosts   HostStatuses
	cluster func() bool
}

// store, when it keeps the figures or the nodes, is their default source.
func resolveStatus(o StatusOptions, store any) statusSources {
	src := statusSources{figures: o.Figures, nodes: o.Nodes, hosts: o.Hosts, cluster: o.ExportClusterGauges}
	if src.figures == nil {
		src.figures, _ = store.(StatusFigures)
	}
	if src.nodes == nil {
		src.nodes, _ = store.(NodeLister)
	}
	if src.cluster == nil {
		src.cluster = func() bool { return true }
	}
	return src
}

// statusReport is the operator's status, as GET /api/v1/admin/status answers it.
type statusReport struct {
	Queue     map[string]queueItem      `json:"queue"`
	Nodes     []nodeItem                `json:"nodes"`
	Hosts     []hostItem                `json:"hosts"`
	Crawl     *crawlProgressItem        `json:"crawl"`
	ChangeLog catalogue.ChangeLogBounds `json:"changeLog"`
}

type queueItem struct {
	Pending         int     `json:"pending"`
	Running         int     `json:"running"`
	Failed          int     `json:"failed"`
	Dead            int     `json:"dead"`
	OldestPendingAt *string `json:"oldestPendingAt"`
}

type nodeItem struct {
	ID            string `json:"id"`
	Role          string `json:"role"`
	Version       string `json:"version"`
	LastSeenAt    string `json:"lastSeenAt"`
	IndexPosition int64  `json:"indexPosition"`
}

type hostItem struct {
	Host           string  `json:"host"`
	InFlight       int     `json:"inFlight"`
	RateLimitWaits int64   `json:"rateLimitWaits"`
	LastError      *string `json:"lastError"`
	LastErrorAt    *string `json:"lastErrorAt,omitempty"`
}

// crawlProgressItem is the newest crawl run: done repositories of those known so far.
type crawlProgressItem struct {
	ID         int64   `json:"id"`
	StartedAt  string  `json:"startedAt"`
	FinishedAt *string `json:"finishedAt"`
	Done       int     `json:"done"`
	Total      int     `json:"total"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func optionalTime(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := rfc3339(*t)
	return &s
}

// errNoStatus is answered where the store keeps no figures.
var errNoStatus = fmt.Errorf("%w: this store keeps no operator's figures", catalogue.ErrNotFound)

// operatorStatus reads the status from its sources.
func operatorStatus(ctx context.Context, src statusSources) (statusReport, error) {
	r := statusReport{Queue: map[string]queueItem{}, Nodes: []nodeItem{}, Hosts: []hostItem{}}
	if src.figures == nil {
		return r, errNoStatus
	}
	queue, err := src.figures.QueueFigures(ctx)
	if err != nil {
		return r, err
	}
	for kind, f := range queue {
		r.Queue[string(kind)] = queueItem{Pending: f.Pending, Running: f.Running, Failed: f.Failed, Dead: f.Dead, OldestPendingAt: optionalTime(f.OldestPendingAt)}
	}
	if r.ChangeLog, err = src.figures.ChangeLogBounds(ctx); err != nil {
		return r, err
	}
	if r.Crawl, err = newestCrawl(ctx, src.figures); err != nil {
		return r, err
	}
	if src.nodes != nil {
		nodes, err := src.nodes.Nodes(ctx)
		if err != nil {
			return r, err
		}
		for _, n := range nodes {
			r.Nodes = append(r.Nodes, nodeItem{ID: n.ID, Role: string(n.Role), Version: n.Version, LastSeenAt: rfc3339(n.LastSeenAt), IndexPosition: n.IndexPosition})
		}
	}
	if src.hosts != nil {
		hosts, err := src.hosts.Hosts(ctx)
		if err != nil {
			return r, err
		}
		for _, h := range hosts {
			item := hostItem{Host: h.Host, InFlight: h.InFlight, RateLimitWaits: h.RateLimitWaits, LastErrorAt: optionalTime(h.LastErrorAt)}
			if h.LastError != "" {
				msg := h.LastError
				item.LastError = &msg
			}
			r.Hosts = append(r.Hosts, item)
		}
	}
	return r, nil
}

// newestCrawl is the newest run with its progress, as the crawler counts it:
// repositories done, and those plus the run's jobs still to do.
func newestCrawl(ctx context.Context, f StatusFigures) (*crawlProgressItem, error) {
	runs, _, err := f.CrawlRuns(ctx, catalogue.Page{Size: 1})
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	run := runs[0]
	item := &crawlProgressItem{ID: run.ID, StartedAt: rfc3339(run.StartedAt), FinishedAt: optionalTime(run.FinishedAt), Done: run.Seen(), Total: run.Seen()}
	if run.FinishedAt == nil {
		left, err := f.CountJobs(ctx, crawler.RunGroup(run.ID))
		if err != nil {
			return nil, err
		}
		item.Total += left
	}
	return item, nil
}

// apiAdminStatus answers GET /api/v1/admin/status (with the administrator's token).
func (s *Server) apiAdminStatus(c echo.Context) error {
	r, err := operatorStatus(c.Request().Context(), s.status)
	if err != nil {
		return err
	}
	return jsonOK(c, r)
}

// adminStatusPage is /admin/status: the same figures for a signed-in
// instance administrator, in tables sorted for reading.
type adminStatusPage struct {
	Queue     []queueRow
	Nodes     []nodeItem
	Hosts     []hostItem
	Crawl     *crawlProgressItem
	ChangeLog catalogue.ChangeLogBounds
}

func (adminStatusPage) template() string { return "admin_status" }

type queueRow struct {
	Kind string
	queueItem
}

func adminStatusPageData(ctx context.Context, src statusSources) (adminStatusPage, error) {
	r, err := operatorStatus(ctx, src)
	if err != nil {
		return adminStatusPage{}, err
	}
	p := adminStatusPage{Nodes: r.Nodes, Hosts: r.Hosts, Crawl: r.Crawl, ChangeLog: r.ChangeLog}
	for kind, q := range r.Queue {
		p.Queue = append(p.Queue, queueRow{Kind: kind, queueItem: q})
	}
	sort.Slice(p.Queue, func(i, j int) bool { return p.Queue[i].Kind < p.Queue[j].Kind })
	return p, nil
}

func (s *Server) adminStatus(c echo.Context) error {
	if err := s.mustBeAdmin(c); err != nil {
		return s.signInFirst(c, err)
	}
	p, err := adminStatusPageData(c.Request().Context(), s.status)
	if err != nil {
		return err
	}
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.status.title"), p)
}

func (s *Server) statusRoutes(e *echo.Echo, api *echo.Group) {
	e.GET("/admin/status", s.adminStatus)
	api.GET("/admin/status", s.apiAdminStatus, s.requireAdmin)
}
