package forge

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// CachedPage is what is kept of a listing page between crawls: its ETag and what
// it said, normalised (not the forge's whole body).
type CachedPage struct {
	ETag  string `json:"etag"`
	Repos []Repo `json:"repos"`
	Next  string `json:"next,omitempty"`
	// Missing remembers a 404 (a user asked for as an organisation) until At plus
	// a day, so that the fallback does not cost a request on every crawl.
	Missing bool      `json:"missing,omitempty"`
	At      time.Time `json:"at,omitempty"`
}

// missingFor is how long a 404 is believed.
const missingFor = 24 * time.Hour

// Cache keeps listing pages by URL, so that a page the forge says is unchanged
// (304 Not Modified) costs nothing against its rate limit.
type Cache interface {
	Get(ctx context.Context, url string) (CachedPage, bool, error)
	Put(ctx context.Context, url string, p CachedPage) error
}

// Observer is told about requests and rate-limit waits (for metrics).
type Observer interface {
	Request(host string, status int)
	RateLimitWait(host string, d time.Duration)
}

// Client makes a forge's API requests: with the host's token, conditionally when
// a cached page has an ETag, waiting out rate limits up to MaxWait.
type Client struct {
	HTTP *http.Client
	// Tokens maps a host (as in the URL, lower case) to its API token. Tokens are
	// sent only to their host and never logged.
	Tokens map[string]string
	// APIBase maps a host to its API's base URL when it is not the usual one (e.g.
	// "github.com" → "https://api.github.com", the default).
	APIBase map[string]string
	Cache   Cache
	// MaxWait is the longest wait for a rate limit inside a listing (default 1
	// minute); a longer one fails the listing with a *RateLimitError.
	MaxWait  time.Duration
	Observer Observer
	// MaxPages stops a listing that never ends (default 1,000 pages).
	MaxPages int

	mu      sync.Mutex
	blocked map[string]time.Time // host → rate limit reset seen on a response
}

// NewClient returns a client over the SSRF-safe HTTP client of policy.
func NewClient(policy safehttp.Policy) *Client {
	return &Client{HTTP: policy.Client()}
}

func (c *Client) maxPages() int {
	if c.MaxPages <= 0 {
		return 1000
	}
	return c.MaxPages
}

func (c *Client) maxWait() time.Duration {
	if c.MaxWait <= 0 {
		return time.Minute
	}
	return c.MaxWait
}

// apiBase is the API base for a host, from the configuration or def.
func (c *Client) apiBase(host, def string) string {
	if b, ok := c.APIBase[host]; ok && b != "" {
		return strings.TrimRight(b, "/")
	}
	return def
}

// page is one parsed listing page.
type page struct {
	repos []Repo
	next  string
}

// authScheme says how a forge wants its token: "Bearer" or "token".
type parseFunc func(body []byte, h http.Header) (page, error)

// get fetches one listing page, conditionally when it is cached.
func (c *Client) get(ctx context.Context, u, scheme string, parse parseFunc) (page, error) {
	host := HostOf(u)
	var cached CachedPage
	haveCache := false
	if c.Cache != nil {
		if p, ok, err := c.Cache.Get(ctx, u); err == nil && ok {
			cached, haveCache = p, true
		}
	}
	if haveCache && cached.Missing {
		if time.Since(cached.At) < missingFor {
			return page{}, ErrNotFound
		}
		haveCache = false
	}
	for attempt := 1; ; attempt++ {
		if err := c.waitBlocked(ctx, host); err != nil {
			return page{}, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return page{}, err
		}
		req.Header.Set("Accept", "application/json")
		if tok := c.Tokens[host]; tok != "" {
			req.Header.Set("Authorization", scheme+" "+tok)
		}
		if haveCache && cached.ETag != "" {
			req.Header.Set("If-None-Match", cached.ETag)
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return page{}, fmt.Errorf("GET %s: %w", u, err)
		}
		body, rerr := safehttp.ReadAll(resp.Body, 32<<20)
		resp.Body.Close()
		if c.Observer != nil {
			c.Observer.Request(host, resp.StatusCode)
		}
		c.noteRemaining(host, resp.Header)
		switch {
		case resp.StatusCode == http.StatusNotModified && haveCache:
			return page{repos: cached.Repos, next: cached.Next}, nil
		case resp.StatusCode == http.StatusOK:
			if rerr != nil {
				return page{}, fmt.Errorf("GET %s: %w", u, rerr)
			}
			p, err := parse(body, resp.Header)
			if err != nil {
				return page{}, fmt.Errorf("GET %s: %w", u, err)
			}
			if c.Cache != nil && resp.Header.Get("ETag") != "" {
				_ = c.Cache.Put(ctx, u, CachedPage{ETag: resp.Header.Get("ETag"), Repos: p.repos, Next: p.next})
			}
			return p, nil
		case resp.StatusCode == http.StatusNotFound:
			if c.Cache != nil {
				_ = c.Cache.Put(ctx, u, CachedPage{Missing: true, At: time.Now()})
			}
			return page{}, ErrNotFound
		case isRateLimited(resp):
			until := resetTime(resp.Header, time.Now(), attempt)
			wait := time.Until(until)
			if wait > c.maxWait() || attempt >= 5 {
				return page{}, &RateLimitError{Host: host, Until: until}
			}
			if c.Observer != nil {
				c.Observer.RateLimitWait(host, wait)
			}
			if err := sleep(ctx, wait); err != nil {
				return page{}, err
			}
		default:
			// Server errors are not retried here: the job that asked is retried with
			// backoff, and the pages already seen answer 304.
			return page{}, &StatusError{URL: u, Status: resp.StatusCode}
		}
	}
}

// isRateLimited recognises the forges' ways of saying "slow down": 429, or 403
// with the rate-limit headers at zero or a Retry-After (GitHub's primary and
// secondary limits).
func isRateLimited(resp *http.Response) bool {
	if resp.StatusCode == http.StatusTooManyRequests {
		return true
	}
	if resp.StatusCode != http.StatusForbidden {
		return false
	}
	h := resp.Header
	return h.Get("Retry-After") != "" || h.Get("X-RateLimit-Remaining") == "0" || h.Get("RateLimit-Remaining") == "0"
}

// resetTime reads when a rate limit lifts: Retry-After (seconds or an HTTP
// date), then X-RateLimit-Reset or RateLimit-Reset (Unix seconds), else an
// exponential guess.
func resetTime(h http.Header, now time.Time, attempt int) time.Time {
	if ra := h.Get("Retry-After"); ra != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil {
			return now.Add(time.Duration(n) * time.Second)
		}
		if t, err := http.ParseTime(ra); err == nil {
			return t
		}
	}
	for _, k := range []string{"X-RateLimit-Reset", "RateLimit-Reset"} {
		if v := h.Get(k); v != "" {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				if n > 1_000_000_000 {
					return time.Unix(n, 0)
				}
				return now.Add(time.Duration(n) * time.Second) // some send seconds left
			}
		}
	}
	return now.Add(time.Duration(1<<min(attempt, 6)) * time.Second)
}

// noteRemaining remembers a host whose quota is used up, so the next request to it
// waits for the reset instead of being refused.
func (c *Client) noteRemaining(host string, h http.Header) {
	rem := h.Get("X-RateLimit-Remaining")
	if rem == "" {
		rem = h.Get("RateLimit-Remaining")
	}
	if rem != "0" {
		return
	}
	until := resetTime(http.Header{"X-Ratelimit-Reset": h.Values("X-RateLimit-Reset"), "Ratelimit-Reset": h.Values("RateLimit-Reset")}, time.Now(), 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blocked == nil {
		c.blocked = map[string]time.Time{}
	}
	c.blocked[host] = until
}

func (c *Client) waitBlocked(ctx context.Context, host string) error {
	c.mu.Lock()
	until, ok := c.blocked[host]
	if ok && !time.Now().Before(until) {
		delete(c.blocked, host)
		ok = false
	}
	c.mu.Unlock()
	if !ok {
		return nil
	}
	wait := time.Until(until)
	if wait > c.maxWait() {
		return &RateLimitError{Host: host, Until: until}
	}
	if c.Observer != nil {
		c.Observer.RateLimitWait(host, wait)
	}
	return sleep(ctx, wait)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var linkNextRE = regexp.MustCompile(`<([^>]+)>\s*;\s*rel="?next"?`)

// nextLink reads the next page's URL from an RFC 8288 Link header.
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		if m := linkNextRE.FindStringSubmatch(v); m != nil {
			return m[1]
		}
	}
	return ""
}

// paginate follows next links from first, handing each page to fn.
func (c *Client) paginate(ctx context.Context, first, scheme string, parse parseFunc, fn PageFunc) error {
	u := first
	seen := map[string]bool{}
	for n := 0; u != ""; n++ {
		if n >= c.maxPages() {
			return fmt.Errorf("more than %d pages: stopped", c.maxPages())
		}
		if seen[u] {
			return fmt.Errorf("the forge's next link loops back to %s", u)
		}
		seen[u] = true
		p, err := c.get(ctx, u, scheme, parse)
		if err != nil {
			return err
		}
		if err := fn(ctx, p.repos); err != nil {
			return err
		}
		u = p.next
	}
	return nil
}
