package crawler

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler/activity"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

// publiccodeNames are the file names read at the root, in order of preference.
var publiccodeNames = []string{"publiccode.yml", "publiccode.yaml"}

// handleRepo crawls one repository and records the result. Problems of the
// repository are results; only the store's failures fail the job (and retry it).
func (c *Crawler) handleRepo(ctx context.Context, j catalogue.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	// An app of a repository is crawled with its repository.
	if p.URL, err = c.parentOf(ctx, p.URL); err != nil {
		return err
	}
	if done, err := c.runs.Crawled(ctx, p.Run, p.URL); err != nil || done {
		return err // already recorded by an earlier attempt that was cut short
	}
	prev, err := c.repos.Repository(ctx, p.URL)
	if err != nil && !catalogueNotFound(err) {
		return err
	}
	t0 := time.Now()
	var res catalogue.CrawlResult
	var apps *appScan
	listed := true
	if !webScheme(p.URL) {
		if listed, err = c.operatorListed(ctx, p.URL, prev.Publishers); err != nil {
			return err
		}
	}
	if listed {
		rctx, cancel := context.WithTimeout(ctx, c.opts.Fetch.Timeout)
		res, apps = c.crawl(rctx, p.URL, prev)
		cancel()
	} else {
		res = catalogue.CrawlResult{RepoURL: p.URL, Outcome: catalogue.StatusSkipped, Reason: reasonSchemeRefused}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	res.RunID, res.GoneAfter = p.Run, c.opts.GoneAfter
	status, err := c.repos.ApplyCrawl(ctx, res)
	if err != nil {
		return err
	}
	if err := c.applyApps(ctx, p.Run, prev, res, status, apps); err != nil {
		return err
	}
	if err := c.queueContributions(ctx, p.Run, p.URL, res.Activity != nil); err != nil {
		return err
	}
	c.report(p.URL, status, res.Reason, len(res.Findings), time.Since(t0))
	if m := c.opts.Metrics; m != nil {
		m.bytes.Add(float64(res.Bytes))
		m.duration.Observe(time.Since(t0).Seconds())
	}
	return nil
}

// report logs one line per repository and tells the observers.
func (c *Crawler) report(repoURL string, status catalogue.RepoStatus, reason string, findings int, d time.Duration) {
	attrs := []any{"repository", gitfetch.Redact(repoURL), "status", status, "duration", d.Round(time.Millisecond)}
	if reason != "" {
		attrs = append(attrs, "reason", reason)
	}
	if findings > 0 {
		attrs = append(attrs, "findings", findings)
	}
	if c.opts.Quiet {
		c.log.Debug("crawled", attrs...)
	} else {
		c.log.Info("crawled", attrs...)
	}
	if c.opts.Metrics != nil {
		c.opts.Metrics.repos.WithLabelValues(string(status)).Inc()
	}
	if c.opts.OnRepository != nil {
		c.opts.OnRepository(repoURL, status)
	}
}

// succeeded are the statuses after which an unmoved head needs no fetch.
var succeeded = map[catalogue.RepoStatus]bool{
	catalogue.StatusNew: true, catalogue.StatusUpdated: true, catalogue.StatusUnchanged: true, catalogue.StatusInvalid: true,
	catalogue.StatusNoPubliccode: true, catalogue.StatusFork: true, catalogue.StatusMirror: true, catalogue.StatusOverCap: true,
	catalogue.StatusSkipped: true,
}

// crawl fetches what it needs of one repository: its refs, then, when its head
// moved, the head's trees and the blobs read, and the commit graph. It returns
// the subfolders' publiccode files too when the files were read.
func (c *Crawler) crawl(ctx context.Context, repoURL string, prev catalogue.Repository) (catalogue.CrawlResult, *appScan) {
	res := catalogue.CrawlResult{RepoURL: repoURL}
	remote, err := c.fetch.Refs(ctx, repoURL)
	if err != nil {
		return c.failed(res, timedOut(ctx, err), repoURL), nil
	}
	res.Head, res.Branch = remote.Head.String(), remote.Branch
	now := c.opts.Now()
	if prev.Head == res.Head && succeeded[prev.Status] && !c.recheckDue(prev, now) && !codeStale(prev) {
		res.Outcome = catalogue.StatusUnchanged
		stale := prev.Activity == nil || prev.Activity.At.UTC().Format("2006-01") != now.UTC().Format("2006-01")
		if prev.TagsDigest != remote.TagsDigest() || stale || c.needsLedger(ctx, prev) {
			c.history(ctx, remote, &res, now, nil)
		}
		return res, nil
	}
	snap, err := c.fetch.Snapshot(ctx, remote)
	if err != nil {
		res = c.failed(res, timedOut(ctx, err), repoURL)
		if res.Outcome == catalogue.StatusOverCap {
			c.history(ctx, remote, &res, now, nil) // the commit graph has its own cap
		}
		return res, nil
	}
	defer snap.Close()
	err = c.read(snap, &res)
	var apps *appScan
	if err == nil && (res.Outcome == "" || res.Outcome == catalogue.StatusNoPubliccode) {
		apps = c.readApps(snap, repoURL, &res)
		err = snap.Err()
	}
	if err != nil {
		// A file that could not be fetched says nothing about the repository's
		// files: fail it with the reason rather than report findings on them.
		res = c.failed(catalogue.CrawlResult{RepoURL: repoURL, Head: res.Head}, timedOut(ctx, err), repoURL)
		if res.Outcome == catalogue.StatusOverCap {
			c.history(ctx, remote, &res, now, nil)
		}
		return res, nil
	}
	if res.Outcome == catalogue.StatusNoPubliccode {
		c.readCode(snap, &res)
	}
	c.history(ctx, remote, &res, now, snap)
	releaseOf(&res)
	res.Bytes = remote.Bytes()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && res.Outcome == "" && res.File == nil {
		return c.failed(res, ctx.Err(), repoURL), nil
	}
	return res, apps
}

// recheckDue reports whether an unmoved head's files should be read again: the
// validator may have changed since. Repositories over the cap are not retried.
func (c *Crawler) recheckDue(prev catalogue.Repository, now time.Time) bool {
	if c.opts.RecheckAfter < 0 || prev.Status == catalogue.StatusOverCap || prev.Status == catalogue.StatusSkipped {
		return false
	}
	return prev.ReadAt == nil || now.Sub(*prev.ReadAt) > c.opts.RecheckAfter
}

// timedOut marks err as the repository's timeout when ctx's deadline passed:
// go-git does not always wrap the context's error.
func timedOut(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		return errors.Join(err, ctx.Err())
	}
	return err
}

// failed turns a fetch error into a result: over the cap, empty, or failed.
func (c *Crawler) failed(res catalogue.CrawlResult, err error, repoURL string) catalogue.CrawlResult {
	switch {
	case errors.Is(err, gitfetch.ErrEmpty):
		res.Outcome, res.Reason = catalogue.StatusSkipped, "the repository is empty"
	case errors.Is(err, gitfetch.ErrOverCap):
		res.Outcome, res.Reason = catalogue.StatusOverCap, gitfetch.RedactError(err, repoURL)+": raise --repo-max-bytes to crawl it"
	case errors.Is(err, context.DeadlineExceeded):
		res.Outcome, res.Reason = catalogue.StatusFailed, "the repository took longer than the time allowed (--repo-timeout)"
	default:
		// The public reason is neutral; the error, which may carry the
		// server's own words or the network's details, is for the log.
		res.Outcome, res.Reason = catalogue.StatusFailed, gitfetch.PublicReason(err)
		c.log.Warn("fetch failed", "repository", gitfetch.Redact(repoURL), "err", gitfetch.RedactError(err, repoURL))
	}
	return res
}

// history adds activity from the commit graph. Its failure costs the activity
// only: the files were read.
func (c *Crawler) history(ctx context.Context, remote *gitfetch.Remote, res *catalogue.CrawlResult, now time.Time, base *gitfetch.Snapshot) {
	h, err := c.fetch.History(ctx, remote, activity.Since(now), base)
	if err != nil {
		c.log.Warn("activity not measured", "repository", gitfetch.Redact(remote.URL), "err", gitfetch.RedactError(err, remote.URL))
		return
	}
	res.Activity = activity.Compute(h, now)
	res.TagsDigest = remote.TagsDigest()
	if c.contribs != nil {
		t0 := time.Now()
		if err := c.ledger.Put(res.RepoURL, h); err != nil {
			c.log.Warn("commit ledger not kept", "repository", gitfetch.Redact(remote.URL), "err", err)
		}
		c.contribNanos.Add(int64(time.Since(t0)))
	}
	if len(h.Roots) > 0 {
		res.RootCommit = h.Roots[0].String()
	}
}

// read finds, reads and validates the publiccode file, and the media it names.
// It fails when files could not be fetched from the server (snap.Err).
func (c *Crawler) read(snap *gitfetch.Snapshot, res *catalogue.CrawlResult) error {
	limits := c.opts.Limits
	maxBytes := int64(limits.MaxBytes)
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	if err := snap.Prefetch(publiccodeNames...); err != nil {
		return err
	}
	for _, name := range publiccodeNames {
		data, err := snap.ReadFile(name, maxBytes+1)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if errors.Is(err, gitfetch.ErrOverCap) {
			res.Outcome, res.Reason = catalogue.StatusOverCap, err.Error()
			return nil
		}
		if ferr := snap.Err(); ferr != nil {
			return ferr
		}
		res.Path = name
		if err != nil {
			c.log.Warn("publiccode file unreadable", "repository", gitfetch.Redact(res.RepoURL), "err", gitfetch.RedactError(err, res.RepoURL))
			reason := name + " could not be read: " + gitfetch.PublicReason(err)
			res.Findings = []publiccode.Finding{{Severity: publiccode.SeverityError, Code: "unreadable", Message: reason}}
			res.Reason = reason
			return nil
		}
		if err := c.check(snap, ".", data, res); err != nil {
			return err
		}
		return snap.Err()
	}
	res.Outcome = catalogue.StatusNoPubliccode
	res.Reason = "no publiccode.yml (or publiccode.yaml) at the root of the default branch"
	if snap.Branch != "" {
		res.Reason = "no publiccode.yml (or publiccode.yaml) at the root of branch " + snap.Branch
	}
	return nil
}

// check validates data, the publiccode file of folder ("." for the root),
// against the repository's tree, and reads the media it names. Relative paths in
// it resolve from its folder and never leave the repository. It fails when the
// files it names could not be fetched (the check is still made).
func (c *Crawler) check(snap *gitfetch.Snapshot, folder string, data []byte, res *catalogue.CrawlResult) error {
	var err error
	if doc := publiccode.Read(data, c.opts.Limits); doc.File != nil {
		// One request for the files the validator and media need.
		err = snap.Prefetch(referenced(folder, doc.File)...)
	}
	doc := publiccode.Check(data, publiccode.Options{Limits: c.opts.Limits, Files: snap.FS(), Folder: folder})
	res.Raw, res.File, res.Findings = data, doc.File, doc.Findings
	if doc.File != nil {
		res.Media = c.media(snap, folder, doc.File)
	}
	return err
}

// referenced are the repository's files a publiccode file of folder names.
func referenced(folder string, f *publiccode.File) []string {
	var out []string
	add := func(rel string) {
		if p, ok := publiccode.ResolvePath(folder, rel); ok {
			out = append(out, p)
		}
	}
	add(f.Logo)
	add(f.Legal.AuthorsFile)
	for _, lang := range f.Languages {
		for _, s := range f.Description[lang].Screenshots {
			add(s)
		}
	}
	return out
}

// mediaTypes are the image formats kept, by extension.
var mediaTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp",
}

// maxScreenshots bounds how many screenshots are stored per repository.
const maxScreenshots = 8

// media reads the logo and screenshots a publiccode file of folder names, up to
// MaxMediaBytes each: paths resolve from its folder (publiccode.ResolvePath),
// and neither they nor the links they follow leave the repository.
func (c *Crawler) media(snap *gitfetch.Snapshot, folder string, f *publiccode.File) []catalogue.MediaFile {
	var out []catalogue.MediaFile
	seen := map[string]bool{}
	take := func(role, rel string) {
		p, ok := publiccode.ResolvePath(folder, rel)
		if !ok || seen[p] {
			return
		}
		seen[p] = true
		ct, ok := mediaTypes[strings.ToLower(path.Ext(p))]
		if !ok {
			return
		}
		data, err := snap.ReadFile(p, c.opts.MaxMediaBytes)
		if err != nil || int64(len(data)) >= c.opts.MaxMediaBytes {
			return
		}
		out = append(out, catalogue.MediaFile{MediaRef: catalogue.MediaRef{Role: role, Path: p}, ContentType: ct, Data: data})
	}
	take("logo", f.Logo)
	n := 0
	for _, lang := range f.Languages {
		for _, s := range f.Description[lang].Screenshots {
			if n < maxScreenshots {
				take("screenshot", s)
				n++
			}
		}
	}
	return out
}
