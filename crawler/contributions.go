package crawler

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/activity"
	"github.com/oscat-eu/oscat/crawler/contrib"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

// KindContrib is the job that computes one software's contribution figures
// from the commit ledger of its repositories (and its upstream's).
const KindContrib catalogue.JobKind = "crawl.contrib"

// ContributionStore is what computing contribution figures needs of the
// catalogue beyond the Catalogue.
type ContributionStore interface {
	// ContributionDirectory returns the approved administrations (with every
	// e-mail domain and their counting choices) and the contractors named in
	// the catalogue's files.
	ContributionDirectory(ctx context.Context) ([]catalogue.Publisher, []catalogue.OrgContractor, error)
	SetContributions(ctx context.Context, softwareID string, c *catalogue.Contributions) error
}

// directoryFor is how long a built directory of organisations is reused.
const directoryFor = time.Minute

// orgDirectory caches the directory of organisations for a minute.
type orgDirectory struct {
	mu    sync.Mutex
	dir   *catalogue.OrgDirectory
	built time.Time
}

func (c *Crawler) directory(ctx context.Context) (*catalogue.OrgDirectory, error) {
	c.orgs.mu.Lock()
	defer c.orgs.mu.Unlock()
	if c.orgs.dir != nil && time.Since(c.orgs.built) < directoryFor {
		return c.orgs.dir, nil
	}
	pubs, contractors, err := c.contribs.ContributionDirectory(ctx)
	if err != nil {
		return nil, err
	}
	c.orgs.dir, c.orgs.built = catalogue.NewOrgDirectory(pubs, contractors), time.Now()
	return c.orgs.dir, nil
}

// needsLedger reports whether an unmoved repository's commit graph should be
// read for contribution figures all the same: its software has none yet and
// this process keeps no ledger entry for it (as after an upgrade). Another
// process's ledger serves once figures exist.
func (c *Crawler) needsLedger(ctx context.Context, prev catalogue.Repository) bool {
	if c.contribs == nil || prev.SoftwareID == "" || c.ledger.Has(prev.URL) {
		return false
	}
	sw, err := c.repos.Software(ctx, prev.SoftwareID)
	return err == nil && sw.Contributions == nil
}

// ledgerDir is the ledger's folder inside the git cache.
func ledgerDir(cacheDir string) string {
	if cacheDir == "" {
		return ""
	}
	return filepath.Join(cacheDir, "commits")
}

// queueContributions queues the figures of the software a repository carries,
// and of the software that shares its history (forks and upstreams), when its
// commit graph was read again or the software has none for this month.
func (c *Crawler) queueContributions(ctx context.Context, run int64, repoURL string, graphRead bool) error {
	if c.contribs == nil {
		return nil
	}
	repo, err := c.repos.Repository(ctx, repoURL)
	if err != nil {
		return err
	}
	ids := map[string]bool{}
	if repo.SoftwareID != "" {
		due := graphRead
		if !due {
			sw, err := c.repos.Software(ctx, repo.SoftwareID)
			if err != nil && !catalogueNotFound(err) {
				return err
			}
			cur := sw.Contributions
			due = err == nil && (cur == nil || cur.At.UTC().Format("2006-01") != c.opts.Now().UTC().Format("2006-01"))
			if err == nil && !due {
				// Who counts for whom changed (counting turned off, a new contractor).
				dir, derr := c.directory(ctx)
				if derr != nil {
					return derr
				}
				due = cur.Basis != dir.Digest()
			}
		}
		if !due {
			return nil
		}
		ids[repo.SoftwareID] = true
	}
	if graphRead && repo.RootCommit != "" {
		copies, err := c.allRepositories(ctx, catalogue.RepositoryFilter{RootCommit: repo.RootCommit})
		if err != nil {
			return err
		}
		for _, r := range copies {
			if r.SoftwareID != "" {
				ids[r.SoftwareID] = true
			}
		}
	}
	for id := range ids {
		job := catalogue.NewJob{Kind: KindContrib, Key: fmt.Sprintf("%d:%s", run, id), Group: runGroup(run),
			Payload: payload{Run: run, URL: id}.encode()}
		n, err := c.queue.Enqueue(ctx, job)
		if err != nil {
			return err
		}
		if n == 0 {
			// A job for it is waiting or running; a running one may have read the
			// ledger before this repository's entry was kept: compute once more.
			job.Key += ":again"
			if _, err := c.queue.Enqueue(ctx, job); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Crawler) allRepositories(ctx context.Context, f catalogue.RepositoryFilter) ([]catalogue.Repository, error) {
	var out []catalogue.Repository
	page := catalogue.Page{Size: 100}
	for {
		list, next, err := c.repos.Repositories(ctx, f, page)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		if next == "" {
			return out, nil
		}
		page.After = next
	}
}

// handleContrib computes one software's figures: the distinct commits of its
// repositories (mirrors once), without those its upstream has, classified by
// the directory of organisations.
func (c *Crawler) handleContrib(ctx context.Context, j catalogue.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	t0 := time.Now()
	set, found, err := c.softwareCommits(ctx, p.Run, p.URL)
	if err != nil || !found {
		return err
	}
	dir, err := c.directory(ctx)
	if err != nil {
		return err
	}
	figures := contrib.Compute(set, dir, c.opts.Now())
	figures.Basis = dir.Digest()
	if err := c.contribs.SetContributions(ctx, p.URL, figures); err != nil && !catalogueNotFound(err) {
		return err
	}
	d := time.Since(t0)
	c.contribNanos.Add(int64(d))
	if m := c.opts.Metrics; m != nil {
		m.contribDuration.Observe(d.Seconds())
	}
	return nil
}

// ContributionTime is the time this crawler spent on contribution figures:
// keeping commit ledgers and computing software figures.
func (c *Crawler) ContributionTime() time.Duration { return time.Duration(c.contribNanos.Load()) }

// softwareCommits gathers the commit set of a software; false when no ledger
// entry of its repositories is kept by this process.
func (c *Crawler) softwareCommits(ctx context.Context, run int64, softwareID string) (*contrib.Commits, bool, error) {
	repos, err := c.allRepositories(ctx, catalogue.RepositoryFilter{Software: softwareID})
	if err != nil {
		return nil, false, err
	}
	set := contrib.NewCommits()
	found := false
	var upstreams []catalogue.Repository
	seenRoot := map[string]bool{}
	for _, r := range repos {
		if r.Status == catalogue.StatusGone || r.Role == catalogue.RoleFork {
			continue
		}
		e, ok := c.ledgerEntry(ctx, run, r)
		if !ok {
			continue
		}
		found = true
		set.Add(e)
		if r.RootCommit == "" || seenRoot[r.RootCommit] {
			continue
		}
		seenRoot[r.RootCommit] = true
		copies, err := c.allRepositories(ctx, catalogue.RepositoryFilter{RootCommit: r.RootCommit})
		if err != nil {
			return nil, false, err
		}
		for _, o := range copies {
			if o.SoftwareID != "" && o.SoftwareID != softwareID && o.Status != catalogue.StatusGone && isUpstream(o, r) {
				upstreams = append(upstreams, o)
			}
		}
	}
	for _, u := range upstreams {
		if e, ok := c.ledgerEntry(ctx, run, u); ok {
			set.Remove(e)
		}
	}
	return set, found, nil
}

// ledgerEntry returns a repository's commit list, fetching its commit graph
// when this process keeps none although the repository's crawl in this run is
// done and succeeded (another process crawled it: each keeps its own git
// cache). False when it cannot be had; a repository still to be crawled queues
// the software's figures again when it is.
func (c *Crawler) ledgerEntry(ctx context.Context, run int64, r catalogue.Repository) (contrib.Entry, bool) {
	repoURL := r.URL
	e, ok, err := c.ledger.Get(repoURL)
	if err != nil {
		c.log.Warn("commit ledger unreadable", "repository", gitfetch.Redact(repoURL), "err", err)
	}
	if ok {
		return e, true
	}
	if !succeeded[r.Status] || r.Status == catalogue.StatusSkipped {
		return contrib.Entry{}, false
	}
	if done, err := c.runs.Crawled(ctx, run, repoURL); err != nil || !done {
		return contrib.Entry{}, false
	}
	fctx, cancel := context.WithTimeout(ctx, c.opts.Fetch.Timeout)
	defer cancel()
	remote, err := c.fetch.Refs(fctx, repoURL)
	if err != nil {
		return contrib.Entry{}, false
	}
	h, err := c.fetch.History(fctx, remote, activity.Since(c.opts.Now()), nil)
	if err != nil {
		c.log.Warn("commit graph not read for contributions", "repository", gitfetch.Redact(repoURL), "err", gitfetch.RedactError(err, repoURL))
		return contrib.Entry{}, false
	}
	if err := c.ledger.Put(repoURL, h); err != nil {
		c.log.Warn("commit ledger not kept", "repository", gitfetch.Redact(repoURL), "err", err)
	}
	e, ok, _ = c.ledger.Get(repoURL)
	return e, ok
}

// isUpstream reports whether up, a repository of another software sharing the
// history of r, is r's upstream: the forge says r is a fork of it (or a fork of
// something, with up not a fork itself); with no word from the forge, the
// repository registered here first is the upstream.
func isUpstream(up, r catalogue.Repository) bool {
	switch {
	case r.Upstream != "":
		return sameRepo(r.Upstream, up.URL)
	case r.ForgeFork != up.ForgeFork:
		return r.ForgeFork
	}
	return up.CreatedAt.Before(r.CreatedAt) || (up.CreatedAt.Equal(r.CreatedAt) && up.ID < r.ID)
}

func sameRepo(a, b string) bool {
	ca, err1 := catalogue.CanonicalURL(a)
	cb, err2 := catalogue.CanonicalURL(b)
	return err1 == nil && err2 == nil && ca == cb
}
