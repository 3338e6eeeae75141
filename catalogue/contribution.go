package catalogue

import (
	"fmt"
	"strconv"
	"time"
)

// ContributorKind is what kind of organisation a commit counts for.
type ContributorKind string

// Contributor kinds, by the e-mail domain of a commit's authors (see
// OrgDirectory.Classify).
const (
	KindAdministration ContributorKind = "administration"
	KindCompany        ContributorKind = "company"
	KindIndividuals    ContributorKind = "individuals"
	KindOther          ContributorKind = "other"
)

// Contributions is the collaboration evidence of a software: from the distinct
// commits of its repositories (mirrors counted once, a fork's commits that its
// upstream has counted for the upstream), per organisation, the commits and
// distinct authors of the last 12 months and of all the history fetched, and
// per month. Only these aggregates are kept: no author's name or address.
//
// The crawler computes it; a peer's copy travels with the software item and is
// shown with its origin, and our own crawl of the same software wins.
type Contributions struct {
	Contributors []Contributor `json:"contributors"`
	// Months are the months with a commit, oldest first.
	Months []ContributionMonth `json:"months"`
	// Commits and Commits12m are the distinct commits counted (in all and in the
	// last 12 months): a commit counts for each organisation among its authors,
	// so shares may add up to more than 100 %. Truncated is set when
	// a repository's history was fetched only to its last Depth commits.
	Commits    int  `json:"commits"`
	Commits12m int  `json:"commits12m"`
	Truncated  bool `json:"truncated,omitempty"`
	// Shared is set when a repository of the software carries other software
	// too: the figures are the whole repository's, which holds Holds software
	// (0 when a peer did not say).
	Shared bool      `json:"shared,omitempty"`
	Holds  int       `json:"holds,omitempty"`
	At     time.Time `json:"computedAt"`
	// Basis is the digest of the OrgDirectory the figures were computed with.
	Basis string `json:"basis,omitempty"`
}

// Contributor is one organisation's share of a software's commits. Publisher is
// our publisher ID for an administration.
type Contributor struct {
	Kind       ContributorKind `json:"kind"`
	Publisher  string          `json:"publisher,omitempty"`
	Name       string          `json:"name"`
	Commits12m int             `json:"commits12m"`
	Authors12m AuthorCount     `json:"authors12m"`
	Commits    int             `json:"commits"`
	Authors    AuthorCount     `json:"authors"`
	LastCommit time.Time       `json:"lastCommit"`
}

// Key identifies the organisation within one software's figures.
func (c Contributor) Key() string { return string(c.Kind) + ":" + c.Publisher + ":" + c.Name }

// ContributionMonth is one month's commits and distinct authors per organisation,
// in the order of Contributions.Contributors.
type ContributionMonth struct {
	Month   string        `json:"month"` // "2026-05"
	Commits []int         `json:"commits"`
	Authors []AuthorCount `json:"authors"`
}

// ContributingAdministrations counts the administrations with a commit in all
// the history fetched.
func (c *Contributions) ContributingAdministrations() int {
	if c == nil {
		return 0
	}
	n := 0
	for _, x := range c.Contributors {
		if x.Kind == KindAdministration && x.Commits > 0 {
			n++
		}
	}
	return n
}

// Of returns the figures of an administration, by publisher ID.
func (c *Contributions) Of(publisher string) (Contributor, bool) {
	if c == nil || publisher == "" {
		return Contributor{}, false
	}
	for _, x := range c.Contributors {
		if x.Kind == KindAdministration && x.Publisher == publisher {
			return x, true
		}
	}
	return Contributor{}, false
}

// MinShownAuthors is the smallest number of authors shown as a number: fewer
// are shown as "1–2", so that no single person can be singled out.
const MinShownAuthors = 3

// AuthorCount is a number of distinct authors. Under MinShownAuthors it is
// written (in JSON, in the store, to peers) as the string "1–2", and read back
// as 1, so that the exact small number never leaves the crawl.
type AuthorCount int

// MarshalJSON writes the number, or "1–2" for one or two.
func (n AuthorCount) MarshalJSON() ([]byte, error) {
	if n > 0 && n < MinShownAuthors {
		return []byte(`"1–2"`), nil
	}
	return []byte(strconv.Itoa(int(max(n, 0)))), nil
}

// UnmarshalJSON reads a number or "1–2".
func (n *AuthorCount) UnmarshalJSON(b []byte) error {
	if string(b) == `"1–2"` || string(b) == `"1-2"` {
		*n = 1
		return nil
	}
	v, err := strconv.Atoi(string(b))
	if err != nil || v < 0 {
		return fmt.Errorf("authors: want a number or \"1–2\", not %s", b)
	}
	*n = AuthorCount(v)
	return nil
}

// String is how the number is shown: "0", "1–2", or the number.
func (n AuthorCount) String() string { return AuthorBand(int(n)) }

// AuthorBand is how a number of authors is shown: "0", "1–2", or the number.
func AuthorBand(n int) string {
	switch {
	case n <= 0:
		return "0"
	case n < MinShownAuthors:
		return "1–2"
	}
	return strconv.Itoa(n)
}

// PublisherContribution is one software an administration has commits to.
type PublisherContribution struct {
	Software     string    `json:"software"`
	SoftwareName string    `json:"softwareName"`
	Commits12m   int       `json:"commits12m"`
	Commits      int       `json:"commits"`
	LastCommit   time.Time `json:"lastCommit"`
}
