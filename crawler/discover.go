package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/forge"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// discoverAttempts is how often a code-hosting listing is tried before the run
// records it as failed (its publisher's repositories are then spared the gone
// rule for this run).
const discoverAttempts = 3

// handleStart queues a discover job for every group code-hosting entry of every
// publisher, and the crawl of every single repository.
func (c *Crawler) handleStart(ctx context.Context, j catalogue.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	var jobs []catalogue.NewJob
	for page := (catalogue.Page{Size: 1000}); ; {
		batch, next, err := c.repos.Publishers(ctx, page)
		if err != nil {
			return err
		}
		for _, pub := range batch {
			for _, h := range pub.CodeHosting {
				if !h.Group {
					// One repository: nothing to list, queue its crawl now.
					if err := c.found(ctx, payload{Run: p.Run, Publisher: pub.ID}, forge.Repo{CloneURL: h.URL}, false); err != nil {
						return err
					}
					continue
				}
				typ := h.Type
				if typ == "" {
					typ = inferType(h.URL)
				}
				jobs = append(jobs, catalogue.NewJob{
					Kind: KindDiscover, Key: fmt.Sprintf("%d %s %s", p.Run, pub.ID, h.URL), Group: runGroup(p.Run),
					Payload:     payload{Run: p.Run, Publisher: pub.ID, URL: h.URL, Group: h.Group, Type: string(typ)}.encode(),
					MaxAttempts: discoverAttempts, Concurrency: forge.HostOf(h.URL),
				})
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	for len(jobs) > 0 {
		n := min(len(jobs), 500)
		if _, err := c.queue.Enqueue(ctx, jobs[:n]...); err != nil {
			return err
		}
		jobs = jobs[n:]
	}
	return nil
}

// handleDiscover lists one code-hosting entry and queues its repositories, page
// by page, so that crawling starts before a long listing ends.
func (c *Crawler) handleDiscover(ctx context.Context, j catalogue.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	lister, ok := c.listers[catalogue.HostingType(p.Type)]
	if !ok {
		msg := fmt.Sprintf("listing %s groups is not supported: list its repositories one by one (group: false)", p.Type)
		if p.Type == "" || p.Type == string(catalogue.HostingGit) {
			msg = "cannot tell which forge this is: add type (github, gitlab, gitea, forgejo, bitbucket) to the entry"
		}
		return c.hostingFailed(ctx, p, errors.New(msg))
	}
	err = lister.List(ctx, p.URL, func(ctx context.Context, repos []forge.Repo) error {
		for _, r := range repos {
			if err := c.found(ctx, p, r, true); err != nil {
				return err
			}
		}
		return nil
	})
	var rl *forge.RateLimitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &rl) && j.Attempts < j.MaxAttempts:
		return &catalogue.RetryError{Err: err, At: rl.Until}
	case permanent(err) || j.Attempts >= j.MaxAttempts:
		return c.hostingFailed(ctx, p, err)
	}
	return err
}

// permanent tells listing errors that retrying cannot fix: a missing owner, a
// refused address, a client error other than rate limiting.
func permanent(err error) bool {
	var se *forge.StatusError
	if errors.As(err, &se) {
		return se.Status >= 400 && se.Status < 500 && se.Status != http.StatusTooManyRequests && se.Status != http.StatusRequestTimeout
	}
	return errors.Is(err, forge.ErrNotFound) || errors.Is(err, safehttp.ErrForbiddenAddress)
}

// hostingFailed records a listing that failed for good in this run.
func (c *Crawler) hostingFailed(ctx context.Context, p payload, err error) error {
	msg := gitfetch.RedactError(err, p.URL)
	c.log.Warn("code hosting could not be listed", "publisher", p.Publisher, "url", gitfetch.Redact(p.URL), "err", msg)
	var ue *url.Error
	if errors.As(err, &ue) || errors.Is(err, safehttp.ErrForbiddenAddress) {
		// A connection's failure: the public record says what kind, not the
		// resolver, address or route it names.
		msg = "the code hosting could not be listed: " + safehttp.Classify(err).Text
	}
	if p.Run == 0 {
		return nil // a "crawl now" outside any run: nothing to record it in
	}
	return c.runs.RecordHostingFailure(ctx, p.Run, catalogue.HostingFailure{Publisher: p.Publisher, URL: gitfetch.Redact(p.URL), Error: msg})
}

// found registers a listed repository and queues its crawl, unless the run
// already crawled it (a resumed run) or it is blocked. Private and empty
// repositories are recorded as skipped without fetching.
func (c *Crawler) found(ctx context.Context, p payload, r forge.Repo, fromForge bool) error {
	if r.CloneURL == "" {
		return nil
	}
	d := catalogue.Discovered{URL: r.CloneURL, FromForge: fromForge, Archived: r.Archived, Fork: r.Fork, Upstream: r.Parent,
		Description: r.Description, Topics: r.Topics}
	listed, err := c.repos.ListRepository(ctx, p.Run, p.Publisher, d)
	if errors.Is(err, catalogue.ErrInvalid) {
		c.log.Warn("repository URL refused", "publisher", p.Publisher, "url", gitfetch.Redact(r.CloneURL), "err", err)
		return nil
	}
	if err != nil || !listed {
		return err
	}
	done, err := c.runs.Crawled(ctx, p.Run, r.CloneURL)
	if err != nil || done {
		return err
	}
	if r.Private || r.Empty {
		reason := "the repository is private"
		if !r.Private {
			reason = "the repository is empty"
		}
		status, err := c.repos.ApplyCrawl(ctx, catalogue.CrawlResult{RunID: p.Run, RepoURL: r.CloneURL, Outcome: catalogue.StatusSkipped, Reason: reason})
		if err == nil {
			c.report(r.CloneURL, status, reason, 0, 0)
		}
		return err
	}
	key, _ := catalogue.CanonicalURL(r.CloneURL)
	_, err = c.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindRepo, Key: key, Group: runGroup(p.Run), First: p.First,
		Payload: payload{Run: p.Run, URL: r.CloneURL}.encode(), Concurrency: forge.HostOf(r.CloneURL)})
	return err
}

// inferType recognises well-known forges by their host.
func inferType(raw string) catalogue.HostingType {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Hostname()) {
	case "github.com":
		return catalogue.HostingGitHub
	case "gitlab.com", "framagit.org", "gitlab.gnome.org", "salsa.debian.org":
		return catalogue.HostingGitLab
	case "bitbucket.org":
		return catalogue.HostingBitbucket
	case "codeberg.org":
		return catalogue.HostingForgejo
	case "gitea.com":
		return catalogue.HostingGitea
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case strings.HasPrefix(host, "gitlab."):
		return catalogue.HostingGitLab
	case strings.HasPrefix(host, "gitea."):
		return catalogue.HostingGitea
	case strings.HasPrefix(host, "forgejo."):
		return catalogue.HostingForgejo
	}
	return ""
}
