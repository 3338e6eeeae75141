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
}

// CrawlResult is what crawling one repository produced. The store applies it in one
// transaction, together with the change-log entries it causes.
type CrawlResult struct {
	RunID   int64
	RepoURL string
	Head    string
	// Outcome is StatusFailed, StatusOverCap, StatusSkipped or StatusNoPubliccode
	// when no file was read, and empty when one was.
	Outcome RepoStatus
	Reason  string
	// Path, Raw and Doc describe the publiccode file when one was read.
	Path     string
	Raw      []byte
	File     *publiccode.File
	Findings []publiccode.Finding
}
