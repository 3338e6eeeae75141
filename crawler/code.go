package crawler

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// ErrHasPubliccode is returned when drafting a publiccode.yml for a repository
// that has one: validate it instead.
var ErrHasPubliccode = errors.New("the repository already has a publiccode.yml at the root of its default branch: check it with the validator instead")

// Draft fetches a repository that the catalogue does not crawl, through the
// crawler's fetch (its address policy, size cap and time limit), and drafts
// its publiccode.yml from what the tree shows.
func (c *Crawler) Draft(ctx context.Context, repoURL string) (catalogue.Draft, error) {
	codefacts.Prepare()
	ctx, cancel := context.WithTimeout(ctx, c.opts.Fetch.Timeout)
	defer cancel()
	remote, err := c.fetch.Refs(ctx, repoURL)
	if err != nil {
		return catalogue.Draft{}, fmt.Errorf("draft %s: %w", gitfetch.Redact(repoURL), err)
	}
	snap, err := c.fetch.Snapshot(ctx, remote)
	if err != nil {
		return catalogue.Draft{}, fmt.Errorf("draft %s: %w", gitfetch.Redact(repoURL), err)
	}
	defer snap.Close()
	res := catalogue.CrawlResult{RepoURL: repoURL}
	c.read(snap, &res)
	if res.Outcome != catalogue.StatusNoPubliccode {
		if res.Outcome == catalogue.StatusOverCap {
			return catalogue.Draft{}, fmt.Errorf("draft %s: %s: %w", gitfetch.Redact(repoURL), res.Reason, gitfetch.ErrOverCap)
		}
		return catalogue.Draft{}, fmt.Errorf("draft %s: %w", gitfetch.Redact(repoURL), ErrHasPubliccode)
	}
	c.readCode(snap, &res)
	if res.Code == nil {
		return catalogue.Draft{}, fmt.Errorf("draft %s: the tree could not be read", gitfetch.Redact(repoURL))
	}
	c.history(ctx, remote, &res, c.opts.Now(), snap)
	releaseOf(&res)
	in := catalogue.DraftInput{Name: repositoryName(repoURL), URL: gitfetch.Redact(repoURL), Readme: res.Code.Readme, License: res.Code.License,
		LicenseFile: res.Code.LicenseFile, Logo: res.Code.Logo, Release: res.Code.Release, Platforms: res.Code.Platforms, Files: snap.FS()}
	return catalogue.MakeDraft(in), nil
}

// repositoryName is the last segment of a repository's URL, without ".git".
func repositoryName(rawURL string) string {
	p := strings.TrimSuffix(strings.TrimRight(rawURL, "/"), ".git")
	if i := strings.LastIndexAny(p, "/:"); i >= 0 {
		p = p[i+1:]
	}
	return p
}
