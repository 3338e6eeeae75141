// Package gitfetch talks git's upload-pack protocol (through go-git) to read what
// the crawler needs from a repository and nothing more: its refs first, then the
// head commit's trees with only the blobs that are read (a partial fetch with the
// protocol's filter where the server allows it, a depth-1 fetch where not), and the
// commit graph for activity, kept incrementally in a cache directory. It never
// checks out a work tree.
package gitfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// ErrEmpty is returned for a repository with no commits.
var ErrEmpty = errors.New("the repository is empty")

// ErrOverCap is returned when a repository's transfer exceeds MaxBytes.
var ErrOverCap = errors.New("the repository is larger than the transfer cap")

// ErrNotFound is returned when the server says the repository does not exist
// (deleted, renamed without a redirect, or private).
var ErrNotFound = errors.New("the repository does not exist (or is not public)")

// Options bound what one repository may cost.
type Options struct {
	Policy safehttp.Policy
	// MaxBytes caps the packs transferred for one repository's files (default 256 MiB).
	MaxBytes int64
	// Timeout bounds one HTTP request of a fetch (default 2 minutes); the caller
	// bounds a whole repository with its context.
	Timeout time.Duration
	// CacheDir keeps each repository's commit graph between crawls, so that later
	// crawls fetch only new commits. Empty: the graph is fetched into memory.
	CacheDir string
	// HistoryDepth is how many commits are fetched for activity when the server
	// cannot filter out trees and blobs (default 1000).
	HistoryDepth int
	// HistoryMaxBytes caps the commit-graph transfer (default MaxBytes); past it the
	// graph falls back to HistoryDepth commits.
	HistoryMaxBytes int64
	// NoFilter never uses the filter capability (to measure the fallback).
	NoFilter bool
}

// Fetcher fetches from repositories.
type Fetcher struct {
	opts Options
	http transport.Transport
	// Bytes counts every pack byte this fetcher received.
	Bytes atomic.Int64
}

// New returns a Fetcher. Its HTTP transport is the SSRF-safe client, so git over
// HTTP obeys the same address policy as every other fetch.
func New(opts Options) *Fetcher {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 256 << 20
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.HistoryDepth <= 0 {
		opts.HistoryDepth = 1000
	}
	if opts.HistoryMaxBytes <= 0 {
		opts.HistoryMaxBytes = opts.MaxBytes
	}
	p := opts.Policy
	p.Timeout = opts.Timeout
	return &Fetcher{opts: opts, http: githttp.NewClient(p.Client())}
}

// transport picks the transport for a URL: the SSRF-safe HTTP client for http(s),
// go-git's own for the other schemes after checking their host.
func (f *Fetcher) transport(ctx context.Context, rawURL string) (*transport.Endpoint, transport.Transport, error) {
	ep, err := transport.NewEndpoint(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("parse URL: %w", err)
	}
	switch ep.Protocol {
	case "http", "https":
		return ep, f.http, nil
	case "file":
		if !f.opts.Policy.AllowPrivate {
			return nil, nil, fmt.Errorf("file URLs read the local disk: %w", safehttp.ErrForbiddenAddress)
		}
	default:
		if err := f.opts.Policy.CheckHost(ctx, ep.Host); err != nil {
			return nil, nil, err
		}
	}
	tr, err := client.NewClient(ep)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", ep.Protocol, err)
	}
	return ep, tr, nil
}

// request is one upload-pack exchange.
type request struct {
	wants []Hash
	haves []Hash
	// shallows are the commits the client holds without their parents.
	shallows []Hash
	depth    int
	filter   packp.Filter
	maxSize  int64
}

// uploadPack sends one upload-pack request to r and writes the pack it answers
// into st, returning the pack's size.
func (f *Fetcher) uploadPack(ctx context.Context, r *Remote, q request, st storer.Storer) (int64, error) {
	sess, err := r.tr.NewUploadPackSession(r.ep, nil)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	defer sess.Close()
	req := packp.NewUploadPackRequest()
	req.Wants = q.wants
	req.Haves = q.haves
	req.Shallows = q.shallows
	caps := r.adv.Capabilities
	for _, c := range []capability.Capability{capability.OFSDelta, capability.NoProgress} {
		if caps.Supports(c) {
			_ = req.Capabilities.Set(c)
		}
	}
	switch {
	case caps.Supports(capability.Sideband64k):
		_ = req.Capabilities.Set(capability.Sideband64k)
	case caps.Supports(capability.Sideband):
		_ = req.Capabilities.Set(capability.Sideband)
	}
	if q.depth > 0 && caps.Supports(capability.Shallow) {
		req.Depth = packp.DepthCommits(q.depth)
		_ = req.Capabilities.Set(capability.Shallow)
	}
	if q.filter != "" {
		req.Filter = q.filter
		_ = req.Capabilities.Set(capability.Filter)
	}
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return 0, classify(fmt.Errorf("fetch: %w", err))
	}
	defer resp.Close()
	counted := &capped{r: demux(req.Capabilities, resp), max: q.maxSize}
	err = packfile.UpdateObjectStorage(st, counted)
	f.Bytes.Add(counted.n)
	r.bytes.Add(counted.n)
	if err != nil {
		if counted.over {
			return counted.n, fmt.Errorf("%w (%d bytes)", ErrOverCap, q.maxSize)
		}
		if ctx.Err() != nil {
			return counted.n, fmt.Errorf("fetch: %w", ctx.Err())
		}
		return counted.n, fmt.Errorf("read pack: %w", err)
	}
	return counted.n, nil
}

func classify(err error) error {
	if errors.Is(err, transport.ErrRepositoryNotFound) || errors.Is(err, transport.ErrAuthenticationRequired) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func demux(caps *capability.List, r io.Reader) io.Reader {
	switch {
	case caps.Supports(capability.Sideband64k):
		return sideband.NewDemuxer(sideband.Sideband64k, r)
	case caps.Supports(capability.Sideband):
		return sideband.NewDemuxer(sideband.Sideband, r)
	}
	return r
}

// capped counts bytes and fails past max.
type capped struct {
	r    io.Reader
	n    int64
	max  int64
	over bool
}

func (c *capped) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.max > 0 && c.n > c.max {
		c.over = true
		return n, ErrOverCap
	}
	return n, err
}

// Redact removes credentials from a URL before it is logged or stored.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// RedactError is err's message with rawURL's credentials removed.
func RedactError(err error, rawURL string) string {
	msg := err.Error()
	if r := Redact(rawURL); r != rawURL {
		msg = strings.ReplaceAll(msg, rawURL, r)
	}
	return msg
}
