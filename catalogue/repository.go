package catalogue

import (
	"time"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// RepoStatus is the outcome of a repository's latest crawl.
type RepoStatus string

// Repository statuses. Pending means discovered but not crawled yet.
const (
	StatusPending      RepoStatus = "pending"
	StatusNew          RepoStatus = "new"
	StatusUpdated      RepoStatus = "updated"
	StatusUnchanged    RepoStatus = "unchanged"
	StatusInvalid      RepoStatus = "invalid"
	StatusNoPubliccode RepoStatus = "no-publiccode"
	StatusFork         RepoStatus = "fork"
	StatusMirror       RepoStatus = "mirror"
	StatusSkipped      RepoStatus = "skipped"
	StatusOverCap      RepoStatus = "over-cap"
	StatusGone         RepoStatus = "gone"
	StatusFailed       RepoStatus = "failed"
)

// RepoRole is what a repository is to the software its publiccode.yml names.
type RepoRole string

// Repository roles, by the model's rule: a file whose url is this repository's URL
// makes it the origin; a url naming another repository crawled here makes it a
// technical fork; a url naming a repository not crawled here makes it a mirror.
const (
	RoleNone   RepoRole = ""
	RoleOrigin RepoRole = "origin"
	RoleMirror RepoRole = "mirror"
	RoleFork   RepoRole = "fork"
)

// Repository is a crawled git URL, with what its latest crawl found. Publishers
// and repositories are many-to-many: two administrations may list one repository.
type Repository struct {
	ID         int64      `json:"-"`
	URL        string     `json:"url"`
	Publishers []string   `json:"publishers"`
	SoftwareID string     `json:"software,omitempty"`
	Role       RepoRole   `json:"role,omitempty"`
	Status     RepoStatus `json:"status"`
	// Reason says why a crawl failed or found nothing, in words a maintainer can act on.
	Reason        string               `json:"reason,omitempty"`
	Path          string               `json:"path,omitempty"`
	Head          string               `json:"head,omitempty"`
	Findings      []publiccode.Finding `json:"findings,omitempty"`
	Raw           string               `json:"-"`
	LastCrawledAt *time.Time           `json:"lastCrawledAt,omitempty"`
	CreatedAt     time.Time            `json:"createdAt"`

	// Archived, ForgeFork and Upstream are what the forge's listing said.
	Archived  bool   `json:"archived,omitempty"`
	ForgeFork bool   `json:"forgeFork,omitempty"`
	Upstream  string `json:"upstream,omitempty"`
	// Failures counts consecutive failed crawls; at the configured number the
	// repository is marked gone (hidden from search, not deleted) until it comes back.
	Failures int `json:"failures,omitempty"`
	// HiddenReason, when set, is why an operator hid the repository;
	// SoftwareHiddenReason why an operator hid the software it carries.
	HiddenReason         string `json:"hiddenReason,omitempty"`
	SoftwareHiddenReason string `json:"softwareHiddenReason,omitempty"`
	// RootCommit is the first commit of its history; repositories that share it
	// are copies of one project.
	RootCommit string `json:"rootCommit,omitempty"`
	TagsDigest string `json:"-"`
	// Branch is the default branch its last crawl read (empty before one).
	Branch   string     `json:"-"`
	Activity *Activity  `json:"activity,omitempty"`
	Media    []MediaRef `json:"media,omitempty"`
	// Bytes is what its last fetch transferred; ReadAt when its files were last
	// read (an unmoved head is not read again until a recheck is due).
	Bytes  int64      `json:"bytes,omitempty"`
	ReadAt *time.Time `json:"readAt,omitempty"`
	// CodeVersion is the CodeFactsVersion of the code facts stored for it (0:
	// none), so that a crawl reads older ones again.
	CodeVersion int `json:"-"`
}

// CrawlResult is what crawling one repository produced. The store applies it in one
// transaction, together with the change-log entries it causes.
type CrawlResult struct {
	RunID   int64
	RepoURL string
	Head    string
	// Branch is the default branch Head is of; empty leaves what the catalogue had.
	Branch string
	// Outcome is StatusFailed, StatusOverCap, StatusSkipped or StatusNoPubliccode
	// when no file was read, StatusUnchanged when the head had not moved since the
	// last successful crawl (nothing was fetched: the catalogue keeps what it had),
	// and empty when a file was read.
	Outcome RepoStatus
	Reason  string
	// GoneAfter is how many consecutive failures mark the repository gone (0: never).
	GoneAfter int
	// Activity, RootCommit and TagsDigest come from the commit graph; nil and
	// empty leave what the catalogue had.
	Activity   *Activity
	RootCommit string
	TagsDigest string
	// Media are the logo and screenshots the file referenced, read from the tree.
	Media []MediaFile
	Bytes int64
	// Path, Raw and Doc describe the publiccode file when one was read.
	Path     string
	Raw      []byte
	File     *publiccode.File
	Findings []publiccode.Finding
	// Code is what the tree showed when it has no publiccode file
	// (StatusNoPubliccode): the repository's code entry.
	Code *CodeFacts
}

// MediaFile is a referenced file read during a crawl.
type MediaFile struct {
	MediaRef
	ContentType string
	Data        []byte
}
