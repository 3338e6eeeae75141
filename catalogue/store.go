package catalogue

import "context"

// Page asks for one page of a list: at most Size items after the cursor After
// (empty for the first page).
type Page struct {
	After string
	Size  int
}

// RepositoryFilter narrows a list of repositories; zero fields match everything.
type RepositoryFilter struct {
	Publisher string
	Status    RepoStatus
	// Software matches the repositories a software entry lists: those carrying
	// it and those whose file names its URL (forks, gone ones).
	Software string
	// RootCommit finds copies of one project: repositories whose history starts
	// with the same commit.
	RootCommit string
}

// Store keeps the catalogue. It is the single source of truth: the search index,
// feeds and peers follow its change log. Every method that changes what a reader
// sees does so in one transaction that also appends to the change log.
//
// It has more than 15 methods because it is the contract of the catalogue's
// core, written down once for every implementation and its tests; no consumer
// depends on all of it (each declares the few methods it calls, such as
// search.Source or ui.CatalogSource).
type Store interface {
	// SyncPublishers makes the publishers and their "file" code hosting match the
	// publishers list. Publishers missing from the list are kept (they may hold
	// entries added on the site), but lose the hosting the file gave them.
	SyncPublishers(ctx context.Context, pubs []Publisher) error
	Publisher(ctx context.Context, id string) (Publisher, error)
	// PublishersByIDs returns the publishers among ids, whatever their status, in the order of ids.
	PublishersByIDs(ctx context.Context, ids []string) ([]Publisher, error)
	Publishers(ctx context.Context, page Page) ([]Publisher, string, error)

	// RegisterRepository records that publisherID lists the repository at url,
	// creating it with status pending when it is new.
	RegisterRepository(ctx context.Context, publisherID, url string) error
	Repositories(ctx context.Context, f RepositoryFilter, page Page) ([]Repository, string, error)

	StartCrawlRun(ctx context.Context) (CrawlRun, error)
	FinishCrawlRun(ctx context.Context, id int64) (CrawlRun, error)
	CrawlRuns(ctx context.Context, page Page) ([]CrawlRun, string, error)
	// ApplyCrawl stores one repository's crawl result, lists, updates or hides the
	// software it carries, and returns the status it recorded.
	ApplyCrawl(ctx context.Context, r CrawlResult) (RepoStatus, error)

	// Software returns a listed entry; hidden or unknown IDs give ErrNotFound.
	Software(ctx context.Context, id string) (Software, error)
	// SoftwareByIDs returns the listed entries among ids, in the order of ids.
	SoftwareByIDs(ctx context.Context, ids []string) ([]Software, error)
	// ListSoftware pages through every listed entry by ID; publisher narrows it to
	// the software that publisher's repositories carry.
	ListSoftware(ctx context.Context, publisher string, page Page) ([]Software, string, error)

	// Changes returns at most limit change-log entries with Seq > after, in order.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// ChangeHead is the sequence number of the latest change-log entry (0 if none).
	ChangeHead(ctx context.Context) (int64, error)

	// RepositoryHistory is the repository's last crawls, newest first (at most
	// HistoryLength).
	RepositoryHistory(ctx context.Context, url string) ([]RepoCrawl, error)
	// Media returns a stored logo or screenshot by its hash.
	Media(ctx context.Context, hash string) (Media, error)

	Ping(ctx context.Context) error
	Close() error
}
