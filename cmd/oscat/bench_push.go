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
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
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
	dir := f.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "oscat-bench-push-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	fmt.Fprintf(out, "machine: %d cores, %s, %s, load %s\n", runtime.NumCPU(), runtime.GOOS, runtime.Version(), loadAverage())
	quiet := slog.New(slog.DiscardHandler)
	forge := localforge.New(filepath.Join(dir, "forge"))
	if err := forge.AddOwner("stad", localforge.Org); err != nil {
		return err
	}
	if _, err := forge.Push("stad", "app", benchPushCommit(0)); err != nil {
		return err
	}
	fsrv, err := localforge.Start(forge, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer fsrv.Close()

	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		return err
	}
	defer store.Close()
	hosting := catalogue.CodeHosting{URL: fsrv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}
	if err := store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "stad", Name: "Stad", EmailDomains: []string{"stad.example"},
		CodeHosting: []catalogue.CodeHosting{hosting}}}); err != nil {
		return err
	}
	member, err := store.SignIn(ctx, "maintainer@stad.example", "Maintainer", "", "")
	if err != nil {
		return err
	}
	secrets, err := store.HookSecrets(ctx, catalogue.Actor{Person: member.ID, Email: member.Email}, "stad")
	if err != nil {
		return err
	}
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	wg.Go(func() { _ = srv.Serve(sctx, ln) })
	wg.Go(func() { index.Follow(sctx, f.follow) })
	wg.Go(func() { c.Work(sctx) })
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second}

	repo := fsrv.RepoURL("stad", "app")
	var took, answered []time.Duration
	for i := 1; i <= f.pushes; i++ {
		head, err := forge.Push("stad", "app", benchPushCommit(i))
		if err != nil {
			return err
		}
		pushed := time.Now()
		if err := benchDeliver(ctx, client, base, repo, head, secrets[0].Secret); err != nil {
			return fmt.Errorf("push %d: %w", i, err)
		}
		answered = append(answered, time.Since(pushed))
		if err := waitForWord(ctx, client, base, benchPushWord(i), f.timeout); err != nil {
			return fmt.Errorf("push %d: %w", i, err)
		}
		took = append(took, time.Since(pushed))
	}
	fmt.Fprintf(out, "webhook answered (202): p50 %s ms, p95 %s ms\n", ms(nearestRank(answered, 50)), ms(nearestRank(answered, 95)))
	fmt.Fprintf(out, "push to updated entry in search, %d pushes (index follows every %s): p50 %s ms, p95 %s ms, max %s ms\n",
		f.pushes, f.follow, ms(nearestRank(took, 50)), ms(nearestRank(took, 95)), ms(slices.Max(took)))
	return nil
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

// nearestRank is the p-th percentile of d by the nearest-rank method.
func nearestRank(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[max(0, int(math.Ceil(float64(p)/100*float64(len(s))))-1)]
}
