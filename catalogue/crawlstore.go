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
