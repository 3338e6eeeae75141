// Package gitfetch fetches the head of a repository's default branch with go-git,
// without a work tree, and reads files from it.
package gitfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// ErrEmpty is returned for a repository with no commits.
var ErrEmpty = errors.New("the repository is empty")

// ErrOverCap is returned when a repository's transfer exceeds MaxBytes.
var ErrOverCap = errors.New("the repository is larger than the transfer cap")

// Options bound what one fetch may cost.
type Options struct {
	Policy safehttp.Policy
	// MaxBytes caps the pack transferred for one repository (default 256 MiB).
	MaxBytes int64
	// Timeout bounds one repository's fetch (default 2 minutes).
	Timeout time.Duration
}

// Fetcher fetches repositories.
type Fetcher struct {
	opts Options
	http transport.Transport
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
	p := opts.Policy
	p.Timeout = opts.Timeout
	return &Fetcher{opts: opts, http: githttp.NewClient(p.Client())}
}

// Snapshot is the head commit of a repository's default branch.
type Snapshot struct {
	Head   plumbing.Hash
	Branch string
	// Bytes is the size of the pack transferred.
	Bytes  int64
	commit *object.Commit
	tree   *object.Tree
}

// Fetch fetches the head commit of url's default branch (depth 1, that branch only).
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	ep, tr, err := f.transport(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	sess, err := tr.NewUploadPackSession(ep, nil)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, ErrEmpty
	}
	if err != nil {
		return nil, fmt.Errorf("list references: %w", err)
	}
	head, branch, err := defaultBranch(adv)
	if err != nil {
		return nil, err
	}
	req := packp.NewUploadPackRequestFromCapabilities(adv.Capabilities)
	req.Wants = []plumbing.Hash{head}
	if adv.Capabilities.Supports(capability.Shallow) {
		req.Depth = packp.DepthCommits(1)
		if err := req.Capabilities.Set(capability.Shallow); err != nil {
			return nil, err
		}
	}
	if adv.Capabilities.Supports(capability.NoProgress) {
		_ = req.Capabilities.Set(capability.NoProgress)
	}
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Close()
	counted := &capped{r: demux(req.Capabilities, resp), max: f.opts.MaxBytes}
	st := memory.NewStorage()
	if err := packfile.UpdateObjectStorage(st, counted); err != nil {
		if counted.over {
			return nil, fmt.Errorf("%w (%d bytes)", ErrOverCap, f.opts.MaxBytes)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch: %w", ctx.Err())
		}
		return nil, fmt.Errorf("read pack: %w", err)
	}
	commit, err := object.GetCommit(st, head)
	if err != nil {
		return nil, fmt.Errorf("read head commit %s: %w", head, err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", head, err)
	}
	return &Snapshot{Head: head, Branch: branch, Bytes: counted.n, commit: commit, tree: tree}, nil
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

// defaultBranch finds what HEAD points at.
func defaultBranch(adv *packp.AdvRefs) (plumbing.Hash, string, error) {
	for _, v := range adv.Capabilities.Get(capability.SymRef) {
		if from, to, ok := strings.Cut(v, ":"); ok && from == "HEAD" {
			if h, ok := adv.References[to]; ok {
				return h, strings.TrimPrefix(to, "refs/heads/"), nil
			}
		}
	}
	if adv.Head != nil {
		for name, h := range adv.References {
			if h == *adv.Head && strings.HasPrefix(name, "refs/heads/") {
				return h, strings.TrimPrefix(name, "refs/heads/"), nil
			}
		}
		return *adv.Head, "", nil
	}
	for _, b := range []string{"main", "master"} {
		if h, ok := adv.References["refs/heads/"+b]; ok {
			return h, b, nil
		}
	}
	return plumbing.ZeroHash, "", ErrEmpty
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
	if c.n > c.max {
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
