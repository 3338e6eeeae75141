package gitfetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Snapshot is the head commit of a repository's default branch: its trees, and the
// blobs read so far. Under a partial fetch, a blob is fetched when first read.
type Snapshot struct {
	Head   Hash
	Branch string
	// Partial is true when blobs are fetched on demand (the server filters).
	Partial bool

	ctx    context.Context
	f      *Fetcher
	remote *Remote
	mu     sync.Mutex
	st     storer.Storer
	commit *object.Commit
	tree   *object.Tree
	// dir, when set, is the temporary folder a full snapshot is kept in.
	dir string
	// fetchErr is the first failure to fetch blobs (under mu).
	fetchErr error
}

// Fetch asks for url's refs and fetches its head (a convenience for Refs then Snapshot).
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Snapshot, error) {
	r, err := f.Refs(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return f.Snapshot(ctx, r)
}

// Snapshot fetches the head commit and its trees: without blobs (filter
// blob:none) where the server can filter, else everything at depth 1. ctx bounds
// later on-demand blob fetches too, so keep it alive while reading files.
func (f *Fetcher) Snapshot(ctx context.Context, r *Remote) (*Snapshot, error) {
	s := &Snapshot{Head: r.Head, Branch: r.Branch, ctx: ctx, f: f, remote: r, st: memory.NewStorage()}
	q := request{wants: []Hash{r.Head}, depth: 1, maxSize: f.opts.MaxBytes - r.Bytes()}
	if r.CanFilter() && !f.opts.NoFilter {
		q.filter = packp.FilterBlobNone()
		s.Partial = true
	} else if f.opts.CacheDir != "" {
		// Every file comes: keep them packed on disk rather than inflated in memory.
		if err := os.MkdirAll(filepath.Join(f.opts.CacheDir, "tmp"), 0o750); err != nil {
			return nil, fmt.Errorf("git cache: %w", err)
		}
		dir, err := os.MkdirTemp(filepath.Join(f.opts.CacheDir, "tmp"), "snapshot-")
		if err != nil {
			return nil, fmt.Errorf("git cache: %w", err)
		}
		s.dir, s.st = dir, filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRU(4*cache.MiByte))
	}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	rctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	if _, err := f.uploadPack(rctx, r, q, s.st); err != nil {
		return nil, err
	}
	commit, err := object.GetCommit(s.st, r.Head)
	if err != nil {
		return nil, fmt.Errorf("read head commit %s: %w", r.Head, err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of %s: %w", r.Head, err)
	}
	s.commit, s.tree = commit, tree
	ok = true
	return s, nil
}

// Close releases what the snapshot kept on disk.
func (s *Snapshot) Close() {
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// Bytes is how many pack bytes this repository cost so far.
func (s *Snapshot) Bytes() int64 { return s.remote.Bytes() }

// CommitTime is the head commit's date.
func (s *Snapshot) CommitTime() time.Time { return s.commit.Committer.When }

// Prefetch fetches, in one request, the blobs of those paths that exist and are
// not here yet, so that reading them later costs no round trip. Missing paths are
// ignored.
func (s *Snapshot) Prefetch(paths ...string) error {
	var want []Hash
	for _, p := range paths {
		e, err := s.entry(p)
		if err != nil || !e.Mode.IsFile() {
			continue
		}
		if !s.has(e.Hash) {
			want = append(want, e.Hash)
		}
	}
	return s.fetchBlobs(want)
}

func (s *Snapshot) has(h Hash) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.HasEncodedObject(h) == nil
}

// fetchBlobs asks the server for blobs by name (a want of each, no filter).
func (s *Snapshot) fetchBlobs(want []Hash) error {
	if len(want) == 0 {
		return nil
	}
	if !s.Partial {
		return fmt.Errorf("blob %s is missing from a full fetch", want[0])
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.f.opts.Timeout)
	defer cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.f.uploadPack(ctx, s.remote, request{wants: want, maxSize: s.f.opts.MaxBytes - s.remote.Bytes()}, s.st)
	if err != nil {
		err = fmt.Errorf("fetch %d files: %w", len(want), err)
		if s.fetchErr == nil {
			s.fetchErr = err
		}
		return err
	}
	return nil
}

// Err is the first failure to fetch files from the server (a timeout, a cut
// connection), or nil. Reads after such a failure say nothing about the files:
// a caller should fail the repository rather than report on them.
func (s *Snapshot) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetchErr
}

// blob returns a blob, fetching it first under a partial fetch.
func (s *Snapshot) blob(h Hash) (*object.Blob, error) {
	s.mu.Lock()
	b, err := object.GetBlob(s.st, h)
	s.mu.Unlock()
	if errors.Is(err, plumbing.ErrObjectNotFound) && s.Partial {
		if err := s.fetchBlobs([]Hash{h}); err != nil {
			return nil, err
		}
		s.mu.Lock()
		b, err = object.GetBlob(s.st, h)
		s.mu.Unlock()
	}
	return b, err
}
