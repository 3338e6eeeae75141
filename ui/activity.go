package ui

import (
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// activityPage is a repository's activity as the software page shows it: the
// chart of the last 12 months, the score with its terms, and the releases.
type activityPage struct {
	Chart      chart
	Score      float64
	Commits    int
	Authors    int
	LastCommit *time.Time
	Terms      []scoreTerm
	Formula    string
	Releases   []catalogue.Release
	// Truncated says that older months may be undercounted.
	Truncated bool
	Depth     int
	At        time.Time
}

// scoreTerm is one term of the activity score, named in the visitor's language.
type scoreTerm struct {
	catalogue.ScoreComponent
	Label, Measure string
}

func activityView(l localiser, a *catalogue.Activity) activityPage {
	months := make([]monthCount, 0, len(a.Months))
	for _, m := range a.Months {
		months = append(months, monthCount{Month: m.Month, Commits: m.Commits, Authors: m.Authors})
	}
	v := activityPage{Chart: newChart(months), Score: a.Score, Commits: a.Commits, Authors: a.Authors, LastCommit: a.LastCommit,
		Formula: a.Formula, Releases: a.Releases, Truncated: a.Truncated, Depth: a.Depth, At: a.At}
	for _, c := range a.Breakdown {
		t := scoreTerm{ScoreComponent: c, Label: c.Name, Measure: fmtNumber(c.Value)}
		key := "ui.score." + c.Name
		if l.b.Has(l.Lang, key) || l.b.Has("en", key) {
			t.Label = l.T(key)
			t.Measure = l.T(key+".measure", "value", fmtNumber(c.Value))
		}
		v.Terms = append(v.Terms, t)
	}
	return v
}
