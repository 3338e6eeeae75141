package crawler

import (
	"errors"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/codefacts"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

// codeStale reports whether a repository without a publiccode file must be
// read again although its head has not moved: its code facts are missing or
// older than this version's (a one-time re-read after an upgrade).
func codeStale(prev catalogue.Repository) bool {
	return prev.Status == catalogue.StatusNoPubliccode && prev.CodeVersion < catalogue.CodeFactsVersion
}

// readCode reads the code facts of a repository that has no publiccode file.
// The walk reads trees only; the README and licence files are fetched in one
// request.
func (c *Crawler) readCode(snap *gitfetch.Snapshot, res *catalogue.CrawlResult) {
	files, err := snap.Files(codefacts.MaxFiles)
	if err != nil && !errors.Is(err, gitfetch.ErrTooManyFiles) {
		c.log.Warn("code facts not read", "repository", gitfetch.Redact(res.RepoURL), "err", err)
		return
	}
	_ = snap.Prefetch(codefacts.Wanted(files)...)
	f := codefacts.Read(snap, files)
	f.LastCommitAt = snap.CommitTime().UTC()
	res.Code = &f
}

// releaseOf completes the code facts with the newest release the commit graph showed.
func releaseOf(res *catalogue.CrawlResult) {
	if res.Code != nil && res.Activity != nil && len(res.Activity.Releases) > 0 {
		r := res.Activity.Releases[0]
		res.Code.Release = &r
	}
}
