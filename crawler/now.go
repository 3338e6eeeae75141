package crawler

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/forge"
)

// KindVerifyHosting checks whether a forge vouches that a code-hosting entry
// added on the site belongs to its administration.
const KindVerifyHosting catalogue.JobKind = "hosting.verify"

// currentRun is the run that work queued now belongs to: the active run, so that
// it waits for it, or 0 (no run) when none is going.
func (c *Crawler) currentRun(ctx context.Context) (int64, string, error) {
	run, err := c.runs.ActiveCrawlRun(ctx)
	if catalogueNotFound(err) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	return run.ID, runGroup(run.ID), nil
}

// CrawlNow queues the crawl of one repository ahead of every waiting crawl
// ("crawl now"): its result shows on the publisher's page as soon as it is done.
func (c *Crawler) CrawlNow(ctx context.Context, repoURL string) error {
	repoURL, err := c.parentOf(ctx, repoURL) // an app is crawled with its repository
	if err != nil {
		return err
	}
	key, err := catalogue.CanonicalURL(repoURL)
	if err != nil {
		return err
	}
	run, group, err := c.currentRun(ctx)
	if err != nil {
		return err
	}
	_, err = c.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindRepo, Key: key, Group: group, First: true,
		Payload: payload{Run: run, URL: repoURL}.encode(), Concurrency: forge.HostOf(repoURL)})
	if err != nil {
		return fmt.Errorf("crawl %s now: %w", repoURL, err)
	}
	return nil
}

// CrawlPublisherNow queues, ahead of every waiting crawl, the listing of each of
// a publisher's code-hosting entries and the crawl of each repository it has.
func (c *Crawler) CrawlPublisherNow(ctx context.Context, publisherID string) error {
	pub, err := c.repos.Publisher(ctx, publisherID)
	if err != nil {
		return err
	}
	run, group, err := c.currentRun(ctx)
	if err != nil {
		return err
	}
	for _, h := range pub.CodeHosting {
		if !h.Group {
			if err := c.CrawlNow(ctx, h.URL); err != nil {
				return err
			}
			continue
		}
		typ := h.Type
		if typ == "" {
			typ = inferType(h.URL)
		}
		if _, err := c.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindDiscover, Key: fmt.Sprintf("%d %s %s", run, pub.ID, h.URL), Group: group, First: true,
			Payload: payload{Run: run, Publisher: pub.ID, URL: h.URL, Group: true, Type: string(typ)}.encode(), MaxAttempts: discoverAttempts,
			Concurrency: forge.HostOf(h.URL)}); err != nil {
			return err
		}
	}
	for page := (catalogue.Page{Size: 1000}); ; {
		repos, next, err := c.repos.Repositories(ctx, catalogue.RepositoryFilter{Publisher: pub.ID}, page)
		if err != nil {
			return err
		}
		for _, r := range repos {
			if err := c.CrawlNow(ctx, r.URL); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		page.After = next
	}
}

// QueueVerifyHosting queues the forge check of a site-added entry.
func (c *Crawler) QueueVerifyHosting(ctx context.Context, publisherID, url string) error {
	_, err := c.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindVerifyHosting, Key: publisherID + " " + url, MaxAttempts: 3,
		Payload: payload{Publisher: publisherID, URL: url}.encode(), Concurrency: forge.HostOf(url)})
	return err
}

// handleVerifyHosting applies the forge-domain rule: an organisation the forge
// marks verified, whose website or e-mail domain is one of the administration's
// e-mail domains (or under one), belongs to it.
func (c *Crawler) handleVerifyHosting(ctx context.Context, j catalogue.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	pub, err := c.repos.Publisher(ctx, p.Publisher)
	if catalogueNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var h *catalogue.CodeHosting
	for i := range pub.CodeHosting {
		if pub.CodeHosting[i].URL == p.URL {
			h = &pub.CodeHosting[i]
		}
	}
	if h == nil || h.Trusted() || !h.Group {
		return nil
	}
	typ := h.Type
	if typ == "" {
		typ = inferType(h.URL)
	}
	if typ != catalogue.HostingGitHub {
		return nil // only GitHub says which organisations verified a domain
	}
	org, err := forge.GitHub{Client: c.client}.Organisation(ctx, h.URL)
	if err != nil {
		if permanent(err) {
			c.log.Info("code hosting not verified by its forge", "publisher", pub.ID, "url", h.URL, "err", err)
			return nil
		}
		return err
	}
	if !org.Verified {
		return nil
	}
	domains := pub.AllDomains()
	for _, d := range org.Domains {
		if slices.ContainsFunc(domains, func(own string) bool { return d == own || strings.HasSuffix(d, "."+own) }) {
			c.log.Info("code hosting verified by its forge's verified domain", "publisher", pub.ID, "url", h.URL, "domain", d)
			return c.repos.VerifyCodeHosting(ctx, catalogue.System, pub.ID, h.URL, catalogue.VerifiedByForgeDomain)
		}
	}
	return nil
}
