package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// TestHelperOscatNode is not a test: the cluster tests and
// TestCrawl_ResumesAfterKill9 run the test binary as oscat processes with it
// (a node stops gracefully on SIGTERM, as oscat does).
func TestHelperOscatNode(t *testing.T) {
	raw := os.Getenv("OSCAT_TEST_NODE_ARGS")
	if raw == "" {
		t.Skip("runs only as a child process of the cluster tests and the kill -9 test")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, args, strings.NewReader(""), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// clusterDSN gives the test a PostgreSQL schema of its own, or skips it.
func clusterDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("OSCAT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("cluster tests need PostgreSQL: set OSCAT_TEST_POSTGRES (.ci/run does)")
	}
	schemaDSN, drop, err := sqlstore.NewSchema(t.Context(), dsn, "oscat_cluster_")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return schemaDSN
}

// proc is one oscat process of a cluster test.
type proc struct {
	t    *testing.T
	name string
	data string
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  bytes.Buffer
	done chan struct{}
	code int
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// startProc starts oscat with args; it is killed when the test ends.
func startProc(t *testing.T, name, data string, args ...string) *proc {
	t.Helper()
	raw, _ := json.Marshal(args)
	p := &proc{t: t, name: name, data: data, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperOscatNode$")
	p.cmd.Env = append(os.Environ(), "OSCAT_TEST_NODE_ARGS="+string(raw))
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("%s's log:\n%s", p.name, tail(p.logs(), 4000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// stop signals the process and waits for it to end.
func (p *proc) stop(sig syscall.Signal) int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %s: %v", p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(2 * time.Minute): // a generous bound
		p.t.Fatalf("%s did not stop on %v", p.name, sig)
	}
	return p.code
}

var listening = regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)`)

// addr waits for the process to say where it listens.
func (p *proc) addr(deadline time.Time) string {
	p.t.Helper()
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(p.logs()); m != nil {
			return m[1]
		}
		select {
		case <-p.done:
			p.t.Fatalf("%s ended (exit %d) before it listened:\n%s", p.name, p.code, tail(p.logs(), 4000))
		case <-time.After(50 * time.Millisecond):
		}
	}
	p.t.Fatalf("%s did not listen", p.name)
	return ""
}

// nodeOf is the node ID a process keeps in its data directory.
func (p *proc) nodeOf() string {
	b, _ := os.ReadFile(filepath.Join(p.data, nodeIDFile))
	return strings.TrimSpace(string(b))
}

// serveNodeProc starts oscat serve in a role on the cluster's store.
func serveNodeProc(t *testing.T, name, role, dsn, data string, extra ...string) *proc {
	args := append([]string{"serve", "--role", role, "--postgres", dsn, "--data", data, "--addr", "127.0.0.1:0",
		"--allow-private-networks", "--job-lease", "5s", "--index-follow", "200ms", "--log-level", "info"}, extra...)
	return startProc(t, name, data, args...)
}

func httpGet(url string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// until polls cond until it holds or the deadline passes.
func until(t *testing.T, deadline time.Time, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// caughtUp waits until a web node is ready and its reported index position has
// reached the change log's head.
func caughtUp(t *testing.T, store *sqlstore.Store, p *proc, addr string, deadline time.Time) {
	t.Helper()
	id := p.nodeOf()
	until(t, deadline, p.name+" ready and caught up", func() bool {
		if code, _ := httpGet("http://" + addr + "/readyz"); code != 200 {
			return false
		}
		head, err := store.ChangeHead(t.Context())
		if err != nil {
			return false
		}
		nodes, _ := store.Nodes(t.Context())
		for _, n := range nodes {
			if n.ID == id {
				return n.IndexPosition >= head
			}
		}
		return false
	})
}

// clusterWorld is a local forge with n repositories under one organisation,
// and a publishers list naming it.
func clusterWorld(t *testing.T, n int) (*localforge.Forge, *localforge.Server, string) {
	t.Helper()
	f, srv := localforge.StartTest(t)
	if err := f.AddOwner("stad", localforge.Org); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		pushApp(t, f, i)
	}
	list := filepath.Join(t.TempDir(), "publishers.yml")
	if err := os.WriteFile(list, []byte(fmt.Sprintf("- id: stad\n  name: Stad\n  codeHosting:\n    - {url: %q, group: true, type: gitea}\n", srv.URL+"/stad")), 0o644); err != nil {
		t.Fatal(err)
	}
	return f, srv, list
}

func pushApp(t *testing.T, f *localforge.Forge, i int) {
	t.Helper()
	name := fmt.Sprintf("app%03d", i)
	if _, err := f.Push("stad", name, localforge.Commit{Files: map[string][]byte{
		"publiccode.yml": []byte("publiccodeYmlVersion: \"0\"\nname: Gemeente app " + name + "\nurl: https://example.org/stad/" + name + "\n")}}); err != nil {
		t.Fatal(err)
	}
}

// nodeSearch is what a web node answers to a search: the IDs, in order.
func nodeSearch(t *testing.T, addr, query string) []string {
	t.Helper()
	code, body := httpGet("http://" + addr + "/api/v1/software?page[size]=100&" + query)
	if code != 200 {
		t.Fatalf("%s search %q: %d %s", addr, query, code, body)
	}
	var res struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("%s search %q: %v", addr, query, err)
	}
	ids := make([]string, len(res.Data))
	for i, d := range res.Data {
		ids[i] = d.ID
	}
	return ids
}

func openClusterStore(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{PostgresDSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// oneOutcomeEach checks that every repository was crawled exactly once, in run.
func oneOutcomeEach(t *testing.T, store *sqlstore.Store, run int64, n int) {
	t.Helper()
	repos, _, err := store.Repositories(t.Context(), catalogue.RepositoryFilter{}, catalogue.Page{Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != n {
		t.Errorf("%d repositories recorded, want %d", len(repos), n)
	}
	for _, r := range repos {
		hist, err := store.RepositoryHistory(t.Context(), r.URL)
		if err != nil || len(hist) != 1 || hist[0].RunID != run {
			t.Errorf("%s: history %+v, %v (want one outcome, in run %d)", r.URL, hist, err, run)
		}
	}
	left, _ := store.Jobs(t.Context(), "", "", 100)
	for _, j := range left {
		// The hourly mails wait for their hour; nothing of the crawl may be left.
		if strings.HasPrefix(string(j.Kind), "crawl.") {
			t.Errorf("a crawl job left behind: %+v", j)
		}
	}
}

// heldBy reports whether a running job is claimed by a process (workers are
// named host:pid:suffix).
func heldBy(t *testing.T, store *sqlstore.Store, p *proc) bool {
	jobs, err := store.Jobs(t.Context(), "", catalogue.JobRunning, 1000)
	if err != nil {
		return false
	}
	mark := fmt.Sprintf(":%d:", p.cmd.Process.Pid)
	for _, j := range jobs {
		if strings.Contains(j.ClaimedBy, mark) {
			return true
		}
	}
	return false
}

// Two web nodes and two workers on one PostgreSQL; a crawl started with oscat
// crawl; a worker killed with SIGKILL while it holds jobs, a web node stopped
// and started again. Every repository gets one outcome, no job is left, and
// both web nodes answer the same once each is ready and caught up.
func TestCluster_ACrawlSurvivesAKilledWorkerAndARestartedWebNode(t *testing.T) {
	t.Parallel()
	dsn := clusterDSN(t)
	const n = 60
	_, srv, list := clusterWorld(t, n)
	store := openClusterStore(t, dsn)
	deadline := time.Now().Add(8 * time.Minute) // a generous bound on a loaded machine
	off := []string{"--crawl-schedule", "off"}
	dirs := map[string]string{}
	for _, name := range []string{"web1", "web2", "worker1", "worker2", "crawl"} {
		dirs[name] = t.TempDir()
	}
	web1 := serveNodeProc(t, "web1", "web", dsn, dirs["web1"], off...)
	web2 := serveNodeProc(t, "web2", "web", dsn, dirs["web2"], off...)
	addr1 := web1.addr(deadline)
	web2.addr(deadline)
	// The forge stops answering after a few repositories, so that the worker is
	// killed in the crawl's middle however fast the machine is.
	srv.Hold(15)
	worker1 := serveNodeProc(t, "worker1", "worker", dsn, dirs["worker1"], off...)
	worker2 := serveNodeProc(t, "worker2", "worker", dsn, dirs["worker2"], off...)
	worker1.addr(deadline)
	worker2.addr(deadline)
	crawl := startProc(t, "crawl", dirs["crawl"], "crawl", "--postgres", dsn, "--data", dirs["crawl"], "--publishers", list,
		"--allow-private-networks", "--workers", "2", "--job-lease", "5s", "--log-level", "info")
	until(t, deadline, "worker1 holding a job while the forge holds fetches", func() bool { return srv.Held() > 0 && heldBy(t, store, worker1) })
	run, err := store.ActiveCrawlRun(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	worker1.stop(syscall.SIGKILL)
	if code := web2.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("web2 stopped on SIGTERM with exit %d", code)
	}
	srv.Release()
	web2 = serveNodeProc(t, "web2 again", "web", dsn, dirs["web2"], off...)
	addr2 := web2.addr(deadline)
	select {
	case <-crawl.done:
	case <-time.After(time.Until(deadline)):
		t.Fatal("the crawl did not end")
	}
	if crawl.code != 0 || !strings.Contains(crawl.logs(), fmt.Sprintf("crawl %d: %d repositories seen, %d listed", run.ID, n, n)) {
		t.Fatalf("oscat crawl: exit %d\n%s", crawl.code, tail(crawl.logs(), 3000))
	}
	oneOutcomeEach(t, store, run.ID, n)

	caughtUp(t, store, web1, addr1, deadline)
	caughtUp(t, store, web2, addr2, deadline)
	for _, q := range []string{"q=gemeente", "q=app007", "q=app04*", "sort=name"} {
		a, b := nodeSearch(t, addr1, q), nodeSearch(t, addr2, q)
		if strings.Join(a, ",") != strings.Join(b, ",") || len(a) == 0 {
			t.Errorf("search %q: web1 finds %v, web2 %v", q, a, b)
		}
	}
	if got := nodeSearch(t, addr1, "q=gemeente"); len(got) != min(n, 100) {
		t.Errorf("web1 finds %d of the %d entries", len(got), n)
	}
	nodes, err := store.Nodes(t.Context())
	if err != nil || len(nodes) != 4 {
		t.Errorf("nodes %+v, %v: want 4 (web2 restarted as itself)", nodes, err)
	}
}

var tickLine = regexp.MustCompile(`msg="scheduled crawl[^"]*".* tick="at ([^"]+)"`)

// ticksRun are the scheduled runs a node's log says it ran, by tick.
func ticksRun(p *proc) map[string]int {
	out := map[string]int{}
	for _, m := range tickLine.FindAllStringSubmatch(p.logs(), -1) {
		out[m[1]]++
	}
	return out
}

// scheduledTicks are the crawl ticks enqueued in the store, oldest first.
func scheduledTicks(t *testing.T, db *sql.DB) []time.Time {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT run_key FROM scheduled_runs WHERE kind = 'crawl.schedule' ORDER BY run_key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			t.Fatal(err)
		}
		at, err := time.Parse(time.RFC3339Nano, strings.TrimPrefix(key, "at "))
		if err != nil {
			t.Fatalf("tick key %q: %v", key, err)
		}
		out = append(out, at)
	}
	return out
}

// Two nodes both configured to crawl every 3 s: one at a time enqueues the
// ticks, each once; when it is killed, the other takes the schedule over.
func TestCluster_EachScheduledRunIsEnqueuedOnceAndTheScheduleFailsOver(t *testing.T) {
	t.Parallel()
	dsn := clusterDSN(t)
	_, _, list := clusterWorld(t, 3)
	store := openClusterStore(t, dsn)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(6 * time.Minute) // a generous bound on a loaded machine
	every := []string{"--crawl-schedule", "@every 3s", "--publishers", list}
	a := serveNodeProc(t, "node a", "worker", dsn, t.TempDir(), every...)
	b := serveNodeProc(t, "node b", "worker", dsn, t.TempDir(), every...)
	a.addr(deadline)
	b.addr(deadline)
	until(t, deadline, "three scheduled runs", func() bool { return len(scheduledTicks(t, db)) >= 3 })
	holder, err := store.LeaseHolder(t.Context(), scheduleLease)
	if err != nil {
		t.Fatal(err)
	}
	victim, survivor := a, b
	if holder == b.nodeOf() {
		victim, survivor = b, a
	} else if holder != a.nodeOf() {
		t.Fatalf("the schedule is held by %q, neither node", holder)
	}
	victim.stop(syscall.SIGKILL)
	killedAt := time.Now()
	until(t, deadline, "the other node taking the schedule over", func() bool {
		h, _ := store.LeaseHolder(t.Context(), scheduleLease)
		return h == survivor.nodeOf()
	})
	until(t, deadline, "two ticks after the take-over run", func() bool {
		after := 0
		for tick := range ticksRun(survivor) {
			if at, err := time.Parse(time.RFC3339Nano, tick); err == nil && at.After(killedAt) {
				after++
			}
		}
		return after >= 2
	})

	ticks := scheduledTicks(t, db)
	for i, at := range ticks {
		if at.UnixNano()%int64(3*time.Second) != 0 {
			t.Errorf("tick %s is not on the schedule's 3 s grid: nodes would key it apart", at)
		}
		if i > 0 && !at.After(ticks[i-1]) {
			t.Errorf("ticks out of order: %s after %s", at, ticks[i-1])
		}
	}
	ran := ticksRun(survivor)
	for tick, n := range ran {
		if n != 1 {
			t.Errorf("tick %s ran %d times on %s", tick, n, survivor.name)
		}
	}
	for tick, n := range ticksRun(victim) {
		if n != 1 {
			t.Errorf("tick %s ran %d times on %s", tick, n, victim.name)
		}
		ran[tick] += n
	}
	last := ticks[len(ticks)-1]
	for _, at := range ticks {
		if key := at.Format(time.RFC3339Nano); at.Before(last.Add(-10*time.Second)) && ran[key] == 0 {
			t.Errorf("tick %s was enqueued but never ran", key)
		}
	}
}

// A web node kept down past the change log's retention comes back to a log
// pruned past its index: it rebuilds by itself, and serves what the other does.
func TestCluster_AWebNodeDownPastTheRetentionRebuildsAndServes(t *testing.T) {
	t.Parallel()
	dsn := clusterDSN(t)
	const n = 5
	forge, _, list := clusterWorld(t, n)
	store := openClusterStore(t, dsn)
	deadline := time.Now().Add(6 * time.Minute) // a generous bound on a loaded machine
	off := []string{"--crawl-schedule", "off"}
	web1 := serveNodeProc(t, "web1", "web", dsn, t.TempDir(), off...)
	dir2 := t.TempDir()
	web2 := serveNodeProc(t, "web2", "web", dsn, dir2, off...)
	serveNodeProc(t, "worker", "worker", dsn, t.TempDir(), append(off, "--change-retention", "12s")...).addr(deadline)
	addr1, addr2 := web1.addr(deadline), web2.addr(deadline)
	crawlOnce := func() {
		dir := t.TempDir()
		c := startProc(t, "crawl", dir, "crawl", "--postgres", dsn, "--data", dir, "--publishers", list, "--allow-private-networks", "--log-level", "warn")
		select {
		case <-c.done:
		case <-time.After(time.Until(deadline)):
			t.Fatal("the crawl did not end")
		}
		if c.code != 0 {
			t.Fatalf("oscat crawl: exit %d\n%s", c.code, tail(c.logs(), 3000))
		}
	}
	crawlOnce()
	caughtUp(t, store, web1, addr1, deadline)
	caughtUp(t, store, web2, addr2, deadline)
	web2.stop(syscall.SIGTERM)
	var left int64
	nodes, _ := store.Nodes(t.Context())
	for _, nd := range nodes {
		if nd.ID == web2.nodeOf() {
			left = nd.IndexPosition
		}
	}
	for i := n; i < 2*n; i++ {
		pushApp(t, forge, i)
	}
	crawlOnce()
	until(t, deadline, "the change log pruned past the stopped node", func() bool {
		p, err := store.ChangesPrunedTo(t.Context())
		return err == nil && p > left
	})
	web2 = serveNodeProc(t, "web2 again", "web", dsn, dir2, off...)
	addr2 = web2.addr(deadline)
	caughtUp(t, store, web1, addr1, deadline)
	caughtUp(t, store, web2, addr2, deadline)
	if !strings.Contains(web2.logs(), "rebuilding it from the catalogue") {
		t.Error("the node passed by pruning did not rebuild its index")
	}
	for _, q := range []string{"q=gemeente", "q=app007", "sort=name"} {
		a, b := nodeSearch(t, addr1, q), nodeSearch(t, addr2, q)
		if strings.Join(a, ",") != strings.Join(b, ",") || len(a) == 0 {
			t.Errorf("search %q: web1 finds %v, web2 %v", q, a, b)
		}
	}
	if got := nodeSearch(t, addr2, "q=gemeente"); len(got) != 2*n {
		t.Errorf("the rebuilt node finds %d entries, want %d", len(got), 2*n)
	}
}
