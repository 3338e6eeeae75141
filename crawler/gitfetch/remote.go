package gitfetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Hash is a git object name.
type Hash = plumbing.Hash

// Remote is what a repository advertised when asked for its refs: one request,
// and enough to tell whether anything changed since the last crawl.
type Remote struct {
	URL    string
	Head   Hash
	Branch string
	// Tags maps tag names to what they point at (tag objects for annotated tags).
	Tags map[string]Hash

	ep    *transport.Endpoint
	tr    transport.Transport
	adv   *packp.AdvRefs
	bytes atomic.Int64
}

// Refs asks the repository for its refs.
func (f *Fetcher) Refs(ctx context.Context, rawURL string) (*Remote, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	ep, tr, err := f.transport(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	sess, err := tr.NewUploadPackSession(ep, nil)
	if err != nil {
		return nil, classify(fmt.Errorf("connect: %w", err))
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, ErrEmpty
	}
	if err != nil {
		return nil, classify(fmt.Errorf("list references: %w", err))
	}
	head, branch, err := defaultBranch(adv)
	if err != nil {
		return nil, err
	}
	r := &Remote{URL: rawURL, Head: head, Branch: branch, Tags: map[string]Hash{}, ep: ep, tr: tr, adv: adv}
	for name, h := range adv.References {
		if t, ok := strings.CutPrefix(name, "refs/tags/"); ok && !strings.HasSuffix(t, "^{}") {
			r.Tags[t] = h
		}
	}
	return r, nil
}

// CanFilter reports whether the server accepts partial fetches (the filter
// capability) and wants of single objects, so that files can be fetched blob by
// blob and the commit graph without trees.
func (r *Remote) CanFilter() bool {
	c := r.adv.Capabilities
	return c.Supports(capability.Filter) &&
		(c.Supports(capability.AllowReachableSHA1InWant) || c.Supports(capability.AllowTipSHA1InWant))
}

// Bytes is how many pack bytes were fetched from this remote so far.
func (r *Remote) Bytes() int64 { return r.bytes.Load() }

// TagsDigest summarises the tags, so a crawl can tell that releases changed
// while the default branch did not.
func (r *Remote) TagsDigest() string {
	names := make([]string, 0, len(r.Tags))
	for n := range r.Tags {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s %s\n", n, r.Tags[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// defaultBranch finds what HEAD points at.
func defaultBranch(adv *packp.AdvRefs) (Hash, string, error) {
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
