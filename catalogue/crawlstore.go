package catalogue

import (
	"context"
	"time"
)

// Discovered is a repository as a publisher's code hosting listed it.
type Discovered struct {
	URL string
	// FromForge is true when a forge's listing described it; a plain URL from the
	// publishers list leaves the forge's flags as they were.
	FromForge bool
	// Archived, Fork and Upstream are what the forge said (a fork on the forge is
	// recorded as such; the model's fork and mirror rule is applied on its file).
	Archived bool
	Fork     bool
	Upstream string
	// Description and Topics are the forge's, for the repository's code entry.
	Description string
	Topics      []string
}

// RepoCrawl is one entry of a repository's crawl history. The catalogue keeps the
// last HistoryLength of them per repository.
type RepoCrawl struct {
	RunID    int64      `json:"run"`
	At       time.Time  `json:"at"`
	Status   RepoStatus `json:"status"`
	Reason   string     `json:"reason,omitempty"`
	Head     string     `json:"head,omitempty"`
	Errors   int        `json:"errors"`
	Warnings int        `json:"warnings"`
}

// HistoryLength is how many crawls of a repository are kept.
const HistoryLength = 20

// Media is a file a publiccode.yml references (logo, screenshot), kept by the
// catalogue so that the site serves it without hot-linking. Identified by the
// SHA-256 of its content.
type Media struct {
	Hash        string `json:"hash"`
	ContentType string `json:"contentType"`
	Data        []byte `json:"-"`
}

// MediaRef is a stored file and where the publiccode.yml named it.
type MediaRef struct {
	Role string `json:"role"` // "logo" or "screenshot"
	Path string `json:"path"`
	Hash string `json:"hash"`
}

// HostingFailure is a code-hosting entry that could not be listed in a run. Its
// publisher's repositories are not counted as missing from that run.
type HostingFailure struct {
	Publisher string `json:"publisher"`
	URL       string `json:"url"`
	Error     string `json:"error"`
}

// CrawlStore is what the crawler needs of the catalogue beyond the Store: the job
// queue, what it knew of a repository, crawl runs that survive a kill, and a cache
// of forge listings.
type CrawlStore interface {
	Store
	JobQueue

	// Repository returns what the catalogue keeps about the repository at url.
	Repository(ctx context.Context, url string) (Repository, error)
	// ListRepository records that publisherID's code hosting listed d in run: it
	// registers the repository, notes that this run saw it and keeps the forge's
	// metadata. It reports false, doing nothing, for a blocked URL.
	ListRepository(ctx context.Context, run int64, publisherID string, d Discovered) (bool, error)

	// BeginCrawlRun starts a run; a run already going (unfinished) is returned
	// instead, with started false, so that two crawls never overlap and a killed
	// crawl is resumed.
	BeginCrawlRun(ctx context.Context, trigger string) (run CrawlRun, started bool, err error)
	// ActiveCrawlRun is the unfinished run, or ErrNotFound.
	ActiveCrawlRun(ctx context.Context) (CrawlRun, error)
	CrawlRun(ctx context.Context, id int64) (CrawlRun, error)
	// Crawled reports whether run already has a result for the repository at url.
	Crawled(ctx context.Context, run int64, url string) (bool, error)
	RecordHostingFailure(ctx context.Context, run int64, f HostingFailure) error
	// SweepUnlisted applies the gone rule to the repositories run did not see
	// (their hosting no longer lists them, or left the publishers list), except
	// those of publishers whose hosting failed to list in run: each counts a failed
	// crawl, and is marked gone after goneAfter consecutive ones.
	SweepUnlisted(ctx context.Context, run int64, goneAfter int) (int, error)

	// VerifyCodeHosting marks a site-added code-hosting entry verified (see JoinStore).
	VerifyCodeHosting(ctx context.Context, a Actor, publisher, url, how string) error

	ForgePage(ctx context.Context, url string) (etag string, body []byte, ok bool, err error)
	PutForgePage(ctx context.Context, url, etag string, body []byte) error
}

// Moderator lets an operator hide what should not be listed and block URLs from
// being crawled. Every decision carries a reason, kept across crawls and shown to
// the publisher.
type Moderator interface {
	// HideRepository stops a repository from listing software (it is still
	// crawled, so its publisher sees its findings).
	HideRepository(ctx context.Context, url, reason string) error
	UnhideRepository(ctx context.Context, url string) error
	// HideSoftware takes a software entry out of the catalogue, whatever its
	// repositories say.
	HideSoftware(ctx context.Context, id, reason string) error
	UnhideSoftware(ctx context.Context, id string) error
	// Block stops a URL from being crawled; a repository at it is hidden too.
	Block(ctx context.Context, url, reason string) error
	Unblock(ctx context.Context, url string) error
	Blocklist(ctx context.Context) ([]BlockedURL, error)
}

// BlockedURL is a URL the operator blocked, and why.
type BlockedURL struct {
	URL    string    `json:"url"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}
