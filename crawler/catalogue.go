package crawler

import (
	"context"

	"github.com/oscat-eu/oscat/catalogue"
)

// Catalogue is what New needs of the catalogue: the store that plays the
// crawler's four roles. It is wider than 15 methods because one store plays
// them all and New takes it once; the Crawler keeps each role in a field of its
// own (crawlRuns, repoCatalogue, the job queue, forgePages), and each part of
// the crawl sees only its role.
type Catalogue interface {
	crawlRuns
	repoCatalogue
	catalogue.JobQueue
	forgePages
}

// crawlRuns keeps crawl runs that survive a kill.
type crawlRuns interface {
	// BeginCrawlRun starts a run; a run already going (unfinished) is returned
	// instead, with started false, so that two crawls never overlap and a killed
	// crawl is resumed.
	BeginCrawlRun(ctx context.Context, trigger string) (run catalogue.CrawlRun, started bool, err error)
	// ActiveCrawlRun is the unfinished run, or catalogue.ErrNotFound.
	ActiveCrawlRun(ctx context.Context) (catalogue.CrawlRun, error)
	CrawlRun(ctx context.Context, id int64) (catalogue.CrawlRun, error)
	FinishCrawlRun(ctx context.Context, id int64) (catalogue.CrawlRun, error)
	// Crawled reports whether run already has a result for the repository at url.
	Crawled(ctx context.Context, run int64, url string) (bool, error)
	RecordHostingFailure(ctx context.Context, run int64, f catalogue.HostingFailure) error
	// SweepUnlisted applies the gone rule to the repositories run did not see
	// (their hosting no longer lists them, or left the publishers list), except
	// those of publishers whose hosting failed to list in run: each counts a failed
	// crawl, and is marked gone after goneAfter consecutive ones.
	SweepUnlisted(ctx context.Context, run int64, goneAfter int) (int, error)
}

// repoCatalogue is the publishers, repositories and software a crawl reads and
// writes.
type repoCatalogue interface {
	Publisher(ctx context.Context, id string) (catalogue.Publisher, error)
	Publishers(ctx context.Context, page catalogue.Page) ([]catalogue.Publisher, string, error)
	Repositories(ctx context.Context, f catalogue.RepositoryFilter, page catalogue.Page) ([]catalogue.Repository, string, error)
	// Repository returns what the catalogue keeps about the repository at url.
	Repository(ctx context.Context, url string) (catalogue.Repository, error)
	// ListRepository records that publisherID's code hosting listed d in run: it
	// registers the repository, notes that this run saw it and keeps the forge's
	// metadata. It reports false, doing nothing, for a blocked URL.
	ListRepository(ctx context.Context, run int64, publisherID string, d catalogue.Discovered) (bool, error)
	// ApplyCrawl stores one repository's crawl result, lists, updates or hides the
	// software it carries, and returns the status it recorded.
	ApplyCrawl(ctx context.Context, r catalogue.CrawlResult) (catalogue.RepoStatus, error)
	Software(ctx context.Context, id string) (catalogue.Software, error)
	// VerifyCodeHosting marks a site-added code-hosting entry verified.
	VerifyCodeHosting(ctx context.Context, a catalogue.Actor, publisher, url, how string) error
}
