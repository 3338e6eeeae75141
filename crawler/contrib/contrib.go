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
	t := &tally{dir: dir, since: activity.Since(now), byOrg: map[catalogue.Org]*orgTally{}, classified: map[string]catalogue.Org{}}
	people := make([]string, 0, 4)
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
		if len(people) > 0 {
			t.count(c.When.UTC(), people)
		}
	}
	return t.figures(set.Truncated, now)
}

// tally is Compute's running count.
type tally struct {
	dir                 *catalogue.OrgDirectory
	since               time.Time
	byOrg               map[catalogue.Org]*orgTally
	classified          map[string]catalogue.Org
	counted, counted12m int
	orgs                []catalogue.Org // the current commit's, reused
}

// count adds one commit, made at when by people (none a bot).
func (t *tally) count(when time.Time, people []string) {
	t.counted++
	month := when.Format("2006-01")
	recent := !when.Before(t.since)
	if recent {
		t.counted12m++
	}
	t.orgs = t.orgs[:0]
	for _, p := range people {
		o, ok := t.classified[p]
		if !ok {
			o = t.dir.Classify(p)
			t.classified[p] = o
		}
		ot := t.byOrg[o]
		if ot == nil {
			ot = &orgTally{org: o, authors: map[string]bool{}, authors12m: map[string]bool{}, months: map[string]*monthTally{}}
			t.byOrg[o] = ot
		}
		m := ot.months[month]
		if m == nil {
			m = &monthTally{authors: map[string]bool{}}
			ot.months[month] = m
		}
		ot.authors[p], m.authors[p] = true, true
		if recent {
			ot.authors12m[p] = true
		}
		if slices.Contains(t.orgs, o) {
			continue
		}
		t.orgs = append(t.orgs, o)
		ot.commits++
		m.commits++
		if recent {
			ot.commits12m++
		}
		if when.After(ot.last) {
			ot.last = when
		}
	}
}

// figures are the tally's aggregates: organisations by their commits in the
// last 12 months, then in all, and the months with a commit, oldest first.
func (t *tally) figures(truncated bool, now time.Time) *catalogue.Contributions {
	list := make([]*orgTally, 0, len(t.byOrg))
	for _, ot := range t.byOrg {
		list = append(list, ot)
	}
	slices.SortFunc(list, func(a, b *orgTally) int {
		return cmp.Or(cmp.Compare(b.commits12m, a.commits12m), cmp.Compare(b.commits, a.commits),
			cmp.Compare(a.org.Name, b.org.Name), cmp.Compare(a.org.Publisher, b.org.Publisher))
	})
	out := &catalogue.Contributions{Contributors: []catalogue.Contributor{}, Months: []catalogue.ContributionMonth{},
		Commits: t.counted, Commits12m: t.counted12m, Truncated: truncated, At: now}
	monthSet := map[string]bool{}
	for _, ot := range list {
		out.Contributors = append(out.Contributors, catalogue.Contributor{Kind: ot.org.Kind, Publisher: ot.org.Publisher, Name: ot.org.Name,
			Commits12m: ot.commits12m, Authors12m: catalogue.AuthorCount(len(ot.authors12m)), Commits: ot.commits,
			Authors: catalogue.AuthorCount(len(ot.authors)), LastCommit: ot.last})
		for m := range ot.months {
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
		for i, ot := range list {
			if x := ot.months[m]; x != nil {
				cm.Commits[i], cm.Authors[i] = x.commits, catalogue.AuthorCount(len(x.authors))
			}
		}
		out.Months = append(out.Months, cm)
	}
	return out
}
