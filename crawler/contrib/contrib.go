// Package contrib turns the commit graphs of a software's repositories into its
// contribution figures: per organisation and month, commits and distinct
// authors. Authors' addresses are read from the git cache to classify and count
// them; only the aggregates leave this package.
package contrib

import (
	"cmp"
	"slices"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/activity"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

// Commits is a set of distinct commits, by hash: the union of a software's
// repositories (a mirror adds nothing), minus what its upstream has.
type Commits struct {
	byHash    map[gitfetch.Hash]gitfetch.CommitInfo
	Truncated bool
}

// NewCommits returns an empty set.
func NewCommits() *Commits { return &Commits{byHash: map[gitfetch.Hash]gitfetch.CommitInfo{}} }

// Add puts a repository's commits in the set, each once.
func (s *Commits) Add(e Entry) {
	s.Truncated = s.Truncated || e.Truncated
	for _, c := range e.Commits {
		if _, ok := s.byHash[c.Hash]; !ok {
			s.byHash[c.Hash] = c
		}
	}
}

// Remove takes out the commits another software's repository has (an upstream's).
func (s *Commits) Remove(e Entry) {
	for _, c := range e.Commits {
		delete(s.byHash, c.Hash)
	}
}

// Len is the number of distinct commits.
func (s *Commits) Len() int { return len(s.byHash) }

// orgTally is one organisation's running figures.
type orgTally struct {
	org                 catalogue.Org
	commits, commits12m int
	authors, authors12m map[string]bool
	last                time.Time
	months              map[string]*monthTally
}

type monthTally struct {
	commits int
	authors map[string]bool
}

// Compute builds the figures of a set of commits: each commit counts once for
// every organisation among its author and Co-authored-by co-authors (bots
// left out; a commit only bots made is not counted), "the last 12 months" being
// the 12 calendar months that end with now's, as for activity.
func Compute(set *Commits, dir *catalogue.OrgDirectory, now time.Time) *catalogue.Contributions {
	now = now.UTC()
	since := activity.Since(now)
	tallies := map[catalogue.Org]*orgTally{}
	classified := map[string]catalogue.Org{}
	counted, counted12m := 0, 0
	people := make([]string, 0, 4)
	orgs := make([]catalogue.Org, 0, 4)
	for _, c := range set.byHash {
		people = people[:0]
		if !c.Bot && c.Author != "" {
			people = append(people, c.Author)
		}
		for _, a := range c.CoAuthors {
			if !slices.Contains(people, a) {
				people = append(people, a)
			}
		}
		if len(people) == 0 {
			continue
		}
		counted++
		when := c.When.UTC()
		month := when.Format("2006-01")
		recent := !when.Before(since)
		if recent {
			counted12m++
		}
		orgs = orgs[:0]
		for _, p := range people {
			o, ok := classified[p]
			if !ok {
				o = dir.Classify(p)
				classified[p] = o
			}
			t := tallies[o]
			if t == nil {
				t = &orgTally{org: o, authors: map[string]bool{}, authors12m: map[string]bool{}, months: map[string]*monthTally{}}
				tallies[o] = t
			}
			m := t.months[month]
			if m == nil {
				m = &monthTally{authors: map[string]bool{}}
				t.months[month] = m
			}
			t.authors[p], m.authors[p] = true, true
			if recent {
				t.authors12m[p] = true
			}
			if !slices.Contains(orgs, o) {
				orgs = append(orgs, o)
				t.commits++
				m.commits++
				if recent {
					t.commits12m++
				}
				if when.After(t.last) {
					t.last = when
				}
			}
		}
	}
	list := make([]*orgTally, 0, len(tallies))
	for _, t := range tallies {
		list = append(list, t)
	}
	slices.SortFunc(list, func(a, b *orgTally) int {
		return cmp.Or(cmp.Compare(b.commits12m, a.commits12m), cmp.Compare(b.commits, a.commits),
			cmp.Compare(a.org.Name, b.org.Name), cmp.Compare(a.org.Publisher, b.org.Publisher))
	})
	out := &catalogue.Contributions{Contributors: []catalogue.Contributor{}, Months: []catalogue.ContributionMonth{},
		Commits: counted, Commits12m: counted12m, Truncated: set.Truncated, At: now}
	monthSet := map[string]bool{}
	for _, t := range list {
		out.Contributors = append(out.Contributors, catalogue.Contributor{Kind: t.org.Kind, Publisher: t.org.Publisher, Name: t.org.Name,
			Commits12m: t.commits12m, Authors12m: catalogue.AuthorCount(len(t.authors12m)), Commits: t.commits,
			Authors: catalogue.AuthorCount(len(t.authors)), LastCommit: t.last})
		for m := range t.months {
			monthSet[m] = true
		}
	}
	months := make([]string, 0, len(monthSet))
	for m := range monthSet {
		months = append(months, m)
	}
	slices.Sort(months)
	for _, m := range months {
		cm := catalogue.ContributionMonth{Month: m, Commits: make([]int, len(list)), Authors: make([]catalogue.AuthorCount, len(list))}
		for i, t := range list {
			if x := t.months[m]; x != nil {
				cm.Commits[i], cm.Authors[i] = x.commits, catalogue.AuthorCount(len(x.authors))
			}
		}
		out.Months = append(out.Months, cm)
	}
	return out
}
