package crawler

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

// Defaults of the search for publiccode files in subfolders.
const (
	DefaultPubliccodeDepth = 3
	DefaultPubliccodeFiles = 20
)

// skippedFolders are never searched for publiccode files: tests, fixtures,
// examples and vendored code hold other projects' files (the reference
// validator's repositories are full of them). Dot-folders are skipped too.
var skippedFolders = map[string]bool{"test": true, "tests": true, "testdata": true, "fixtures": true,
	"examples": true, "example": true, "vendor": true, "node_modules": true}

func skipFolder(name string) bool { return skippedFolders[name] || strings.HasPrefix(name, ".") }

// repositoryFiles is what the monorepo rules need of the store beyond the
// Catalogue: the files each repository held at its last read.
type repositoryFiles interface {
	SetRepositoryFiles(ctx context.Context, repoURL string, files []catalogue.RepoFile) ([]catalogue.RepoFile, error)
	RepositoryFiles(ctx context.Context, urls []string) (map[string][]catalogue.RepoFile, error)
	AppParent(ctx context.Context, entryURL string) (string, bool, error)
}

// appFile is a publiccode file of a subfolder, read and checked.
type appFile struct {
	res catalogue.CrawlResult
	// softwareURL is the canonical URL of the software it describes (to tell
	// files of one software apart); duplicate is set when a shallower file
	// describes the same.
	softwareURL string
	duplicate   bool
}

// appScan is what a read found in subfolders; nil when the files were not read.
type appScan struct {
	apps []appFile
}

// readApps finds and reads the publiccode files of the repository's subfolders
// and applies the identity rules: each with a url of its own is a software of its
// own, carried by an entry whose URL is the app's address (the file's url when it
// names a folder of this repository, the folder's address otherwise); files of
// one repository that describe the same software are one, the shallowest wins.
func (c *Crawler) readApps(snap *gitfetch.Snapshot, repoURL string, root *catalogue.CrawlResult) *appScan {
	scan := &appScan{}
	if c.opts.PubliccodeDepth < 0 {
		return scan
	}
	paths, err := snap.FindFiles(gitfetch.FindOptions{Names: publiccodeNames, MaxDepth: c.opts.PubliccodeDepth, MaxCount: c.opts.PubliccodeFiles, Skip: skipFolder})
	if err != nil {
		c.log.Warn("subfolders not searched for publiccode files", "repository", gitfetch.Redact(repoURL), "err", err)
	}
	repo, _ := catalogue.CanonicalURL(repoURL)
	seen := map[string]string{} // software URL → the file that describes it
	if root.File != nil {
		_, sw := catalogue.RoleOf(repoURL, root.File.URL, func(string) bool { return false })
		seen[sw] = root.Path
	}
	typ := inferType(repoURL)
	for _, p := range paths {
		folder := path.Dir(p)
		res := c.readApp(snap, p)
		app := appFile{res: res}
		entry := catalogue.AppURL(repo, typ, snap.Branch, folder)
		sw := entry
		if res.File != nil && res.File.URL != "" {
			if u, err := catalogue.CanonicalURL(res.File.URL); err == nil {
				if other, _, ok := catalogue.SplitAppURL(u); ok && other == repo {
					entry, sw = u, u // the app's own address
				} else {
					sw = u
				}
			}
		}
		app.softwareURL = sw
		app.res.RepoURL = entry
		if first, ok := seen[sw]; ok {
			app.duplicate = true
			app.res.Reason = "another file of this repository describes the same software: " + first
		} else {
			seen[sw] = p
		}
		scan.apps = append(scan.apps, app)
	}
	if root.Outcome == catalogue.StatusNoPubliccode && len(scan.apps) > 0 {
		root.Reason = fmt.Sprintf("no publiccode.yml at the root; %d in subfolders, each listed as an app of this repository", len(scan.apps))
	}
	return scan
}

// readApp reads and checks one subfolder's file. Relative paths in it (logo,
// screenshots, authors file) resolve from its folder, never outside the repository.
func (c *Crawler) readApp(snap *gitfetch.Snapshot, p string) catalogue.CrawlResult {
	res := catalogue.CrawlResult{Head: snap.Head.String(), Path: p}
	limits := c.opts.Limits
	maxBytes := int64(limits.MaxBytes)
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	data, err := snap.ReadFile(p, maxBytes+1)
	if err != nil {
		res.Findings = []publiccode.Finding{{Severity: publiccode.SeverityError, Code: "unreadable", Message: err.Error()}}
		res.Reason = err.Error()
		return res
	}
	_ = c.check(snap, path.Dir(p), data, &res) // what could not be fetched is reported missing
	return res
}

// applyApps records a repository's apps after its own result: each app's entry
// is listed for the repository's publishers and gets its result (an unmoved head
// keeps them as they were), and the repository's files are recorded with their
// outcomes. An app whose file is gone is no longer listed.
func (c *Crawler) applyApps(ctx context.Context, run int64, prev catalogue.Repository, res catalogue.CrawlResult, status catalogue.RepoStatus, scan *appScan) error {
	files, ok := c.repos.(repositoryFiles)
	if !ok {
		return nil
	}
	repoURL := res.RepoURL
	list := func(entry string) error {
		for _, pub := range prev.Publishers {
			if _, err := c.repos.ListRepository(ctx, run, pub, catalogue.Discovered{URL: entry}); err != nil {
				return err
			}
		}
		return nil
	}
	if scan == nil {
		if res.Outcome != catalogue.StatusUnchanged {
			return nil // not read: the apps stay as they were, and follow the repository's gone rule
		}
		known, err := files.RepositoryFiles(ctx, []string{repoURL})
		if err != nil {
			return err
		}
		repo, _ := catalogue.CanonicalURL(repoURL)
		for _, f := range known[repoURL] {
			if f.Entry == "" || f.Entry == repo {
				continue
			}
			if err := list(f.Entry); err != nil {
				return err
			}
			if _, err := c.repos.ApplyCrawl(ctx, catalogue.CrawlResult{RunID: run, RepoURL: f.Entry, Head: res.Head, Outcome: catalogue.StatusUnchanged,
				Activity: res.Activity, GoneAfter: c.opts.GoneAfter}); err != nil {
				return err
			}
		}
		return nil
	}
	repo, _ := catalogue.CanonicalURL(repoURL)
	var now []catalogue.RepoFile
	if res.Path != "" {
		now = append(now, catalogue.RepoFile{Path: res.Path, Entry: repo, Outcome: status})
	}
	entries := map[string]bool{}
	for _, app := range scan.apps {
		if app.duplicate {
			now = append(now, catalogue.RepoFile{Path: app.res.Path, Outcome: catalogue.StatusDuplicate, Reason: app.res.Reason})
			continue
		}
		r := app.res
		r.RunID, r.GoneAfter, r.Activity, r.RootCommit = run, c.opts.GoneAfter, res.Activity, res.RootCommit
		if err := list(r.RepoURL); err != nil {
			return err
		}
		st, err := c.repos.ApplyCrawl(ctx, r)
		if err != nil {
			return err
		}
		entry, _ := catalogue.CanonicalURL(r.RepoURL)
		entries[entry] = true
		now = append(now, catalogue.RepoFile{Path: r.Path, Entry: entry, Outcome: st, Reason: r.Reason})
		c.report(r.RepoURL, st, r.Reason, len(r.Findings), 0)
	}
	before, err := files.SetRepositoryFiles(ctx, repoURL, now)
	if err != nil {
		return err
	}
	for _, f := range before {
		if f.Entry == "" || f.Entry == repo || entries[f.Entry] {
			continue
		}
		if _, err := c.repos.ApplyCrawl(ctx, catalogue.CrawlResult{RunID: run, RepoURL: f.Entry, Head: res.Head, Outcome: catalogue.StatusNoPubliccode,
			Reason: fmt.Sprintf("%s is no longer in %s", f.Path, gitfetch.Redact(repoURL))}); err != nil {
			return err
		}
	}
	return nil
}

// parentOf is the repository to crawl for url: the repository an app entry
// belongs to, or url itself.
func (c *Crawler) parentOf(ctx context.Context, url string) (string, error) {
	files, ok := c.repos.(repositoryFiles)
	if !ok {
		return url, nil
	}
	parent, found, err := files.AppParent(ctx, url)
	if err != nil {
		return "", err
	}
	if !found {
		return url, nil
	}
	return parent, nil
}
