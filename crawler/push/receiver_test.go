package push_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/push"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

const (
	forgeURL = "https://forge.example"
	appURL   = forgeURL + "/stad/app"
	instance = "instance-secret"
	head     = "bffeb74224043ba2feb48d137756c8a9331c449a"
)

// world is a catalogue with one administration whose group entry on a forge
// has one crawled repository, a member who made the entry's webhook secret,
// and a receiver over the real store and crawler.
type world struct {
	t      *testing.T
	store  *sqlstore.Store
	recv   *push.Receiver
	secret string
	member catalogue.Actor
	clock  *time.Time
	logs   *bytes.Buffer
}

func newWorld(t *testing.T, instanceSecret string) *world {
	t.Helper()
	ctx := t.Context()
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir()})
	must(t, err)
	t.Cleanup(func() { store.Close() })
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	w := &world{t: t, store: store, clock: &now, logs: &bytes.Buffer{}}
	store.SetClock(func() time.Time { return *w.clock })
	must(t, store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "stad", Name: "Stad", EmailDomains: []string{"stad.example"},
		CodeHosting: []catalogue.CodeHosting{{URL: forgeURL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
	must(t, store.RegisterRepository(ctx, "stad", appURL+".git"))
	p, err := store.SignIn(ctx, "ada@stad.example", "Ada", "", "")
	must(t, err)
	w.member = catalogue.Actor{Person: p.ID, Email: p.Email}
	secrets, err := store.HookSecrets(ctx, w.member, "stad")
	must(t, err)
	w.secret = secrets[0].Secret
	c := crawler.New(store, crawler.Options{Policy: safehttp.Policy{AllowPrivate: true}, Logger: slog.New(slog.DiscardHandler)})
	w.recv = &push.Receiver{Store: store, Crawler: c, Secret: instanceSecret, Now: func() time.Time { return *w.clock },
		Log: slog.New(slog.NewTextHandler(w.logs, nil))}
	return w
}

// payload is a testdata payload for repo, pushed to branch of a repository
// whose default branch is main.
func payload(t *testing.T, file, repo, branch string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	must(t, err)
	return []byte(strings.NewReplacer("{{REPO}}", repo, "{{BRANCH}}", branch, "{{DEFAULT}}", "main", "{{HEAD}}", head).Replace(string(b)))
}

var payloadFile = map[string]string{"github": "github-push.json", "gitlab": "gitlab-push.json", "gitea": "gitea-push.json",
	"forgejo": "gitea-push.json", "bitbucket": "bitbucket-push.json"}

func (w *world) deliver(forge, id string, body []byte, secret string) push.Result {
	w.t.Helper()
	h, err := push.Headers(forge, id, body, secret)
	must(w.t, err)
	return w.send(forge, h, body)
}

func (w *world) send(forge string, h http.Header, body []byte) push.Result {
	w.t.Helper()
	res, err := w.recv.Receive(w.t.Context(), forge, h, body, "192.0.2.7")
	must(w.t, err)
	return res
}

// queued are the keys of the waiting jobs of kind, in the order they run.
func (w *world) queued(kind catalogue.JobKind) []string {
	w.t.Helper()
	jobs, err := w.store.ClaimJobs(w.t.Context(), catalogue.Claim{Worker: "test", Kinds: []catalogue.JobKind{kind}, Limit: 10})
	must(w.t, err)
	var keys []string
	for _, j := range jobs {
		keys = append(keys, j.Key)
		must(w.t, w.store.CompleteJob(w.t.Context(), j.ID, "test"))
	}
	return keys
}

func TestReceive_EachForgesSignedPushQueuesACrawlAndForgedOnesAreRefused(t *testing.T) {
	t.Parallel()
	for _, forge := range []string{"github", "gitlab", "gitea", "forgejo", "bitbucket"} {
		t.Run(forge, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, "")
			body := payload(t, payloadFile[forge], appURL, "main")

			if res := w.deliver(forge, "d-forged", body, "not-the-secret"); res.Outcome != push.Refused {
				t.Errorf("a delivery signed with another secret: %+v", res)
			}
			unsigned, _ := push.Headers(forge, "d-unsigned", body, "x")
			for _, k := range []string{"X-Hub-Signature-256", "X-Gitlab-Token", "X-Gitea-Signature", "X-Forgejo-Signature", "X-Hub-Signature"} {
				unsigned.Del(k)
			}
			if res := w.send(forge, unsigned, body); res.Outcome != push.Refused || !strings.Contains(res.Reason, "not signed") {
				t.Errorf("an unsigned delivery: %+v", res)
			}
			if forge != "gitlab" { // GitLab sends its token, and signs nothing
				tampered := bytes.Replace(body, []byte(head), []byte("0123456789abcdef0123456789abcdef01234567"), 1)
				h, _ := push.Headers(forge, "d-tampered", body, w.secret)
				if res := w.send(forge, h, tampered); res.Outcome != push.Refused {
					t.Errorf("a body changed after signing: %+v", res)
				}
			}
			if strings.Count(w.logs.String(), "webhook delivery refused") < 2 {
				t.Errorf("refused deliveries are not logged:\n%s", w.logs)
			}
			if keys := w.queued(crawler.KindRepo); len(keys) != 0 {
				t.Fatalf("refused deliveries queued %q", keys)
			}

			res := w.deliver(forge, "d-1", body, w.secret)
			if res.Outcome != push.Queued {
				t.Fatalf("a signed push to the default branch: %+v", res)
			}
			if keys := w.queued(crawler.KindRepo); len(keys) != 1 || keys[0] != appURL {
				t.Errorf("queued crawls %q, want the pushed repository", keys)
			}
			if res := w.deliver(forge, "d-1", body, w.secret); res.Outcome != push.Replayed {
				t.Errorf("the same delivery again: %+v", res)
			}
			if res := w.deliver(forge, "d-new-id", body, w.secret); res.Outcome != push.Replayed {
				t.Errorf("the same body under another delivery ID: %+v", res)
			}
			if keys := w.queued(crawler.KindRepo); len(keys) != 0 {
				t.Errorf("replays queued %q", keys)
			}
		})
	}
}

func TestReceive_WhatIsNotAPushToACrawledDefaultBranchIsIgnored(t *testing.T) {
	t.Parallel()
	w := newWorld(t, instance)
	cases := []struct {
		name, forge string
		h           http.Header
		body        []byte
		want        push.Outcome
		reason      string
	}{
		{"github: another branch", "github", nil, payload(t, "github-push.json", appURL, "feature/x"), push.Ignored, "not to the default branch"},
		{"gitlab: another branch", "gitlab", nil, payload(t, "gitlab-push.json", appURL, "develop"), push.Ignored, "not to the default branch"},
		{"gitea: another branch", "gitea", nil, payload(t, "gitea-push.json", appURL, "develop"), push.Ignored, "not to the default branch"},
		{"forgejo: a repository of no crawled organisation", "forgejo", nil, payload(t, "gitea-push.json", "https://elsewhere.example/x/y", "main"), push.Ignored, "not crawled here"},
		{"github: a ping", "github", http.Header{"X-Github-Event": {"ping"}, "X-Github-Delivery": {"p-1"}},
			bytes.ReplaceAll(mustRead(t, "github-ping.json"), []byte("{{API}}"), []byte("https://api.github.com")), push.Ignored, "not a push"},
		{"gitlab: a tag push", "gitlab", http.Header{"X-Gitlab-Event": {"Tag Push Hook"}},
			bytes.Replace(bytes.Replace(payload(t, "gitlab-push.json", appURL, "main"), []byte(`"refs/heads/main"`), []byte(`"refs/tags/v1.2.0"`), 1),
				[]byte(`"object_kind": "push"`), []byte(`"object_kind": "tag_push"`), 1), push.Ignored, "moved no branch"},
	}
	for i, tc := range cases {
		h, err := push.Headers(tc.forge, "", tc.body, instance)
		must(t, err)
		for k, v := range tc.h {
			h[k] = v
		}
		if h.Get("X-Github-Delivery") == "" && tc.forge == "github" {
			h.Set("X-GitHub-Delivery", "i-"+string(rune('a'+i)))
		}
		res := w.send(tc.forge, h, tc.body)
		if res.Outcome != tc.want || !strings.Contains(res.Reason, tc.reason) {
			t.Errorf("%s: %+v, want %s (%s)", tc.name, res, tc.want, tc.reason)
		}
	}
	if keys := w.queued(crawler.KindRepo); len(keys) != 0 {
		t.Errorf("ignored deliveries queued %q", keys)
	}
	if n := strings.Count(w.logs.String(), "webhook delivery ignored"); n < len(cases) {
		t.Errorf("%d ignored deliveries logged, want %d:\n%s", n, len(cases), w.logs)
	}
	// The instance's secret verifies deliveries for any repository.
	if res := w.deliver("github", "i-any", payload(t, "github-push.json", appURL, "main"), instance); res.Outcome != push.Queued {
		t.Errorf("a push signed with the instance's secret: %+v", res)
	}
}

func TestReceive_ANewRepositoryOfACrawledOrganisationRefreshesItsListing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "")
	res := w.deliver("gitea", "n-1", payload(t, "gitea-push.json", forgeURL+"/stad/brand-new", "main"), w.secret)
	if res.Outcome != push.ListingRefreshed {
		t.Fatalf("a push to a new repository of the organisation: %+v", res)
	}
	if keys := w.queued(crawler.KindDiscover); len(keys) != 1 || !strings.HasSuffix(keys[0], "stad "+forgeURL+"/stad") {
		t.Errorf("queued listings %q, want the organisation's", keys)
	}
	// The entry's secret is its own: it verifies nothing outside the entry.
	if res := w.deliver("gitea", "n-2", payload(t, "gitea-push.json", "https://elsewhere.example/x/y", "main"), w.secret); res.Outcome != push.Refused {
		t.Errorf("the entry's secret for another forge's repository: %+v", res)
	}
	// An organisation hook's ping is verified by the organisation's secret.
	ping := bytes.ReplaceAll(mustRead(t, "github-ping.json"), []byte("{{API}}"), []byte(forgeURL+"/api/v3"))
	h, _ := push.Headers("github", "ping-1", ping, w.secret)
	h.Set("X-GitHub-Event", "ping")
	if res := w.send("github", h, ping); res.Outcome != push.Ignored {
		t.Errorf("the organisation hook's ping: %+v", res)
	}
}

func TestReceive_ARotatedSecretVerifiesForADayOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "")
	old := w.secret
	rotated, err := w.store.RotateHookSecret(t.Context(), w.member, "stad", forgeURL+"/stad")
	must(t, err)
	*w.clock = w.clock.Add(23 * time.Hour)
	if res := w.deliver("github", "r-1", payload(t, "github-push.json", appURL, "main"), old); res.Outcome != push.Queued {
		t.Errorf("the old secret 23 hours after the rotation: %+v", res)
	}
	*w.clock = w.clock.Add(2 * time.Hour)
	body := payload(t, "github-push.json", appURL, "main")
	body = bytes.Replace(body, []byte("fix the licence"), []byte("fix the licence again"), 1)
	if res := w.deliver("github", "r-2", body, old); res.Outcome != push.Refused {
		t.Errorf("the old secret 25 hours after the rotation: %+v", res)
	}
	if res := w.deliver("github", "r-3", body, rotated.Secret); res.Outcome != push.Queued {
		t.Errorf("the new secret: %+v", res)
	}
}

func TestReceive_AFailedQueueLetsTheRetryThrough(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "")
	w.recv.Crawler = failing{w.recv.Crawler}
	body := payload(t, "gitea-push.json", appURL, "main")
	h, _ := push.Headers("gitea", "f-1", body, w.secret)
	if _, err := w.recv.Receive(t.Context(), "gitea", h, body, "192.0.2.7"); err == nil {
		t.Fatal("a failed queue is not an error")
	}
	w.recv.Crawler = w.recv.Crawler.(failing).Trigger
	if res := w.send("gitea", h, body); res.Outcome != push.Queued {
		t.Errorf("the forge's retry: %+v", res)
	}
}

type failing struct{ push.Trigger }

func (failing) CrawlPushed(context.Context, string, string) error { return io.ErrUnexpectedEOF }

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	must(t, err)
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Bitbucket Cloud's push payload does not name the repository's main branch:
// the branch the catalogue last crawled decides, unless the payload's
// repository carries mainbranch (as the API's repository object does).
func TestReceive_BitbucketPushesToTheCrawledBranchOnlyQueueACrawl(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "")
	deliver := func(id, branch, mainbranch string) push.Result {
		t.Helper()
		body := payload(t, "bitbucket-push.json", appURL, branch)
		if mainbranch != "" {
			body = bytes.Replace(body, []byte(`"full_name": "stad/app",`),
				[]byte(`"full_name": "stad/app", "mainbranch": {"type": "branch", "name": "`+mainbranch+`"},`), 1)
		}
		return w.deliver("bitbucket", id, body, w.secret)
	}
	// Before any crawl the catalogue knows no branch: every branch is a candidate.
	if res := deliver("b-0", "feature", ""); res.Outcome != push.Queued {
		t.Errorf("a push before the repository's first crawl: %+v", res)
	}
	w.queued(crawler.KindRepo)
	_, err := w.store.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: appURL + ".git", Head: head, Branch: "main",
		Outcome: catalogue.StatusNoPubliccode, Reason: "no publiccode.yml"})
	must(t, err)
	for _, tc := range []struct {
		id, branch, mainbranch string
		want                   push.Outcome
		reason                 string
	}{
		{"b-1", "main", "", push.Queued, "queued"},
		{"b-2", "develop", "", push.Ignored, "not to the default branch main this catalogue crawls"},
		{"b-3", "main", "trunk", push.Ignored, "not to the default branch trunk"},
		{"b-4", "trunk", "trunk", push.Queued, "queued"},
	} {
		res := deliver(tc.id, tc.branch, tc.mainbranch)
		if res.Outcome != tc.want || !strings.Contains(res.Reason, tc.reason) {
			t.Errorf("a push to %s (mainbranch %q): %+v, want %s (%s)", tc.branch, tc.mainbranch, res, tc.want, tc.reason)
		}
		keys := w.queued(crawler.KindRepo)
		if queued := len(keys) == 1 && keys[0] == appURL; queued != (tc.want == push.Queued) {
			t.Errorf("a push to %s (mainbranch %q) queued %q", tc.branch, tc.mainbranch, keys)
		}
	}
}
