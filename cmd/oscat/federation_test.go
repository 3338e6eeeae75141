package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// seedInstance makes a data directory whose catalogue lists n entries crawled
// at git.example.org/PREFIX/…, published by one administration.
func seedInstance(t testing.TB, data, prefix string, n int) {
	t.Helper()
	if err := seedCatalogue(context.Background(), data, prefix, n, ""); err != nil {
		t.Fatal(err)
	}
}

// instance is an `oscat serve` running in the test.
type instance struct {
	data   string
	addr   string
	url    string
	cancel context.CancelFunc
	done   chan error
}

// startInstance runs oscat serve on data (addr "127.0.0.1:0" for a free port).
func startInstance(t testing.TB, data, addr string, extra ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	args := append([]string{"--data", data, "--addr", addr, "--log-level", "error", "--crawl-schedule", "off", "--index-follow", "50ms",
		"--allow-private-networks"}, extra...)
	if err := parseFlags(fs, args, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	in := &instance{data: data, cancel: cancel, done: make(chan error, 1)}
	addrc := make(chan string, 1)
	go func() { in.done <- serve(ctx, f, &bytes.Buffer{}, func(a string) { addrc <- a }) }()
	select {
	case in.addr = <-addrc:
	case err := <-in.done:
		t.Fatal(err)
	case <-time.After(2 * time.Minute): // a generous bound
		t.Fatal("serve did not start")
	}
	in.url = "http://" + in.addr
	t.Cleanup(in.stop)
	return in
}

func (in *instance) stop() {
	if in.cancel != nil {
		in.cancel()
		<-in.done
		in.cancel = nil
	}
}

// software lists every entry an instance's API lists (through its search index).
func (in *instance) software(t testing.TB) []map[string]any {
	t.Helper()
	var all []map[string]any
	next := "/api/v1/software?page[size]=100"
	for next != "" {
		var page struct {
			Data  []map[string]any `json:"data"`
			Links struct {
				Next *string `json:"next"`
			} `json:"links"`
		}
		resp, err := http.Get(in.url + next)
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Data...)
		next = ""
		if page.Links.Next != nil {
			next = *page.Links.Next
		}
	}
	return all
}

// waitFor polls the instance's list until it has n entries.
func (in *instance) waitFor(t testing.TB, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // a generous bound
	for {
		list := in.software(t)
		if len(list) == n || time.Now().After(deadline) {
			if len(list) != n {
				t.Fatalf("%s lists %d entries, want %d", in.url, len(list), n)
			}
			return list
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// harvestInto runs oscat harvest into a running instance's data directory.
func harvestInto(t *testing.T, data string, peers ...string) string {
	t.Helper()
	args := []string{"harvest", "--data", data, "--allow-private-networks", "--log-level", "error"}
	for _, p := range peers {
		args = append(args, "--peer", p)
	}
	code, out, stderr := oscat(t, args...)
	if code != 0 {
		t.Fatalf("oscat %v: exit %d: %s%s", args, code, out, stderr)
	}
	return out
}

// byURL counts listed entries per canonical URL and checks none is listed twice.
func byURL(t *testing.T, name string, list []map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, it := range list {
		u := it["url"].(string)
		if _, dup := out[u]; dup {
			t.Errorf("%s lists %s twice", name, u)
		}
		out[u] = it
	}
	return out
}

func TestFederation_TwoInstancesHarvestEachOtherAndNothingComesBack(t *testing.T) {
	t.Parallel()
	da, db := t.TempDir(), t.TempDir()
	seedInstance(t, da, "aa", 3)
	seedInstance(t, db, "bb", 2)
	a := startInstance(t, da, "127.0.0.1:0", "--instance-id", "inst-a")
	b := startInstance(t, db, "127.0.0.1:0", "--instance-id", "inst-b")

	out := harvestInto(t, da, b.url) // A harvests B
	if !strings.Contains(out, "(oscat): 2 added") {
		t.Errorf("A harvesting B: %s", out)
	}
	listA := byURL(t, "A", a.waitFor(t, 5))
	harvested := listA["https://git.example.org/bb/tool-0"]
	origin, _ := harvested["origin"].(map[string]any)
	if origin == nil || origin["peer"] != b.url || origin["instance"] != "inst-b" || origin["id"] != harvested["id"] ||
		!strings.HasPrefix(origin["page"].(string), b.url+"/software/") {
		t.Errorf("a harvested entry's origin = %v", origin)
	}
	if pubs, _ := origin["publishers"].([]any); len(pubs) != 1 {
		t.Errorf("origin publishers = %v", origin["publishers"])
	}
	// Searchable like a local entry.
	var found struct {
		Meta struct{ Total int } `json:"meta"`
	}
	resp, err := http.Get(a.url + "/api/v1/software?q=" + url.QueryEscape("bb tool 1"))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&found)
	resp.Body.Close()
	if found.Meta.Total == 0 {
		t.Error("a harvested entry is not found by search")
	}

	out = harvestInto(t, db, a.url) // B harvests A: A's 3, and B's own 2 are not imported back
	if !strings.Contains(out, "3 added") || !strings.Contains(out, "2 skipped") {
		t.Errorf("B harvesting A: %s", out)
	}
	byURL(t, "B", b.waitFor(t, 5))

	for range 2 { // A→B→A again: nothing loops, nothing is duplicated
		harvestInto(t, da, b.url)
		harvestInto(t, db, a.url)
	}
	byURL(t, "A", a.waitFor(t, 5))
	byURL(t, "B", b.waitFor(t, 5))
}

func TestFederation_ThreeInstancesInACycle(t *testing.T) {
	t.Parallel()
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	var ins []*instance
	for i, prefix := range []string{"xa", "xb", "xc"} {
		seedInstance(t, dirs[i], prefix, 2+i)
		ins = append(ins, startInstance(t, dirs[i], "127.0.0.1:0"))
	}
	// Each harvests the next: A←B←C←A.
	for range 3 {
		for i := range ins {
			harvestInto(t, dirs[i], ins[(i+1)%3].url)
		}
	}
	for i, in := range ins {
		list := byURL(t, fmt.Sprint("instance ", i), in.waitFor(t, 2+3+4))
		for u, it := range list {
			own := strings.Contains(u, []string{"/xa/", "/xb/", "/xc/"}[i])
			if _, harvested := it["origin"]; harvested == own {
				t.Errorf("instance %d: %s has origin %v", i, u, it["origin"])
			}
		}
	}
}

// flakyProxy forwards to a peer, and kills it on the request it is told to.
type flakyProxy struct {
	mu      sync.Mutex
	target  string
	killAt  int64
	kill    func()
	changes atomic.Int64
}

func (p *flakyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/v1/changes") && p.changes.Add(1) == p.killAt && p.kill != nil {
		p.kill()
	}
	p.mu.Lock()
	target, _ := url.Parse(p.target)
	p.mu.Unlock()
	httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
}

func TestFederation_APeerKilledMidHarvestIsResumedAfterItRestarts(t *testing.T) {
	t.Parallel()
	da, db := t.TempDir(), t.TempDir()
	seedInstance(t, da, "ka", 1)
	seedInstance(t, db, "kb", 350)
	a := startInstance(t, da, "127.0.0.1:0")
	b := startInstance(t, db, "127.0.0.1:0")
	proxy := &flakyProxy{target: b.url, killAt: 3}
	proxy.kill = b.stop
	ps := httptest.NewServer(proxy)
	defer ps.Close()

	code, out, stderr := oscat(t, "harvest", "--data", da, "--allow-private-networks", "--log-level", "error", "--peer", ps.URL)
	if code != 1 || !strings.Contains(stderr, "stays listed") {
		t.Fatalf("harvest of a peer killed midway: exit %d %s %s", code, out, stderr)
	}
	partial := 0
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && partial <= 1; time.Sleep(50 * time.Millisecond) {
		partial = len(a.software(t))
	}
	if partial <= 1 || partial >= 351 {
		t.Errorf("after the kill A lists %d entries; the pages before it should stay", partial)
	}
	// Restarted (on another port, behind the same address), the harvest resumes.
	b2 := startInstance(t, db, "127.0.0.1:0")
	proxy.mu.Lock()
	proxy.target = b2.url
	proxy.mu.Unlock()
	out = harvestInto(t, da, ps.URL)
	if strings.Contains(out, " 0 added") {
		t.Errorf("the resumed harvest added nothing: %s", out)
	}
	byURL(t, "A", a.waitFor(t, 351))
}

func TestServe_HarvestsConfiguredPeersAndMarksNothingStaleWhileTheyAnswer(t *testing.T) {
	t.Parallel()
	da, db := t.TempDir(), t.TempDir()
	seedInstance(t, db, "sb", 4)
	b := startInstance(t, db, "127.0.0.1:0")
	a := startInstance(t, da, "127.0.0.1:0", "--peer", "oscat:"+b.url, "--harvest-every", "1h")
	for _, it := range a.waitFor(t, 4) {
		if o, _ := it["origin"].(map[string]any); o == nil || o["stale"] != false {
			t.Errorf("origin = %v", it["origin"])
		}
	}
	// Left out of the configuration, the peer is kept with its entries, stale;
	// removed on purpose, its entries go.
	a.stop()
	a = startInstance(t, da, "127.0.0.1:0")
	a.waitFor(t, 4)
	if code, out, stderr := oscat(t, "peers", "list", "--data", da); code != 0 || !strings.Contains(out, b.url) || !strings.Contains(out, "stale") {
		t.Fatalf("peers list: %d %q %q", code, out, stderr)
	}
	if code, out, stderr := oscat(t, "peers", "remove", "--data", da, "--log-level", "error", b.url); code != 0 {
		t.Fatalf("peers remove: %d %q %q", code, out, stderr)
	}
	a.waitFor(t, 0)
}

func TestFederation_AFollowerBehindTheRetentionResyncs(t *testing.T) {
	t.Parallel()
	da, db := t.TempDir(), t.TempDir()
	seedInstance(t, db, "rb", 5)
	a := startInstance(t, da, "127.0.0.1:0")
	b := startInstance(t, db, "127.0.0.1:0")
	harvestInto(t, da, b.url)
	a.waitFor(t, 5)

	// B hides two entries, then prunes its change log past A's cursor.
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: db})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	gone := b.software(t)[:2]
	for _, it := range gone {
		if err := store.HideSoftware(t.Context(), it["id"].(string), "test"); err != nil {
			t.Fatal(err)
		}
	}
	// Once B's search index (which the resync's list reads) has the hides.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var page struct {
			Meta struct{ Total int } `json:"meta"`
		}
		resp, err := http.Get(b.url + "/api/v1/software")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if page.Meta.Total == 3 || time.Now().After(deadline) {
			break
		}
	}
	if _, err := store.PruneChanges(t.Context(), time.Now().Add(time.Hour), math.MaxInt64); err != nil {
		t.Fatal(err)
	}
	out := harvestInto(t, da, b.url)
	if !strings.Contains(out, "resynced") || !strings.Contains(out, "2 removed") {
		t.Errorf("harvest after the retention: %s", out)
	}
	list := byURL(t, "A", a.waitFor(t, 3))
	for _, it := range gone {
		if _, still := list[it["url"].(string)]; still {
			t.Errorf("%s is still listed", it["url"])
		}
	}
}

func TestRun_FederationUsageErrorsExitWithTwo(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	for _, args := range [][]string{
		{"serve", "--data", data, "--addr", "127.0.0.1:0", "--peer", "ftp://example.org"},
		{"serve", "--data", data, "--addr", "127.0.0.1:0", "--harvest-every", "5s"},
		{"harvest", "--data", data},
		{"webhook", "add", "--data", data, "not a url"},
		{"webhook", "remove", "--data", data, "x"},
	} {
		if code, _, stderr := oscat(t, args...); code != 2 {
			t.Errorf("oscat %v: exit %d, want 2: %s", args, code, stderr)
		}
	}
}

func TestWebhook_AddListRemove(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	code, out, stderr := oscat(t, "webhook", "add", "--data", data, "--events", "software.created,join.declared", "https://hooks.example.org/oscat")
	if code != 0 || !strings.Contains(out, "webhook 1:") || !strings.Contains(out, "secret: whsec_") {
		t.Fatalf("add: %d %q %q", code, out, stderr)
	}
	if _, out, _ := oscat(t, "webhook", "list", "--data", data); !strings.Contains(out, "https://hooks.example.org/oscat\tsoftware.created,join.declared") || strings.Contains(out, "whsec_") {
		t.Errorf("list: %q", out)
	}
	if code, out, _ := oscat(t, "webhook", "deliveries", "--data", data, "1"); code != 0 || out != "" {
		t.Errorf("deliveries: %d %q", code, out)
	}
	if code, _, _ := oscat(t, "webhook", "remove", "--data", data, "1"); code != 0 {
		t.Errorf("remove: %d", code)
	}
	if code, _, stderr := oscat(t, "webhook", "remove", "--data", data, "1"); code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("remove again: %d %q", code, stderr)
	}
}
