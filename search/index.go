// Package search is the catalogue's full-text index (Bleve). It follows the
// store's change log and can always be rebuilt from the store; only the serving
// process owns it.
package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/oscat-eu/oscat/catalogue"
)

const (
	currentFile      = "CURRENT"
	internalSeq      = "oscat.seq"
	internalMapping  = "oscat.mapping"
	changeBatchLimit = 500
)

// Index is the search index of a data directory, kept in Dir/index-N folders
// with Dir/CURRENT naming the one in use.
type Index struct {
	dir   string
	store catalogue.Store
	log   *slog.Logger

	owner *ownerLock

	mu   sync.RWMutex
	idx  bleve.Index
	name string
	seq  int64
}

// Open opens the index in use under dir, building one when there is none or when
// it was built with another mapping.
func Open(ctx context.Context, dir string, store catalogue.Store, log *slog.Logger) (*Index, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	owner, err := lockOwner(dir)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, store: store, log: log, owner: owner}
	ix, err = ix.open(ctx)
	if err != nil {
		owner.release()
		return nil, err
	}
	return ix, nil
}

func (ix *Index) open(ctx context.Context) (*Index, error) {
	dir, log, store := ix.dir, ix.log, ix.store
	name, err := readCurrent(dir)
	if err == nil {
		err = ix.openFolder(name)
		if err != nil {
			log.Warn("search index unusable; rebuilding", "folder", name, "err", err)
		}
	}
	if err != nil {
		name, err := Build(ctx, dir, store)
		if err != nil {
			return nil, err
		}
		if err := ix.openFolder(name); err != nil {
			return nil, err
		}
	}
	return ix, ix.CatchUp(ctx)
}

func (ix *Index) openFolder(name string) error {
	idx, err := bleve.OpenUsing(filepath.Join(ix.dir, name), map[string]any{"bolt_timeout": "2s"})
	if err != nil {
		return fmt.Errorf("open search index %s: %w", name, err)
	}
	v, err := idx.GetInternal([]byte(internalMapping))
	if err != nil || string(v) != MappingVersion {
		idx.Close()
		return fmt.Errorf("search index %s was built with mapping %q, this program uses %q", name, v, MappingVersion)
	}
	seq, err := readSeq(idx)
	if err != nil {
		idx.Close()
		return err
	}
	ix.mu.Lock()
	old := ix.idx
	ix.idx, ix.name, ix.seq = idx, name, seq
	ix.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

func readSeq(idx bleve.Index) (int64, error) {
	v, err := idx.GetInternal([]byte(internalSeq))
	if err != nil {
		return 0, fmt.Errorf("read index position: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	return strconv.ParseInt(string(v), 10, 64)
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return nil
	}
	err := ix.idx.Close()
	ix.idx = nil
	ix.owner.release()
	return err
}

// Seq is the last change-log entry the index reflects.
func (ix *Index) Seq() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seq
}

// CatchUp applies every change-log entry after the index's position.
func (ix *Index) CatchUp(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	seq, err := apply(ctx, ix.idx, ix.store, ix.seq)
	ix.seq = seq
	return err
}

// apply brings idx up to date from after, returning the new position.
func apply(ctx context.Context, idx bleve.Index, store catalogue.Store, after int64) (int64, error) {
	for {
		changes, err := store.Changes(ctx, after, changeBatchLimit)
		if err != nil {
			return after, err
		}
		if len(changes) == 0 {
			return after, nil
		}
		var ids []string
		seen := map[string]bool{}
		for _, c := range changes {
			if c.Type == catalogue.ChangeSoftware && !seen[c.ID] {
				seen[c.ID] = true
				ids = append(ids, c.ID)
			}
		}
		listed, err := store.SoftwareByIDs(ctx, ids)
		if err != nil {
			return after, err
		}
		b := idx.NewBatch()
		found := map[string]bool{}
		for _, sw := range listed {
			found[sw.ID] = true
			if err := b.Index(sw.ID, newDocument(sw)); err != nil {
				return after, fmt.Errorf("index %s: %w", sw.ID, err)
			}
		}
		for _, id := range ids {
			if !found[id] {
				b.Delete(id)
			}
		}
		last := changes[len(changes)-1].Seq
		b.SetInternal([]byte(internalSeq), []byte(strconv.FormatInt(last, 10)))
		if err := idx.Batch(b); err != nil {
			return after, fmt.Errorf("apply changes up to %d: %w", last, err)
		}
		after = last
	}
}

// Follow keeps the index up to date until ctx ends: it catches up with the change
// log every interval, and switches to a rebuilt index when `oscat index rebuild`
// names a new one.
func (ix *Index) Follow(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if name, err := readCurrent(ix.dir); err == nil && name != ix.folder() {
			old := ix.folder()
			if err := ix.openFolder(name); err != nil {
				ix.log.Error("switch to rebuilt search index", "folder", name, "err", err)
			} else {
				ix.log.Info("switched to rebuilt search index", "folder", name)
				removeOld(ix.dir, name, old)
			}
		}
		if err := ix.CatchUp(ctx); err != nil && ctx.Err() == nil {
			ix.log.Error("search index catch-up", "err", err)
		}
	}
}

func (ix *Index) folder() string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.name
}

func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		return "", err
	}
	name := strings.TrimSpace(string(b))
	if name == "" || strings.ContainsAny(name, `/\`) {
		return "", errors.New("bad CURRENT file")
	}
	return name, nil
}

// writeCurrent names the index in use, atomically.
func writeCurrent(dir, name string) error {
	tmp := filepath.Join(dir, currentFile+".tmp")
	if err := os.WriteFile(tmp, []byte(name+"\n"), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, currentFile))
}

// removeOld deletes index folders other than keep (and the one being closed).
func removeOld(dir, keep, _ string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "index-") && e.Name() != keep {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// Build builds a fresh index folder under dir from the store and makes it current.
// It returns the new folder's name. A running server switches to it on its own.
func Build(ctx context.Context, dir string, store catalogue.Store) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	name := "index-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	path := filepath.Join(dir, name)
	idx, err := bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		return "", fmt.Errorf("create search index: %w", err)
	}
	fail := func(err error) (string, error) {
		idx.Close()
		os.RemoveAll(path)
		return "", err
	}
	// Everything up to head is read from the software table; later changes are
	// applied from the log (re-indexing an entry twice is harmless).
	head, err := store.ChangeHead(ctx)
	if err != nil {
		return fail(err)
	}
	page := catalogue.Page{Size: 500}
	for {
		list, next, err := store.ListSoftware(ctx, "", page)
		if err != nil {
			return fail(err)
		}
		b := idx.NewBatch()
		for _, sw := range list {
			if err := b.Index(sw.ID, newDocument(sw)); err != nil {
				return fail(fmt.Errorf("index %s: %w", sw.ID, err))
			}
		}
		if err := idx.Batch(b); err != nil {
			return fail(err)
		}
		if next == "" {
			break
		}
		page.After = next
	}
	if err := idx.SetInternal([]byte(internalSeq), []byte(strconv.FormatInt(head, 10))); err != nil {
		return fail(err)
	}
	if _, err := apply(ctx, idx, store, head); err != nil {
		return fail(err)
	}
	if err := idx.SetInternal([]byte(internalMapping), []byte(MappingVersion)); err != nil {
		return fail(err)
	}
	if err := idx.Close(); err != nil {
		return "", err
	}
	if err := writeCurrent(dir, name); err != nil {
		return "", fmt.Errorf("switch search index: %w", err)
	}
	return name, nil
}

// Prune removes index folders that are not current. Only call it when no server
// holds the index.
func Prune(dir string) error {
	name, err := readCurrent(dir)
	if err != nil {
		return err
	}
	removeOld(dir, name, "")
	return nil
}
