package gitfetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/oscat-eu/oscat/catalogue"
)

// maxWalk bounds the commits walked for one repository's history.
const maxWalk = 500_000

// CommitInfo is one commit of the default branch, as activity and the
// contribution figures need it.
type CommitInfo struct {
	Hash   Hash
	Author string // the author's e-mail address, lower-cased (their name when it has none)
	When   time.Time
	// Bot is set when the author is an automation account (catalogue.IsBot).
	Bot bool `json:",omitempty"`
	// CoAuthors are the addresses of its Co-authored-by trailers, bots left out.
	CoAuthors []string `json:",omitempty"`
}

// Tag is a release: a tag on a commit, with the tag's date (the tagger's for an
// annotated tag, the commit's for a lightweight one).
type Tag struct {
	Name   string
	Commit Hash
	When   time.Time
}

// History is the default branch's commit graph, as far as it was fetched.
type History struct {
	// Commits are those since the time asked for, newest first; Older are the
	// rest of the graph fetched (for the contribution figures).
	Commits    []CommitInfo
	Older      []CommitInfo
	LastCommit time.Time
	Tags       []Tag
	// Roots are the commits without parents; empty when Truncated.
	Roots []Hash
	// Walked is how many commits the graph holds from the head.
	Walked int
	// Truncated is true when only the last Depth commits could be fetched (the
	// server cannot filter, or the graph was over the cap).
	Truncated bool
	Depth     int
	// Fetched is false when the cache already held everything.
	Fetched bool
	// Filtered is true when the graph came without trees or blobs (filter tree:0).
	Filtered bool
}

// History fetches the commit graph of the default branch and the tags: commits
// only (filter tree:0) into the cache directory where the server can filter,
// sending what the cache holds so that only new commits come; otherwise the last
// HistoryDepth commits, into memory, deepening base (a full depth-1 snapshot of
// the same head, when given) so that the head's files do not travel twice. It
// returns the commits since since.
func (f *Fetcher) History(ctx context.Context, r *Remote, since time.Time, base *Snapshot) (*History, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	if r.CanFilter() && !f.opts.NoFilter {
		st, err := f.openCache(r.URL)
		if err != nil {
			return nil, err
		}
		h, err := f.filteredHistory(ctx, r, st, since)
		if !errors.Is(err, ErrOverCap) {
			return h, err
		}
		// The whole graph is too big: forget it and count the recent commits only.
		f.dropCache(r.URL)
	}
	var st storer.Storer = memory.NewStorage()
	q := request{wants: r.wants(), depth: f.opts.HistoryDepth, maxSize: f.opts.HistoryMaxBytes}
	if base != nil && !base.Partial && base.Head == r.Head {
		// Deepen the snapshot: the server sends the older commits and only the
		// files that differ from the head's.
		base.mu.Lock()
		defer base.mu.Unlock()
		st = base.st
		q.haves, q.shallows = []Hash{r.Head}, []Hash{r.Head}
	}
	if _, err := f.uploadPack(ctx, r, q, st); err != nil {
		return nil, fmt.Errorf("fetch history: %w", err)
	}
	h, err := walk(st, r, since)
	if err != nil {
		return nil, err
	}
	h.Fetched, h.Depth = true, f.opts.HistoryDepth
	return h, nil
}

func (f *Fetcher) filteredHistory(ctx context.Context, r *Remote, st storer.Storer, since time.Time) (*History, error) {
	var want []Hash
	for _, h := range r.wants() {
		if st.HasEncodedObject(h) != nil {
			want = append(want, h)
		}
	}
	fetched := false
	if len(want) > 0 {
		var haves []Hash
		refs, err := st.IterReferences()
		if err == nil {
			_ = refs.ForEach(func(ref *plumbing.Reference) error {
				if ref.Type() == plumbing.HashReference {
					haves = append(haves, ref.Hash())
				}
				return nil
			})
		}
		q := request{wants: want, haves: haves, filter: packp.FilterTreeDepth(0), maxSize: f.opts.HistoryMaxBytes}
		if _, err := f.uploadPack(ctx, r, q, st); err != nil {
			return nil, fmt.Errorf("fetch history: %w", err)
		}
		fetched = true
		// Remember what the cache holds, to send as haves next time.
		_ = st.SetReference(plumbing.NewHashReference("refs/oscat/head", r.Head))
		for name, h := range r.Tags {
			_ = st.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(name), h))
		}
	}
	h, err := walk(st, r, since)
	if err != nil {
		return nil, err
	}
	h.Fetched, h.Filtered = fetched, true
	return h, nil
}

// wants are the head and the tags.
func (r *Remote) wants() []Hash {
	seen := map[Hash]bool{r.Head: true}
	out := []Hash{r.Head}
	for _, h := range r.Tags {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// walk reads the graph from the head, newest first.
func walk(st storer.EncodedObjectStorer, r *Remote, since time.Time) (*History, error) {
	h := &History{}
	head, err := object.GetCommit(st, r.Head)
	if err != nil {
		return nil, fmt.Errorf("read head commit %s: %w", r.Head, err)
	}
	h.LastCommit = head.Committer.When
	seen := map[Hash]bool{head.Hash: true}
	queue := []*object.Commit{head}
	for len(queue) > 0 && h.Walked < maxWalk {
		c := queue[0]
		queue = queue[1:]
		h.Walked++
		if c.Committer.When.After(h.LastCommit) {
			h.LastCommit = c.Committer.When
		}
		ci := CommitInfo{Hash: c.Hash, Author: authorKey(c.Author), When: c.Author.When,
			Bot: catalogue.IsBot(c.Author.Name, c.Author.Email), CoAuthors: coAuthors(c.Message)}
		if !c.Author.When.Before(since) {
			h.Commits = append(h.Commits, ci)
		} else {
			h.Older = append(h.Older, ci)
		}
		if len(c.ParentHashes) == 0 {
			h.Roots = append(h.Roots, c.Hash)
		}
		for _, p := range c.ParentHashes {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := object.GetCommit(st, p)
			if err != nil {
				h.Truncated = true // a shallow boundary: the parent was not fetched
				continue
			}
			queue = append(queue, pc)
		}
	}
	if h.Walked >= maxWalk {
		h.Truncated = true
	}
	if h.Truncated {
		h.Roots = nil
	}
	sort.Slice(h.Commits, func(i, j int) bool { return h.Commits[i].When.After(h.Commits[j].When) })
	sort.Slice(h.Older, func(i, j int) bool { return h.Older[i].When.After(h.Older[j].When) })
	sort.Slice(h.Roots, func(i, j int) bool { return h.Roots[i].String() < h.Roots[j].String() })
	h.Tags = tags(st, r)
	return h, nil
}

func authorKey(s object.Signature) string {
	if e := strings.ToLower(strings.TrimSpace(s.Email)); e != "" {
		return e
	}
	return strings.ToLower(strings.TrimSpace(s.Name))
}

// coAuthors reads the Co-authored-by trailers of a commit message: the
// addresses of the co-authors who are not bots, lower-cased.
func coAuthors(msg string) []string {
	if !strings.Contains(strings.ToLower(msg), "co-authored-by:") {
		return nil
	}
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), "co-authored-by") {
			continue
		}
		name, addr := strings.TrimSpace(val), ""
		if i, j := strings.LastIndexByte(val, '<'), strings.LastIndexByte(val, '>'); i >= 0 && j > i {
			name, addr = strings.TrimSpace(val[:i]), strings.ToLower(strings.TrimSpace(val[i+1:j]))
		}
		if addr == "" || catalogue.IsBot(name, addr) || slices.Contains(out, addr) {
			continue
		}
		out = append(out, addr)
	}
	return out
}

// tags peels each tag to its commit and dates it.
func tags(st storer.EncodedObjectStorer, r *Remote) []Tag {
	var out []Tag
	for name, h := range r.Tags {
		if t, err := object.GetTag(st, h); err == nil {
			c, err := t.Commit()
			if err != nil {
				continue // a tag of a tree or blob is no release
			}
			out = append(out, Tag{Name: name, Commit: c.Hash, When: t.Tagger.When})
			continue
		}
		if c, err := object.GetCommit(st, h); err == nil {
			out = append(out, Tag{Name: name, Commit: c.Hash, When: c.Committer.When})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].When.After(out[j].When) })
	return out
}

// cachePath is the folder that keeps one repository's graph.
func (f *Fetcher) cachePath(rawURL string) string {
	sum := sha256.Sum256([]byte(Redact(rawURL)))
	name := hex.EncodeToString(sum[:16])
	return filepath.Join(f.opts.CacheDir, name[:2], name+".git")
}

func (f *Fetcher) openCache(rawURL string) (storer.Storer, error) {
	if f.opts.CacheDir == "" {
		return memory.NewStorage(), nil
	}
	dir := f.cachePath(rawURL)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("git cache: %w", err)
	}
	return filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRU(8*cache.MiByte)), nil
}

func (f *Fetcher) dropCache(rawURL string) {
	if f.opts.CacheDir != "" {
		_ = os.RemoveAll(f.cachePath(rawURL))
	}
}
