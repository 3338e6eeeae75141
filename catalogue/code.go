package catalogue

import (
	"context"
	"fmt"
	"time"
)

// ChangeCode is the change-log type of code entries. The search index follows
// it; the change feed, federation, DCAT-AP and the Developers Italia API never
// publish it (a code entry is not software).
const ChangeCode ChangeType = "code"

// CodeFactsVersion is the version of what a crawl reads of a repository without
// a publiccode.yml. A repository whose stored facts are older is read again at
// its next crawl even when its head has not moved, so that every code entry gets
// the fields added since.
const CodeFactsVersion = 1

// CodeEntry is a crawled repository without a publiccode.yml, findable as a
// second tier beside the software: what the repository itself shows. Its ID is
// the repository's. The crawler writes it (through ApplyCrawl); it ends when the
// repository gains a publiccode.yml, and is then described by SoftwareID.
type CodeEntry struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Description and Topics are what the forge's listing said.
	Description string   `json:"description"`
	Topics      []string `json:"topics"`
	// Readme is the README's first paragraph, as plain text.
	Readme string `json:"readme"`
	// License is the SPDX expression the licence files show, empty when no
	// licence could be recognised (nothing is guessed).
	License     string `json:"license"`
	LicenseFile string `json:"licenseFile,omitempty"`
	// ProgrammingLanguages are the languages of the tree, most files first.
	ProgrammingLanguages []string   `json:"programmingLanguages"`
	Publishers           []string   `json:"publishers"`
	Archived             bool       `json:"archived"`
	LastCommitAt         *time.Time `json:"lastCommitAt,omitempty"`
	Activity             *Activity  `json:"activity,omitempty"`
	// Release is the newest tag, with its date, when there is one; Logo is the
	// path of a logo file at a conventional place; Platforms are those the tree
	// shows for certain (see CodeFacts).
	Release   *Release  `json:"release,omitempty"`
	Logo      string    `json:"logo,omitempty"`
	Platforms []string  `json:"platforms,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// CodeFacts is what a crawl read from a repository that has no publiccode.yml,
// beyond its activity. Every field is evidence from the tree: empty when the tree
// does not show it.
type CodeFacts struct {
	Readme               string
	License              string
	LicenseFile          string
	ProgrammingLanguages []string
	LastCommitAt         time.Time
	Release              *Release
	Logo                 string
	Platforms            []string
}

// DescribedError says that a code entry ended because its repository gained a
// publiccode.yml: the software SoftwareID describes it now.
type DescribedError struct {
	CodeID     string
	SoftwareID string
}

func (e *DescribedError) Error() string {
	return fmt.Sprintf("code entry %s is described by software %s now", e.CodeID, e.SoftwareID)
}

// CodeReader reads the code entries.
type CodeReader interface {
	// CodeEntry returns a listed code entry; one whose repository now carries
	// listed software gives a *DescribedError, others ErrNotFound.
	CodeEntry(ctx context.Context, id string) (CodeEntry, error)
	// CodeEntriesByIDs returns the listed code entries among ids, in their order.
	CodeEntriesByIDs(ctx context.Context, ids []string) ([]CodeEntry, error)
	// ListCodeEntries pages through every listed code entry by ID; publisher
	// narrows it to that publisher's.
	ListCodeEntries(ctx context.Context, publisher string, page Page) ([]CodeEntry, string, error)
	// CodeEntryByURL returns the listed code entry of the repository at url.
	CodeEntryByURL(ctx context.Context, url string) (CodeEntry, error)
}
