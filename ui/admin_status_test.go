package ui

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// fakeNodes stands for the store's node records.
type fakeNodes []catalogue.Node

func (f fakeNodes) Nodes(context.Context) ([]catalogue.Node, error) { return f, nil }

var statusNodes = fakeNodes{
	{ID: "web-1", Role: catalogue.RoleWeb, Version: "1.4.0", LastSeenAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), IndexPosition: 42},
	{ID: "worker-1", Role: catalogue.RoleWorker, Version: "1.4.0", LastSeenAt: time.Date(2026, 12, 1, 10, 0, 5, 0, time.UTC)},
}

// statusSite serves a catalogue with a crawl going, queued jobs, a host that
// failed, and two nodes.
func statusSite(t *testing.T) (*httptest.Server, *Server) {
	t.Helper()
	store := testStore(t, catalogue.Publisher{ID: "torino", Name: "Città di Torino", Country: "IT"})
	listFile(t, store, "torino", "https://git.example.org/torino/sportello", complete)
	ctx := t.Context()
	run, _, err := store.BeginCrawlRun(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Enqueue(ctx,
		catalogue.NewJob{Kind: "crawl.repo", Key: "a", Group: crawler.RunGroup(run.ID)},
		catalogue.NewJob{Kind: "crawl.repo", Key: "b", Group: crawler.RunGroup(run.ID)},
		catalogue.NewJob{Kind: "mail.send", Key: "m"}); err != nil {
		t.Fatal(err)
	}
	hosts := catalogue.NewLocalHostLimiter(catalogue.HostLimits{Concurrency: 2})
	if ok, err := hosts.TryAcquire(ctx, "git.example.org", "w#1"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := hosts.NoteError(ctx, "git.example.org", "GET https://git.example.org/x: 502 Bad Gateway"); err != nil {
		t.Fatal(err)
	}
	srv, err := New(storeSources(store), testIndex(t, store), Options{Logger: quiet, PublicURL: "https://oscat.example.eu", FetchPolicy: safehttp.Policy{Resolver: testNames},
		Federation: FederationOptions{InstanceID: "test-instance", AdminToken: "s3cret"},
		Status:     StatusOptions{Nodes: statusNodes, Hosts: hosts}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(conforming(t, srv))
	t.Cleanup(ts.Close)
	return ts, srv
}

func TestAdminStatus_AnswersTheOperatorWithTheToken(t *testing.T) {
	t.Parallel()
	ts, _ := statusSite(t)
	get := func(token string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/admin/status", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", code)
	}
	if code, _ := get("wrong"); code != http.StatusUnauthorized {
		t.Errorf("with a wrong token: %d, want 401", code)
	}
	code, body := get("s3cret")
	if code != http.StatusOK {
		t.Fatalf("with the token: %d %s", code, body)
	}
	var r statusReport
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	if q := r.Queue["crawl.repo"]; q.Pending != 2 || q.OldestPendingAt == nil {
		t.Errorf("queue crawl.repo = %+v, want 2 pending with the oldest's time", q)
	}
	if q := r.Queue["mail.send"]; q.Pending != 1 {
		t.Errorf("queue mail.send = %+v", q)
	}
	if len(r.Nodes) != 2 || r.Nodes[0].ID != "web-1" || r.Nodes[0].IndexPosition != 42 || r.Nodes[0].LastSeenAt != "2026-12-01T10:00:00Z" {
		t.Errorf("nodes = %+v", r.Nodes)
	}
	if len(r.Hosts) != 1 || r.Hosts[0].InFlight != 1 || r.Hosts[0].LastError == nil || !strings.Contains(*r.Hosts[0].LastError, "502") {
		t.Errorf("hosts = %+v", r.Hosts)
	}
	if r.Crawl == nil || r.Crawl.FinishedAt != nil || r.Crawl.Done != 0 || r.Crawl.Total != 2 {
		t.Errorf("crawl = %+v, want the running run with 2 repositories to do", r.Crawl)
	}
	if r.ChangeLog.Head == 0 || r.ChangeLog.PrunedTo != 0 {
		t.Errorf("change log = %+v", r.ChangeLog)
	}
}

func TestAdminStatus_PageIsForAdministratorsOnly(t *testing.T) {
	t.Parallel()
	ts, _ := statusSite(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(ts.URL + "/admin/status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Errorf("anonymous: %d to %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestStatusCollector_ExportsTheClusterGaugesWhenAsked(t *testing.T) {
	t.Parallel()
	_, srv := statusSite(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(srv.StatusCollector())
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
	}
	for _, want := range []string{"oscat_queue_jobs", "oscat_queue_oldest_pending_timestamp_seconds", "oscat_node_index_position",
		"oscat_host_jobs_in_flight", "oscat_host_rate_limit_waits_total", "oscat_change_log_head_sequence", "oscat_crawl_current_repositories_known"} {
		if !names[want] {
			t.Errorf("no %s among %v", want, names)
		}
	}
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}

	// A node that does not schedule exports none of them.
	srv.status.cluster = func() bool { return false }
	quietReg := prometheus.NewRegistry()
	quietReg.MustRegister(srv.StatusCollector())
	if n, err := testCount(quietReg); err != nil || n != 0 {
		t.Errorf("a node that does not schedule exports %d families (%v), want none", n, err)
	}
}

func testCount(reg *prometheus.Registry) (int, error) {
	families, err := reg.Gather()
	return len(families), err
}

// adminStatusTemplateCases are the status page's branches: a quiet instance and
// a busy cluster.
func adminStatusTemplateCases() []templateCase {
	oldest, errAt, finished := "2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z", "2026-12-01T11:00:00Z"
	msg := "GET https://git.example.org/x: 502 Bad Gateway"
	busy := adminStatusPage{
		Queue: []queueRow{{Kind: "crawl.repo", queueItem: queueItem{Pending: 3, Running: 2, Failed: 1, Dead: 1, OldestPendingAt: &oldest}},
			{Kind: "mail.send", queueItem: queueItem{Running: 1}}},
		Nodes:     []nodeItem{{ID: "web-1", Role: "web", Version: "1.4.0", LastSeenAt: "2026-12-01T10:00:00Z", IndexPosition: 42}},
		Hosts:     []hostItem{{Host: "git.example.org", InFlight: 2, RateLimitWaits: 7, LastError: &msg, LastErrorAt: &errAt}, {Host: "github.com"}},
		Crawl:     &crawlProgressItem{ID: 3, StartedAt: "2026-12-01T08:00:00Z", Done: 10, Total: 50},
		ChangeLog: catalogue.ChangeLogBounds{Head: 100, PrunedTo: 40},
	}
	done := busy
	done.Crawl = &crawlProgressItem{ID: 3, StartedAt: "2026-12-01T08:00:00Z", FinishedAt: &finished, Done: 50, Total: 50}
	return []templateCase{
		{name: "status of a quiet instance", page: adminStatusPage{}.template(), v: view{Title: "Status", Page: adminStatusPage{}}},
		{name: "status of a busy cluster", page: adminStatusPage{}.template(), v: view{Title: "Status", Page: busy}},
		{name: "status after a crawl", page: adminStatusPage{}.template(), v: view{Title: "Status", Page: done}},
	}
}

func TestAdminStatusTemplates_DrawEveryBranch(t *testing.T) {
	t.Parallel()
	renderTemplateCases(t, adminStatusTemplateCases())
}
