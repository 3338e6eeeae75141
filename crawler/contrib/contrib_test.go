package contrib

import (
	"fmt"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

func hash(i int) gitfetch.Hash {
	var h gitfetch.Hash
	copy(h[:], fmt.Sprintf("%020d", i))
	return h
}

func TestCompute_CountsEachCommitOncePerOrganisation(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	dir := catalogue.NewOrgDirectory([]catalogue.Publisher{{ID: "a", Name: "A", EmailDomains: []string{"a.example"}}}, nil)
	repo := Entry{Commits: []gitfetch.CommitInfo{
		{Hash: hash(1), Author: "x@a.example", When: now.AddDate(0, -1, 0), CoAuthors: []string{"y@a.example", "z@gmail.com"}},
		{Hash: hash(2), Author: "bot@x.example", Bot: true, When: now},                                     // a bot's only: not counted
		{Hash: hash(3), Author: "bot@x.example", Bot: true, When: now, CoAuthors: []string{"x@a.example"}}, // its co-author counts
		{Hash: hash(4), Author: "w@uni.example", When: now.AddDate(-2, 0, 0)},
	}}
	mirror := Entry{Commits: repo.Commits[:2]}
	upstream := Entry{Commits: []gitfetch.CommitInfo{repo.Commits[3]}}
	set := NewCommits()
	set.Add(repo)
	set.Add(mirror) // adds nothing
	set.Remove(upstream)
	c := Compute(set, dir, now)
	if c.Commits != 2 || c.Commits12m != 2 || len(c.Contributors) != 2 {
		t.Fatalf("figures %+v", c)
	}
	a, ind := c.Contributors[0], c.Contributors[1]
	if a.Publisher != "a" || a.Commits != 2 || a.Authors != 2 || ind.Kind != catalogue.KindIndividuals || ind.Commits != 1 {
		t.Errorf("contributors %+v", c.Contributors)
	}
	if len(c.Months) != 2 || c.Months[0].Month != "2026-11" || c.Months[1].Commits[0] != 1 {
		t.Errorf("months %+v", c.Months)
	}
}

// BenchmarkCompute measures the aggregation of a large history: 100,000
// commits by 500 authors of 20 organisations.
func BenchmarkCompute(b *testing.B) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var pubs []catalogue.Publisher
	for i := range 20 {
		pubs = append(pubs, catalogue.Publisher{ID: fmt.Sprint("p", i), Name: fmt.Sprint("P", i), EmailDomains: []string{fmt.Sprintf("p%d.example", i)}})
	}
	dir := catalogue.NewOrgDirectory(pubs, nil)
	e := Entry{}
	for i := range 100_000 {
		e.Commits = append(e.Commits, gitfetch.CommitInfo{Hash: hash(i), Author: fmt.Sprintf("dev%d@p%d.example", i%500, i%20),
			When: now.Add(-time.Duration(i) * time.Hour)})
	}
	set := NewCommits()
	set.Add(e)
	for b.Loop() {
		Compute(set, dir, now)
	}
}
