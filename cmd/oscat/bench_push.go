package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/push"
	"github.com/oscat-eu/oscat/crawler/safehttp"
	"github.com/oscat-eu/oscat/search"
	"github.com/oscat-eu/oscat/ui"
)

type benchPushFlags struct {
	pushes  int
	follow  time.Duration
	timeout time.Duration
	dir     string
}

func runBenchPush(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench push", flag.ContinueOnError)
	var f benchPushFlags
	fs.IntVar(&f.pushes, "pushes", 20, "pushes to measure")
	fs.DurationVar(&f.follow, "index-follow", 2*time.Second, "how often the search index catches up (as oscat serve's --index-follow)")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "how long one push may take to show in search before the bench gives up")
	fs.StringVar(&f.dir, "dir", "", "where to build the forge and the catalogue (default a temporary folder, removed after)")
	err := parseFlags(fs, args, func(string) string { return "" })
	if err == nil && f.pushes < 1 {
		err = usageError("--pushes %d: push at least once", f.pushes)
	}
	if err == nil {
		err = benchPush(ctx, f, stdout)
	}
	return exitCode(stderr, "bench push", fs, err)
}

// benchPush measures what a maintainer waits for: from a push that fixes a
// publiccode.yml to the fixed entry found in search. A local forge serves the
// repository over smart HTTP; the catalogue runs as oscat serve does (crawler
// workers, index following the change log, the web server with its webhook
// endpoints), all on loopback. Each push is announced as Gitea does, signed with
// the code-hosting entry's secret, and the search API is asked every 20 ms for
// the word the push added.
func benchPush(ctx context.Context, f benchPushFlags, out io.Writer) error {
	dir, cleanup, err := benchDir(f.dir, "oscat-bench-push-")
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(out, "machine: %d cores, %s, %s, load %s\n", runtime.NumCPU(), runtime.GOOS, runtime.Version(), loadAverage())
	forge, fsrv, err := benchPushForge(filepath.Join(dir, "forge"))
	if err != nil {
		return err
	}
	defer fsrv.Close()
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		return err
	}
	defer store.Close()
	secret, err := benchPushPublisher(ctx, store, fsrv.URL+"/stad")
	if err != nil {
		return err
	}
	quiet := slog.New(slog.DiscardHandler)
	c := crawler.New(store, crawler.Options{Policy: safehttp.Policy{AllowPrivate: true}, Logger: quiet, Quiet: true,
		Fetch: gitfetch.Options{CacheDir: filepath.Join(dir, "data", "cache", "git")}})
	t0 := time.Now()
	if _, err := c.Run(ctx, "bench", nil); err != nil {
		return err
	}
	fmt.Fprintf(out, "first crawl: %s\n", since(t0))

	index, err := search.Open(ctx, filepath.Join(dir, "data", "search"), store, quiet)
	if err != nil {
		return err
	}
	defer index.Close()
	srv, err := ui.New(siteSources(store, false), index, ui.Options{PublicURL: "http://127.0.0.1", Logger: quiet,
		Hooks: &push.Receiver{Store: store, Crawler: c, Log: quiet}})
	if err != nil {
		return err
	}
	base, stop, err := serveLoopback(ctx, srv, func(ctx context.Context) { index.Follow(ctx, f.follow) }, c.Work)
	if err != nil {
		return err
	}
	defer stop()
	p := pushRun{forge: forge, client: &http.Client{Timeout: 30 * time.Second}, base: base, repo: fsrv.RepoURL("stad", "app"), secret: secret}
	answered, took, err := p.measure(ctx, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "webhook answered (202): p50 %s ms, p95 %s ms\n", ms(nearestRank(answered, 50)), ms(nearestRank(answered, 95)))
	fmt.Fprintf(out, "push to updated entry in search, %d pushes (index follows every %s): p50 %s ms, p95 %s ms, max %s ms\n",
		f.pushes, f.follow, ms(nearestRank(took, 50)), ms(nearestRank(took, 95)), ms(slices.Max(took)))
	return nil
}

// benchPushForge is a local forge in root with the organisation stad and its
// repository app at its first commit, served on loopback.
func benchPushForge(root string) (*localforge.Forge, *localforge.Server, error) {
	forge := localforge.New(root)
	if err := forge.AddOwner("stad", localforge.Org); err != nil {
		return nil, nil, err
	}
	if _, err := forge.Push("stad", "app", benchPushCommit(0)); err != nil {
		return nil, nil, err
	}
	fsrv, err := localforge.Start(forge, "127.0.0.1:0")
	return forge, fsrv, err
}

// benchPushPublisher stores the publisher stad with its Gitea organisation at
// hostingURL, signs a member in and returns the code hosting's webhook secret.
func benchPushPublisher(ctx context.Context, store *sqlstore.Store, hostingURL string) (string, error) {
	hosting := catalogue.CodeHosting{URL: hostingURL, Group: true, Type: catalogue.HostingGitea}
	if err := store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "stad", Name: "Stad", EmailDomains: []string{"stad.example"},
		CodeHosting: []catalogue.CodeHosting{hosting}}}); err != nil {
		return "", err
	}
	member, err := store.SignIn(ctx, "maintainer@stad.example", "Maintainer", "", "")
	if err != nil {
		return "", err
	}
	secrets, err := store.HookSecrets(ctx, catalogue.Actor{Person: member.ID, Email: member.Email}, "stad")
	if err != nil {
		return "", err
	}
	if len(secrets) == 0 {
		return "", fmt.Errorf("no webhook secret for stad's code hosting")
	}
	return secrets[0].Secret, nil
}

// pushRun is what measuring pushes needs: the forge to push to, the
// catalogue's address and the secret to sign the announcements with.
type pushRun struct {
	forge              *localforge.Forge
	client             *http.Client
	base, repo, secret string
}

// measure pushes f.pushes fixes one after the other and returns, for each, how
// long the webhook took to answer and how long until search found the fix.
func (p pushRun) measure(ctx context.Context, f benchPushFlags) (answered, took []time.Duration, err error) {
	for i := 1; i <= f.pushes; i++ {
		head, err := p.forge.Push("stad", "app", benchPushCommit(i))
		if err != nil {
			return nil, nil, err
		}
		pushed := time.Now()
		if err := benchDeliver(ctx, p.client, p.base, p.repo, head, p.secret); err != nil {
			return nil, nil, fmt.Errorf("push %d: %w", i, err)
		}
		answered = append(answered, time.Since(pushed))
		if err := waitForWord(ctx, p.client, p.base, benchPushWord(i), f.timeout); err != nil {
			return nil, nil, fmt.Errorf("push %d: %w", i, err)
		}
		took = append(took, time.Since(pushed))
	}
	return answered, took, nil
}

// benchPushCommit is the repository after push i: its description names the
// push's word.
func benchPushCommit(i int) localforge.Commit {
	file := fmt.Sprintf(`publiccodeYmlVersion: "0.4"
name: Parkeervergunning
developmentStatus: stable
softwareType: standalone/web
platforms: [web]
categories: [it-development]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Team Stad
      email: team@stad.example
description:
  en:
    shortDescription: Parking permits for residents, fixed %s
`, benchPushWord(i))
	return localforge.Commit{Files: map[string][]byte{"publiccode.yml": []byte(file)}, Message: fmt.Sprintf("publiccode.yml: fix %d", i),
		When: time.Now()}
}

// benchPushWord is a word only push i's file holds (letters: analysers keep it whole).
func benchPushWord(i int) string {
	w := []byte("pushfix")
	for ; i > 0; i /= 26 {
		w = append(w, byte('a'+i%26))
	}
	return string(w)
}

// benchDeliver sends the push as Gitea would.
func benchDeliver(ctx context.Context, client *http.Client, base, repo, head, secret string) error {
	body, _ := json.Marshal(map[string]any{"ref": "refs/heads/main", "after": head,
		"repository": map[string]any{"full_name": "stad/app", "html_url": repo, "clone_url": repo + ".git", "default_branch": "main"}})
	h, err := push.Headers("gitea", head, body, secret)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/hooks/gitea", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	var res push.Result
	if resp.StatusCode != http.StatusAccepted || json.Unmarshal(answer, &res) != nil || res.Outcome != push.Queued {
		return fmt.Errorf("the webhook answered %d %s", resp.StatusCode, answer)
	}
	return nil
}

// waitForWord asks the search API for word every 20 ms until an entry found
// holds it.
func waitForWord(ctx context.Context, client *http.Client, base, word string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/software?q="+url.QueryEscape(word), nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			var page struct {
				Data []struct {
					Description map[string]struct {
						ShortDescription string `json:"shortDescription"`
					} `json:"description"`
				} `json:"data"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			// Search is forgiving (a word one letter off matches): the entry
			// itself must say the word.
			for _, sw := range page.Data {
				if err == nil && strings.HasSuffix(sw.Description["en"].ShortDescription, " "+word) {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("%q not found in search within %s", word, timeout)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}
