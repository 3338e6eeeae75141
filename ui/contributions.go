package ui

import (
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// contributorItem is one organisation's share of a software's commits, as the
// API and the change feed show it: the last 12 months and all the history
// fetched. Authors under 3 are written "1–2".
type contributorItem struct {
	Kind       catalogue.ContributorKind `json:"kind"`
	Publisher  string                    `json:"publisher,omitempty"`
	Name       string                    `json:"name"`
	Commits12m int                       `json:"commits12m"`
	Authors12m catalogue.AuthorCount     `json:"authors12m"`
	Commits    int                       `json:"commits"`
	Authors    catalogue.AuthorCount     `json:"authors"`
	LastCommit string                    `json:"lastCommit,omitempty"`
}

// contributionsItem is how the figures were made, and their months (each
// month's commits and authors in the order of contributors).
type contributionsItem struct {
	Commits    int                           `json:"commits"`
	Commits12m int                           `json:"commits12m"`
	Truncated  bool                          `json:"truncated,omitempty"`
	Shared     bool                          `json:"shared,omitempty"`
	Holds      int                           `json:"holds,omitempty"`
	ComputedAt string                        `json:"computedAt"`
	Months     []catalogue.ContributionMonth `json:"months"`
}

// evidenceItem backs a co-develops record with the administration's commits.
type evidenceItem struct {
	Commits12m int    `json:"commits12m"`
	LastCommit string `json:"lastCommit,omitempty"`
}

// contributorItems are the figures of a software; empty before they are computed.
func contributorItems(c *catalogue.Contributions) ([]contributorItem, *contributionsItem) {
	out := []contributorItem{}
	if c == nil {
		return out, nil
	}
	for _, x := range c.Contributors {
		it := contributorItem{Kind: x.Kind, Publisher: x.Publisher, Name: x.Name, Commits12m: x.Commits12m, Authors12m: x.Authors12m,
			Commits: x.Commits, Authors: x.Authors}
		if !x.LastCommit.IsZero() {
			it.LastCommit = x.LastCommit.UTC().Format(time.RFC3339)
		}
		out = append(out, it)
	}
	months := c.Months
	if months == nil {
		months = []catalogue.ContributionMonth{}
	}
	return out, &contributionsItem{Commits: c.Commits, Commits12m: c.Commits12m, Truncated: c.Truncated, Shared: c.Shared, Holds: c.Holds,
		ComputedAt: c.At.UTC().Format(time.RFC3339), Months: months}
}

// evidenceFor is a co-develops record's evidence: the administration's commits,
// when it has any. Other kinds of record get none.
func evidenceFor(c *catalogue.Contributions, kind catalogue.JoinKind, publisher string) *evidenceItem {
	if kind != catalogue.JoinCoDevelops {
		return nil
	}
	x, ok := c.Of(publisher)
	if !ok || x.Commits == 0 {
		return nil
	}
	ev := &evidenceItem{Commits12m: x.Commits12m}
	if !x.LastCommit.IsZero() {
		ev.LastCommit = x.LastCommit.UTC().Format(time.RFC3339)
	}
	return ev
}
