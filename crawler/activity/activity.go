// Package activity turns a repository's commit graph into the catalogue's
// activity record: commits and distinct authors per month over the last 12
// months, the last commit, releases, and a score.
//
// The score (0–100) adds five terms, each capped:
//
//	commits      30 × min(1, ln(1+c) / ln(1+120))   c = commits in the last 12 months
//	authors      25 × min(1, ln(1+a) / ln(1+10))    a = distinct authors in the last 12 months
//	regularity   20 × m / 12                         m = months of the 12 with a commit
//	recency      15 × max(0, 1 − d / 365)            d = days since the last commit
//	releases     10 × min(1, r / 4)                  r = tags dated in the last 12 months
//
// Logarithms keep a few busy months from dwarfing steady work; the caps say what
// "fully active" means for public-sector software (ten commits a month from ten
// people, a release a quarter). Each term is stored with its value and rule, so a
// maintainer can see why a score is what it is.
package activity

import (
	"math"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

// Formula names the formula above; change it when the formula changes.
const Formula = "oscat-activity-1"

// maxReleases is how many releases are kept.
const maxReleases = 20

// Since is the start of the window Compute looks at: the first day of the month
// eleven months before now's.
func Since(now time.Time) time.Time {
	now = now.UTC()
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
}

// Compute builds the activity record of a history fetched with Since(now).
func Compute(h *gitfetch.History, now time.Time) *catalogue.Activity {
	now = now.UTC()
	since := Since(now)
	a := &catalogue.Activity{Formula: Formula, At: now, Truncated: h.Truncated, Releases: []catalogue.Release{}}
	if h.Truncated {
		a.Depth = h.Depth
	}
	index := map[string]int{}
	authors := make([]map[string]bool, 12)
	for i := range 12 {
		m := since.AddDate(0, i, 0).Format("2006-01")
		index[m] = i
		a.Months = append(a.Months, catalogue.MonthActivity{Month: m})
		authors[i] = map[string]bool{}
	}
	all := map[string]bool{}
	for _, c := range h.Commits {
		i, ok := index[c.When.UTC().Format("2006-01")]
		if !ok {
			continue
		}
		a.Months[i].Commits++
		authors[i][c.Author] = true
		all[c.Author] = true
		a.Commits++
	}
	active := 0
	for i := range a.Months {
		a.Months[i].Authors = len(authors[i])
		if a.Months[i].Commits > 0 {
			active++
		}
	}
	a.Authors = len(all)
	if !h.LastCommit.IsZero() {
		t := h.LastCommit.UTC()
		a.LastCommit = &t
	}
	for _, t := range h.Tags {
		if len(a.Releases) < maxReleases {
			a.Releases = append(a.Releases, catalogue.Release{Name: t.Name, Date: t.When.UTC()})
		}
		if !t.When.Before(since) {
			a.ReleasesLastYear++
		}
	}
	a.Breakdown = score(a, active, now)
	for _, c := range a.Breakdown {
		a.Score += c.Points
	}
	a.Score = round1(a.Score)
	return a
}

func score(a *catalogue.Activity, activeMonths int, now time.Time) []catalogue.ScoreComponent {
	logCap := func(v, full float64) float64 { return math.Min(1, math.Log1p(v)/math.Log1p(full)) }
	days := 365.0
	if a.LastCommit != nil {
		days = math.Max(0, now.Sub(*a.LastCommit).Hours()/24)
	}
	return []catalogue.ScoreComponent{
		{Name: "commits", Value: float64(a.Commits), Max: 30, Points: round1(30 * logCap(float64(a.Commits), 120)),
			Rule: "30 × min(1, ln(1+commits in 12 months) / ln(121))"},
		{Name: "authors", Value: float64(a.Authors), Max: 25, Points: round1(25 * logCap(float64(a.Authors), 10)),
			Rule: "25 × min(1, ln(1+distinct authors in 12 months) / ln(11))"},
		{Name: "regularity", Value: float64(activeMonths), Max: 20, Points: round1(20 * float64(activeMonths) / 12),
			Rule: "20 × months with a commit / 12"},
		{Name: "recency", Value: round1(days), Max: 15, Points: round1(15 * math.Max(0, 1-days/365)),
			Rule: "15 × max(0, 1 − days since the last commit / 365)"},
		{Name: "releases", Value: float64(a.ReleasesLastYear), Max: 10, Points: round1(10 * math.Min(1, float64(a.ReleasesLastYear)/4)),
			Rule: "10 × min(1, releases in 12 months / 4)"},
	}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
