package activity

import (
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

func TestCompute_CountsPerMonthAndExplainsTheScore(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	h := &gitfetch.History{
		Commits: []gitfetch.CommitInfo{
			{Author: "ada@example.org", When: now.Add(-24 * time.Hour)},
			{Author: "bob@example.org", When: now.Add(-48 * time.Hour)},
			{Author: "ada@example.org", When: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)},
			{Author: "old@example.org", When: time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC)}, // before the window
		},
		LastCommit: now.Add(-24 * time.Hour),
		Tags:       []gitfetch.Tag{{Name: "v2", When: now.AddDate(0, -1, 0)}, {Name: "v1", When: now.AddDate(-2, 0, 0)}},
	}
	a := Compute(h, now)
	if len(a.Months) != 12 || a.Months[0].Month != "2025-12" || a.Months[11].Month != "2026-11" {
		t.Fatalf("months %+v", a.Months)
	}
	if a.Months[11].Commits != 2 || a.Months[11].Authors != 2 || a.Months[3].Commits != 1 {
		t.Errorf("November %+v, March %+v", a.Months[11], a.Months[3])
	}
	if a.Commits != 3 || a.Authors != 2 || a.ReleasesLastYear != 1 || len(a.Releases) != 2 {
		t.Errorf("commits %d authors %d releases %d/%d", a.Commits, a.Authors, a.ReleasesLastYear, len(a.Releases))
	}
	sum := 0.0
	for _, c := range a.Breakdown {
		if c.Points < 0 || c.Points > c.Max || c.Rule == "" {
			t.Errorf("component %+v", c)
		}
		sum += c.Points
	}
	if a.Score <= 0 || a.Score > 100 || round1(sum) != a.Score {
		t.Errorf("score %v, breakdown sums to %v", a.Score, sum)
	}

	busy := &gitfetch.History{LastCommit: now}
	for m := range 12 {
		for i := range 20 {
			busy.Commits = append(busy.Commits, gitfetch.CommitInfo{Author: string(rune('a' + i%12)), When: Since(now).AddDate(0, m, 1)})
		}
	}
	for q := range 4 {
		busy.Tags = append(busy.Tags, gitfetch.Tag{Name: "v", When: now.AddDate(0, -3*q, -1)})
	}
	if got := Compute(busy, now).Score; got != 100 {
		t.Errorf("a fully active repository scores %v, want 100", got)
	}
	if got := Compute(&gitfetch.History{}, now).Score; got != 0 {
		t.Errorf("an idle repository scores %v, want 0", got)
	}
}
