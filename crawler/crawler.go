// Package crawler discovers the repositories publishers list, fetches them with
// go-git, reads and validates their publiccode.yml, and records each result in the
// catalogue.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler/forge"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// Options configure a crawler. The zero value is usable: it refuses private
// networks and uses the defaults below.
type Options struct {
	// Policy is the address policy for every fetch (forge APIs and git).
	Policy safehttp.Policy
	// Workers is how many repositories are fetched at once (default 4).
	Workers int
	// Fetch bounds each repository's transfer (size and time).
	Fetch gitfetch.Options
	// Limits bound the reading of one publiccode.yml.
	Limits publiccode.Limits
	// Logger receives one line per repository (default slog.Default()).
	Logger *slog.Logger
	// OnRepository, when set, is called after each repository (for progress).
	OnRepository func(done, total int, repoURL string, status catalogue.RepoStatus)
}

// Crawler runs crawls over the catalogue's publishers.
type Crawler struct {
	store catalogue.Store
	fetch *gitfetch.Fetcher
	gitea forge.Gitea
	opts  Options
	log   *slog.Logger
}

// New returns a crawler writing to store.
func New(store catalogue.Store, opts Options) *Crawler {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	fo := opts.Fetch
	fo.Policy = opts.Policy
	return &Crawler{
		store: store,
		fetch: gitfetch.New(fo),
		gitea: forge.Gitea{Client: forge.NewClient(opts.Policy)},
		opts:  opts,
		log:   log,
	}
}

// Summary is what a crawl did.
type Summary struct {
	Run           catalogue.CrawlRun
	HostingFailed int
	Duration      time.Duration
}

func (s Summary) String() string {
	c := s.Run.Counts
	line := fmt.Sprintf("crawl %d: %d repositories seen, %d listed, %d without a publiccode file, %d failed",
		s.Run.ID, s.Run.Seen(), s.Run.Listed, c[catalogue.StatusNoPubliccode], c[catalogue.StatusFailed]+c[catalogue.StatusOverCap])
	if n := c[catalogue.StatusInvalid]; n > 0 {
		line += fmt.Sprintf(", %d with invalid metadata", n)
	}
	if s.HostingFailed > 0 {
		line += fmt.Sprintf(", %d code-hosting entries could not be listed", s.HostingFailed)
	}
	return line + fmt.Sprintf(" (%s)", s.Duration.Round(time.Millisecond))
}

// Failed reports whether any repository or code-hosting entry failed.
func (s Summary) Failed() bool {
	return s.HostingFailed > 0 || s.Run.Counts[catalogue.StatusFailed] > 0 || s.Run.Counts[catalogue.StatusOverCap] > 0
}

// Run discovers every publisher's repositories and crawls them. Failures of single
// repositories are recorded and do not stop it; an error means the crawl could not
// run (the store failed, or ctx ended).
func (c *Crawler) Run(ctx context.Context) (Summary, error) {
	start := time.Now()
	targets, hostingFailed, err := c.discover(ctx)
	if err != nil {
		return Summary{}, err
	}
	run, err := c.store.StartCrawlRun(ctx)
	if err != nil {
		return Summary{}, err
	}
	var (
		mu   sync.Mutex
		done int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opts.Workers)
	for _, repoURL := range targets {
		g.Go(func() error {
			t0 := time.Now()
			res := c.crawlOne(gctx, repoURL)
			if gctx.Err() != nil {
				return gctx.Err()
			}
			res.RunID = run.ID
			status, err := c.store.ApplyCrawl(gctx, res)
			if err != nil {
				return err
			}
			attrs := []any{"repository", gitfetch.Redact(repoURL), "status", status, "duration", time.Since(t0).Round(time.Millisecond)}
			if res.Reason != "" {
				attrs = append(attrs, "reason", res.Reason)
			}
			if n := len(res.Findings); n > 0 {
				attrs = append(attrs, "findings", n)
			}
			c.log.Info("crawled", attrs...)
			mu.Lock()
			done++
			d := done
			mu.Unlock()
			if c.opts.OnRepository != nil {
				c.opts.OnRepository(d, len(targets), repoURL, status)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Summary{}, fmt.Errorf("crawl %d: %w", run.ID, err)
	}
	run, err = c.store.FinishCrawlRun(ctx, run.ID)
	if err != nil {
		return Summary{}, err
	}
	return Summary{Run: run, HostingFailed: hostingFailed, Duration: time.Since(start)}, nil
}

// discover lists every publisher's code hosting, registers the repositories found,
// and returns the repository URLs to crawl, each once.
func (c *Crawler) discover(ctx context.Context) ([]string, int, error) {
	var pubs []catalogue.Publisher
	for page := (catalogue.Page{Size: 1000}); ; {
		batch, next, err := c.store.Publishers(ctx, page)
		if err != nil {
			return nil, 0, err
		}
		pubs = append(pubs, batch...)
		if next == "" {
			break
		}
		page.After = next
	}
	type found struct {
		publisher string
		url       string
	}
	var (
		mu     sync.Mutex
		all    []found
		failed int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opts.Workers)
	for _, p := range pubs {
		for _, h := range p.CodeHosting {
			g.Go(func() error {
				urls, err := c.listHosting(gctx, h)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if gctx.Err() != nil {
						return gctx.Err()
					}
					failed++
					c.log.Warn("code hosting could not be listed", "publisher", p.ID, "url", gitfetch.Redact(h.URL), "err", err)
					return nil
				}
				for _, u := range urls {
					all = append(all, found{publisher: p.ID, url: u})
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	seen := map[string]bool{}
	var targets []string
	for _, f := range all {
		if err := c.store.RegisterRepository(ctx, f.publisher, f.url); err != nil {
			if errors.Is(err, catalogue.ErrInvalid) {
				c.log.Warn("repository URL refused", "publisher", f.publisher, "url", gitfetch.Redact(f.url), "err", err)
				continue
			}
			return nil, 0, err
		}
		key, _ := catalogue.CanonicalURL(f.url)
		if !seen[key] {
			seen[key] = true
			targets = append(targets, f.url)
		}
	}
	return targets, failed, nil
}

// listHosting returns the repository URLs a code-hosting entry stands for.
func (c *Crawler) listHosting(ctx context.Context, h catalogue.CodeHosting) ([]string, error) {
	if !h.Group {
		return []string{h.URL}, nil
	}
	typ := h.Type
	if typ == "" {
		typ = inferType(h.URL)
	}
	switch typ {
	case catalogue.HostingGitea, catalogue.HostingForgejo:
		var out []string
		err := c.gitea.List(ctx, h.URL, func(_ context.Context, repos []forge.Repo) error {
			for _, r := range repos {
				if !r.Private {
					out = append(out, r.CloneURL)
				}
			}
			return nil
		})
		return out, err
	case "":
		return nil, fmt.Errorf("cannot tell which forge %s is: add type (gitea, forgejo, github, gitlab, bitbucket) to the entry", h.URL)
	default:
		return nil, fmt.Errorf("listing %s groups is not supported yet: list its repositories one by one (group: false)", typ)
	}
}

// inferType recognises well-known forges by their host.
func inferType(raw string) catalogue.HostingType {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Hostname()) {
	case "github.com":
		return catalogue.HostingGitHub
	case "gitlab.com":
		return catalogue.HostingGitLab
	case "bitbucket.org":
		return catalogue.HostingBitbucket
	case "codeberg.org":
		return catalogue.HostingForgejo
	case "gitea.com":
		return catalogue.HostingGitea
	}
	return ""
}

// publiccodeNames are the file names read at the root, in order of preference.
var publiccodeNames = []string{"publiccode.yml", "publiccode.yaml"}

// crawlOne fetches one repository and reads its publiccode file.
func (c *Crawler) crawlOne(ctx context.Context, repoURL string) catalogue.CrawlResult {
	res := catalogue.CrawlResult{RepoURL: repoURL}
	snap, err := c.fetch.Fetch(ctx, repoURL)
	switch {
	case errors.Is(err, gitfetch.ErrEmpty):
		res.Outcome, res.Reason = catalogue.StatusNoPubliccode, "the repository is empty"
		return res
	case errors.Is(err, gitfetch.ErrOverCap):
		res.Outcome, res.Reason = catalogue.StatusOverCap, redactErr(err, repoURL)
		return res
	case err != nil:
		res.Outcome, res.Reason = catalogue.StatusFailed, redactErr(err, repoURL)
		return res
	}
	res.Head = snap.Head.String()
	limits := c.opts.Limits
	maxBytes := int64(limits.MaxBytes)
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	for _, name := range publiccodeNames {
		data, err := snap.ReadFile(name, maxBytes+1)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		res.Path = name
		if err != nil {
			res.Findings = []publiccode.Finding{{Severity: publiccode.SeverityError, Code: "unreadable", Message: err.Error()}}
			res.Reason = err.Error()
			return res
		}
		doc := publiccode.Check(data, publiccode.Options{Limits: limits, Files: snap.FS()})
		res.Raw, res.File, res.Findings = data, doc.File, doc.Findings
		return res
	}
	res.Outcome = catalogue.StatusNoPubliccode
	res.Reason = "no publiccode.yml (or publiccode.yaml) at the root of the default branch"
	if snap.Branch != "" {
		res.Reason = "no publiccode.yml (or publiccode.yaml) at the root of branch " + snap.Branch
	}
	return res
}

func redactErr(err error, repoURL string) string {
	msg := err.Error()
	if r := gitfetch.Redact(repoURL); r != repoURL {
		msg = strings.ReplaceAll(msg, repoURL, r)
	}
	return msg
}
