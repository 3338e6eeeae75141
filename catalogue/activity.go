package catalogue

import "time"

// Activity is how alive a repository's default branch is, from its commit graph:
// what happened in each of the last 12 months, its releases, and a score from 0 to
// 100 with the breakdown that explains it. The crawler computes it (see package
// crawler/activity for the formula); the catalogue keeps it with the repository.
type Activity struct {
	// Months are the last 12 calendar months, oldest first, the current one last.
	Months     []MonthActivity `json:"months"`
	Commits    int             `json:"commits"`
	Authors    int             `json:"authors"`
	LastCommit *time.Time      `json:"lastCommit,omitempty"`
	// Releases are the newest tags (at most 20), newest first.
	Releases []Release `json:"releases"`
	// ReleasesLastYear counts the tags of the last 12 months.
	ReleasesLastYear int `json:"releasesLastYear"`
	// Truncated is true when only the last Depth commits were fetched (the forge
	// cannot filter), so older months may be undercounted.
	Truncated bool             `json:"truncated,omitempty"`
	Depth     int              `json:"depth,omitempty"`
	Score     float64          `json:"score"`
	Breakdown []ScoreComponent `json:"breakdown"`
	Formula   string           `json:"formula"`
	At        time.Time        `json:"computedAt"`
}

// MonthActivity is one month's commits and distinct authors.
type MonthActivity struct {
	Month   string `json:"month"` // "2026-05"
	Commits int    `json:"commits"`
	Authors int    `json:"authors"`
}

// Release is a tag and its date.
type Release struct {
	Name string    `json:"name"`
	Date time.Time `json:"date"`
}

// ScoreComponent is one term of the activity score: the measured value, the
// points it earned and the most it could.
type ScoreComponent struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Points float64 `json:"points"`
	Max    float64 `json:"max"`
	// Rule says how the value becomes points, in words.
	Rule string `json:"rule"`
}
