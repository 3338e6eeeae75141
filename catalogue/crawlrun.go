package catalogue

import "time"

// CrawlRun is one pass of the crawler over the repositories it discovered.
type CrawlRun struct {
	ID int64 `json:"id"`
	// Trigger says what started it: "cli" (oscat crawl) or "schedule" (oscat serve).
	Trigger    string             `json:"trigger,omitempty"`
	StartedAt  time.Time          `json:"startedAt"`
	FinishedAt *time.Time         `json:"finishedAt,omitempty"`
	Counts     map[RepoStatus]int `json:"counts"`
	// Listed is the number of repositories whose software is listed after the run.
	Listed int `json:"listed"`
	// HostingFailures are the code-hosting entries that could not be listed.
	HostingFailures []HostingFailure `json:"hostingFailures,omitempty"`
}

// Seen is the number of repositories the run handled.
func (r CrawlRun) Seen() int {
	n := 0
	for _, c := range r.Counts {
		n += c
	}
	return n
}
