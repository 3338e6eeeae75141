package crawler

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
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

// queueContributions queues the figures of the software a repository carries
// (itself and its apps: an app of a repository that holds several gets the whole
// repository's figures), and of the software that shares its history (forks
// and upstreams), when its commit graph was read again or a software has none
// for this month.
func (c *Crawler) queueContributions(ctx context.Context, run int64, repoURL string, graphRead bool) error {
	if c.contribs == nil {
		return nil
	}
	repo, err := c.repos.Repository(ctx, repoURL)
	if err != nil {
		return err
	}
	carried, err := c.carried(ctx, repo)
	if err != nil {
		return err
	}
	ids := map[string]bool{}
	for _, id := range carried {
		due, err := c.contributionsDue(ctx, id, graphRead)
		if err != nil {
			return err
		}
		ids[id] = ids[id] || due
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
	for id, due := range ids {
		if due {
			if err := c.enqueueContributions(ctx, run, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// carried are the software a repository's commit graph counts for: the one it
// carries and those of its apps.
func (c *Crawler) carried(ctx context.Context, repo catalogue.Repository) ([]string, error) {
	var ids []string
	if repo.SoftwareID != "" {
		ids = append(ids, repo.SoftwareID)
	}
	files, ok := c.repos.(repositoryFiles)
	if !ok {
		return ids, nil
	}
	known, err := files.RepositoryFiles(ctx, []string{repo.URL})
	if err != nil {
		return nil, err
	}
	self, _ := catalogue.CanonicalURL(repo.URL)
	for _, f := range known[repo.URL] {
		if f.Entry == "" || f.Entry == self {
			continue
		}
		app, err := c.repos.Repository(ctx, f.Entry)
		if catalogueNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if app.SoftwareID != "" && app.Status != catalogue.StatusGone && !slices.Contains(ids, app.SoftwareID) {
			ids = append(ids, app.SoftwareID)
		}
	}
	return ids, nil
}

// contributionsDue reports whether a software's figures should be computed:
// its commit graph was read again, it has none for this month, or who counts
// for whom changed (counting turned off, a new contractor).
func (c *Crawler) contributionsDue(ctx context.Context, softwareID string, graphRead bool) (bool, error) {
	if graphRead {
		return true, nil
	}
	sw, err := c.repos.Software(ctx, softwareID)
	if catalogueNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	cur := sw.Contributions
	if cur == nil || cur.At.UTC().Format("2006-01") != c.opts.Now().UTC().Format("2006-01") {
		return true, nil
	}
	dir, err := c.directory(ctx)
	if err != nil {
		return false, err
	}
	return cur.Basis != dir.Digest(), nil
}

// enqueueContributions queues the computation of one software's figures.
func (c *Crawler) enqueueContributions(ctx context.Context, run int64, softwareID string) error {
	job := catalogue.NewJob{Kind: KindContrib, Key: fmt.Sprintf("%d:%s", run, softwareID), Group: runGroup(run),
		Payload: payload{Run: run, URL: softwareID}.encode()}
	n, err := c.queue.Enqueue(ctx, job)
	if err != nil || n > 0 {
		return err
	}
	// A job for it is waiting or running; a running one may have read the
	// ledger before this repository's entry was kept: compute once more.
	job.Key += ":again"
	_, err = c.queue.Enqueue(ctx, job)
	return err
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
// repositories (mirrors once; an app's are its repository's), without those
// its upstream has, classified by the directory of organisations.
func (c *Crawler) handleContrib(ctx context.Context, j catalogue.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	t0 := time.Now()
	set, holds, found, err := c.softwareCommits(ctx, p.Run, p.URL)
	if err != nil || !found {
		return err
	}
	dir, err := c.directory(ctx)
	if err != nil {
		return err
	}
	figures := contrib.Compute(set, dir, c.opts.Now())
	figures.Basis = dir.Digest()
	if holds > 1 {
		figures.Shared, figures.Holds = true, holds
	}
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

// softwareCommits gathers the commit set of a software, and how many software
// the most shared of its repositories holds; false when no ledger entry of its
// repositories is kept by this process.
func (c *Crawler) softwareCommits(ctx context.Context, run int64, softwareID string) (*contrib.Commits, int, bool, error) {
	repos, err := c.allRepositories(ctx, catalogue.RepositoryFilter{Software: softwareID})
	if err != nil {
		return nil, 0, false, err
	}
	set := contrib.NewCommits()
	found, holds := false, 1
	var upstreams []catalogue.Repository
	seen := map[string]bool{} // repositories read, and root commits looked up
	for _, r := range repos {
		if r.Status == catalogue.StatusGone || r.Role == catalogue.RoleFork {
			continue
		}
		src, err := c.commitSource(ctx, r)
		if err != nil {
			return nil, 0, false, err
		}
		if seen[src.URL] {
			continue
		}
		seen[src.URL] = true
		e, ok := c.ledgerEntry(ctx, run, src)
		if !ok {
			continue
		}
		found = true
		set.Add(e)
		carried, err := c.carried(ctx, src)
		if err != nil {
			return nil, 0, false, err
		}
		holds = max(holds, len(carried))
		ups, err := c.upstreamsOf(ctx, src, softwareID, seen)
		if err != nil {
			return nil, 0, false, err
		}
		upstreams = append(upstreams, ups...)
	}
	for _, u := range upstreams {
		if e, ok := c.ledgerEntry(ctx, run, u); ok {
			set.Remove(e)
		}
	}
	return set, holds, found, nil
}

// commitSource is the repository whose commit graph r shows: an app entry's is
// its repository's, any other repository's its own.
func (c *Crawler) commitSource(ctx context.Context, r catalogue.Repository) (catalogue.Repository, error) {
	files, ok := c.repos.(repositoryFiles)
	if !ok {
		return r, nil
	}
	parent, found, err := files.AppParent(ctx, r.URL)
	if err != nil || !found {
		return r, err
	}
	p, err := c.repos.Repository(ctx, parent)
	if catalogueNotFound(err) {
		return r, nil
	}
	return p, err
}

// upstreamsOf are the repositories of other software that share src's history
// and are its upstream (their commits count for them, not for softwareID);
// src's own apps are not. Each root commit is looked up once (seen).
func (c *Crawler) upstreamsOf(ctx context.Context, src catalogue.Repository, softwareID string, seen map[string]bool) ([]catalogue.Repository, error) {
	if src.RootCommit == "" || seen["root "+src.RootCommit] {
		return nil, nil
	}
	seen["root "+src.RootCommit] = true
	copies, err := c.allRepositories(ctx, catalogue.RepositoryFilter{RootCommit: src.RootCommit})
	if err != nil {
		return nil, err
	}
	var out []catalogue.Repository
	for _, o := range copies {
		if o.SoftwareID == "" || o.SoftwareID == softwareID || o.Status == catalogue.StatusGone {
			continue
		}
		osrc, err := c.commitSource(ctx, o)
		if err != nil {
			return nil, err
		}
		if !sameRepo(osrc.URL, src.URL) && isUpstream(osrc, src) {
			out = append(out, osrc)
		}
	}
	return out, nil
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
