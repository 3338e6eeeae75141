package crawler

import (
	"context"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/forge"
)

// CrawlPushed queues, ahead of every waiting crawl, the crawl of a repository a
// forge says was pushed to. Unlike "crawl now" it runs outside any crawl run, so
// that a repository the running crawl has done already is crawled again; and
// when a crawl of it is under way (it may have read the refs before the push), a
// second one is queued after it, keyed by the pushed head.
func (c *Crawler) CrawlPushed(ctx context.Context, repoURL, head string) error {
	key, err := catalogue.CanonicalURL(repoURL)
	if err != nil {
		return err
	}
	job := catalogue.NewJob{Kind: KindRepo, Key: key, First: true, Payload: payload{URL: repoURL}.encode(), Concurrency: forge.HostOf(repoURL)}
	n, err := c.queue.Enqueue(ctx, job)
	if err == nil && n == 0 {
		job.Key = key + " after " + head
		_, err = c.queue.Enqueue(ctx, job)
	}
	if err != nil {
		return fmt.Errorf("crawl %s after a push: %w", repoURL, err)
	}
	return nil
}

// RefreshListing queues, ahead of every waiting crawl, the listing of one of a
// publisher's group entries, and then the crawl of what it finds new (a forge
// announced a repository the catalogue does not know yet).
func (c *Crawler) RefreshListing(ctx context.Context, publisherID string, h catalogue.CodeHosting) error {
	typ := h.Type
	if typ == "" {
		typ = inferType(h.URL)
	}
	run, group, err := c.currentRun(ctx)
	if err != nil {
		return err
	}
	if _, err := c.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindDiscover, Key: fmt.Sprintf("%d %s %s", run, publisherID, h.URL), Group: group, First: true,
		Payload:     payload{Run: run, Publisher: publisherID, URL: h.URL, Group: true, Type: string(typ), First: true}.encode(),
		MaxAttempts: discoverAttempts, Concurrency: forge.HostOf(h.URL)}); err != nil {
		return fmt.Errorf("refresh the listing of %s: %w", h.URL, err)
	}
	return nil
}

// InferType is the forge of a code-hosting URL when its host says so (github.com,
// gitlab.*, codeberg.org…), or empty.
func InferType(raw string) catalogue.HostingType { return inferType(raw) }
