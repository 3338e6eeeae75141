package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/safehttp"
	"github.com/oscat-eu/oscat/crawler/webhook"
)

type received struct {
	headers http.Header
	body    []byte
}

// verify checks a delivery the way a Standard Webhooks receiver does.
func verify(secret string, r received) bool {
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(r.headers.Get("webhook-id") + "." + r.headers.Get("webhook-timestamp") + "." + string(r.body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	ts, err := strconv.ParseInt(r.headers.Get("webhook-timestamp"), 10, 64)
	return err == nil && hmac.Equal([]byte(want), []byte(r.headers.Get("webhook-signature"))) && time.Since(time.Unix(ts, 0)) < 5*time.Minute
}

func list(t *testing.T, store *sqlstore.Store, repo, yaml string) {
	t.Helper()
	d := publiccode.Read([]byte(yaml), publiccode.Limits{})
	if _, err := store.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: repo, Raw: []byte(yaml), Path: "publiccode.yml", File: d.File, Findings: d.Findings}); err != nil {
		t.Fatal(err)
	}
}

func claimAll(t *testing.T, store *sqlstore.Store) []catalogue.Job {
	t.Helper()
	jobs, err := store.ClaimJobs(t.Context(), catalogue.Claim{Worker: "test", Kinds: []catalogue.JobKind{webhook.KindDeliver}, Limit: 100, Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func TestDeliver_SignsRetriesAndLogs(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []received
	status := http.StatusNoContent
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Header.Clone(), b})
		code := status
		mu.Unlock()
		w.WriteHeader(code)
	}))
	defer ts.Close()
	ctx := t.Context()
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	w, err := store.AddWebhook(ctx, catalogue.Webhook{URL: ts.URL + "/hook", Secret: catalogue.NewWebhookSecret(),
		Events: []string{catalogue.EventSoftwareCreated, catalogue.EventSoftwareHidden}})
	if err != nil {
		t.Fatal(err)
	}
	list(t, store, "https://git.example.org/a/before", "name: Before\n")
	d := webhook.New(store, "https://oscat.example.eu", safehttp.Policy{AllowPrivate: true}, nil)
	if err := d.Dispatch(ctx); err != nil { // starts after what is already there
		t.Fatal(err)
	}
	list(t, store, "https://git.example.org/a/new", "name: New\n")
	list(t, store, "https://git.example.org/a/new", "name: New\ndevelopmentStatus: beta\n") // updated: not subscribed
	if err := d.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	jobs := claimAll(t, store)
	if len(jobs) != 1 {
		t.Fatalf("%d deliveries queued, want 1 (software.created)", len(jobs))
	}
	if err := d.Deliver(ctx, jobs[0]); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !verify(w.Secret, got[0]) {
		t.Fatalf("deliveries %+v", got)
	}
	var body struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	json.Unmarshal(got[0].body, &body)
	if body.Type != catalogue.EventSoftwareCreated || !strings.HasPrefix(body.Data["url"].(string), "https://oscat.example.eu/api/v1/software/") {
		t.Errorf("payload %s", got[0].body)
	}
	// A failing receiver fails the attempt (the queue retries it with backoff); a
	// retry carries the same webhook-id.
	mu.Lock()
	status = http.StatusInternalServerError
	mu.Unlock()
	jobs[0].Attempts = 2
	if err := d.Deliver(ctx, jobs[0]); err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("a failing receiver: %v", err)
	}
	if got[1].headers.Get("webhook-id") != got[0].headers.Get("webhook-id") {
		t.Error("a retry has a new webhook-id")
	}
	log, _ := store.Deliveries(ctx, w.ID, 10)
	if len(log) != 2 || log[0].Status != 500 || log[0].Attempt != 2 || log[1].Status != 204 {
		t.Errorf("delivery log %+v", log)
	}
}

func TestDeliver_RefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer ts.Close()
	ctx := t.Context()
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.AddWebhook(ctx, catalogue.Webhook{URL: ts.URL, Secret: catalogue.NewWebhookSecret()}); err != nil {
		t.Fatal(err)
	}
	list(t, store, "https://git.example.org/a/one", "name: One\n")
	d := webhook.New(store, "https://oscat.example.eu", safehttp.Policy{}, nil)
	d.Dispatch(ctx)
	list(t, store, "https://git.example.org/a/two", "name: Two\n")
	d.Dispatch(ctx)
	jobs := claimAll(t, store)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs", len(jobs))
	}
	if err := d.Deliver(ctx, jobs[0]); err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Errorf("delivering to loopback without permission: %v", err)
	}
}
