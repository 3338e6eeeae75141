// Package search is the catalogue's full-text index (Bleve), with facets, filters
// and sorting computed from a compact table of each document's values. It follows
// the store's change log and can always be rebuilt from the store; only the
// serving process owns it.
package search

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const currentFile = "CURRENT"

// Index is the search index of a data directory, kept in Dir/index-N folders with
// Dir/CURRENT naming the one in use.
type Index struct {
	dir   string
	src   Source
	log   *slog.Logger
	owner *ownerLock

	mu sync.RWMutex // guards sh (the pointer); the shard guards itself
	sh *shard
	// writeMu serialises catch-ups and switches.
	writeMu sync.Mutex
	// position is the shard's seq after its last catch-up, read without
	// waiting for one in progress.
	position atomic.Int64
}

// Open opens the index in use under dir, building one when there is none or when
// it was built with another mapping, and brings it up to date with src.
func Open(ctx context.Context, dir string, src Source, log *slog.Logger) (*Index, error) {
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
	ix := &Index{dir: dir, src: src, log: log, owner: owner}
	if err := ix.open(ctx); err != nil {
		owner.release()
		return nil, err
	}
	return ix, nil
}

func (ix *Index) open(ctx context.Context) error {
	name, err := readCurrent(ix.dir)
	if err == nil {
		var sh *shard
		if sh, err = openShard(ix.dir, name, ix.log); err == nil {
			// An index that must be rebuilt loads no table first.
			if err = usable(ctx, ix.src, sh.seq.Load()); err == nil {
				err = sh.load(ctx, ix.src, ix.log)
			}
			if err == nil {
				ix.sh = sh
				defer sh.warm()
				return ix.CatchUp(ctx)
			}
			sh.close()
		}
		ix.log.Warn("search index unusable; rebuilding it from the catalogue", "folder", name, "err", err)
	}
	if _, err := Build(ctx, ix.dir, ix.src); err != nil {
		return err
	}
	name, err = readCurrent(ix.dir)
	if err != nil {
		return err
	}
	sh, err := openShard(ix.dir, name, ix.log)
	if err != nil {
		return err
	}
	if err := sh.load(ctx, ix.src, ix.log); err != nil {
		sh.close()
		return err
	}
	ix.sh = sh
	removeOld(ix.dir, name)
	defer sh.warm()
	return ix.CatchUp(ctx)
}

// prunedLog is a Source whose change log is pruned: an index whose position is
// below the last entry pruned missed entries.
type prunedLog interface {
	ChangesPrunedTo(ctx context.Context) (int64, error)
}

// errPassed says that the change log was pruned past an index's position.
var errPassed = errors.New("the change log was pruned past the index's position (the node was down longer than the retention)")

// errAhead says that an index has read further than the change log goes.
var errAhead = errors.New("the index has read past the change log's head (the store was restored from an earlier backup)")

// usable fails when an index at seq cannot catch up with src by reading its
// change log: with errPassed when the log was pruned past seq (catching up
// would skip what was pruned), with errAhead when the log ends before seq (the
// store is older than the index, which holds entries it no longer has). Either
// way the index must be rebuilt.
func usable(ctx context.Context, src Source, seq int64) error {
	head, err := src.ChangeHead(ctx)
	if err != nil {
		return err
	}
	if seq > head {
		return fmt.Errorf("%w: index at %d, head at %d", errAhead, seq, head)
	}
	p, ok := src.(prunedLog)
	if !ok {
		return nil
	}
	pruned, err := p.ChangesPrunedTo(ctx)
	if err != nil {
		return err
	}
	if seq < pruned {
		return fmt.Errorf("%w: index at %d, pruned up to %d", errPassed, seq, pruned)
	}
	return nil
}

// shard returns the shard in use, for its name and position; to read it, use
// acquire.
func (ix *Index) shard() *shard {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.sh
}

// acquire returns the shard in use, kept open until release is called: a
// switch to a rebuilt index closes the old one only after the searches that
// use it end. The shard is nil once the index is closed.
func (ix *Index) acquire() (sh *shard, release func()) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.sh == nil {
		return nil, func() {}
	}
	ix.sh.users.Add(1)
	return ix.sh, ix.sh.users.Done
}

// retire closes a shard that is no longer in use once its last user released
// it. No one can acquire it any more: it was swapped out under ix.mu.
func retire(sh *shard) error {
	sh.users.Wait()
	return sh.close()
}

// Close closes the index, once the searches in flight end, and releases the
// data directory's index.
func (ix *Index) Close() error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.mu.Lock()
	sh := ix.sh
	ix.sh = nil
	ix.mu.Unlock()
	if sh == nil {
		return nil
	}
	sh.users.Wait()
	start := time.Now()
	if err := sh.saveTable(); err != nil {
		ix.log.Warn("search index: the next start will list the catalogue", "err", err)
	} else {
		ix.log.Info("search index: table saved for the next start", "documents", sh.table.size(), "took", time.Since(start).Round(time.Millisecond))
	}
	err := sh.close()
	ix.owner.release()
	return err
}

// Seq is the last change-log entry the index reflects: searches see every
// change up to it. It does not wait for a catch-up in progress (pages ask for
// it on every request, and a catch-up during a crawl can take a while).
func (ix *Index) Seq() int64 {
	if sh := ix.shard(); sh != nil {
		return sh.seq.Load()
	}
	return 0
}

// PublishersVersion changes whenever the index applies a change of
// publishers (as Result.Versions do for the entries).
func (ix *Index) PublishersVersion() uint64 {
	sh, release := ix.acquire()
	defer release()
	if sh == nil {
		return 0
	}
	return sh.table.publishersAt.Load()
}

// CatchUp applies every change-log entry after the index's position.
func (ix *Index) CatchUp(ctx context.Context) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	sh := ix.shard()
	if sh == nil {
		return errors.New("search index is closed")
	}
	err := sh.catchUp(ctx, ix.src)
	ix.position.Store(sh.seq.Load())
	return err
}

// Position is how far the index has read the change log, as of its last
// catch-up: unlike Seq, it does not wait for one in progress. A node reports
// it in the store, so that pruning never passes it.
func (ix *Index) Position() int64 { return ix.position.Load() }

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
			if err := ix.switchTo(ctx, name); err != nil {
				ix.log.Error("switch to rebuilt search index", "folder", name, "err", err)
			} else {
				ix.log.Info("switched to rebuilt search index", "folder", name)
			}
		}
		if err := ix.CatchUp(ctx); err != nil && ctx.Err() == nil {
			ix.log.Error("search index catch-up", "err", err)
		}
		if sh, release := ix.acquire(); sh != nil {
			sh.warm()
			release()
		}
	}
}

func (ix *Index) switchTo(ctx context.Context, name string) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	sh, err := openShard(ix.dir, name, ix.log)
	if err != nil {
		return err
	}
	if err := sh.load(ctx, ix.src, ix.log); err != nil {
		sh.close()
		return err
	}
	if err := sh.catchUp(ctx, ix.src); err != nil {
		sh.close()
		return err
	}
	ix.mu.Lock()
	old := ix.sh
	ix.sh = sh
	ix.mu.Unlock()
	ix.position.Store(sh.seq.Load())
	if old != nil {
		if err := retire(old); err != nil {
			ix.log.Warn("close the replaced search index", "folder", old.name, "err", err)
		}
		// Only the folder replaced: another rebuild may be filling a new one.
		if err := os.RemoveAll(old.path); err != nil {
			ix.log.Warn("remove the replaced search index", "folder", old.name, "err", err)
		}
	}
	return nil
}

func (ix *Index) folder() string {
	if sh := ix.shard(); sh != nil {
		return sh.name
	}
	return ""
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
	return writeFileAtomic(filepath.Join(dir, currentFile), func(w *bufio.Writer) error {
		_, err := w.WriteString(name + "\n")
		return err
	})
}

// writeFileAtomic writes path through a temporary file, synced and renamed, so
// that a crash leaves the old file or the new one, never part of one.
func writeFileAtomic(path string, write func(*bufio.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// removeOld deletes index folders other than keep.
func removeOld(dir, keep string) {
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

// Build builds a fresh index folder under dir from src and makes it current. It
// returns the new folder's name. A running server switches to it on its own.
func Build(ctx context.Context, dir string, src Source) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	name := "index-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	sh, err := createShard(dir, name, nil)
	if err != nil {
		return "", err
	}
	fail := func(err error) (string, error) {
		sh.close()
		os.RemoveAll(sh.path)
		return "", err
	}
	// Everything up to head is read from the software table; later changes are
	// applied from the log (indexing an entry twice is harmless).
	head, err := src.ChangeHead(ctx)
	if err != nil {
		return fail(err)
	}
	if err := sh.fill(ctx, src, true); err != nil {
		return fail(err)
	}
	if err := sh.write(nil, nil, head); err != nil {
		return fail(err)
	}
	if err := sh.catchUp(ctx, src); err != nil {
		return fail(err)
	}
	// The table is complete: the first open reads it instead of listing the
	// catalogue again. Without it, that open lists the catalogue.
	_ = sh.saveTable()
	if err := sh.close(); err != nil {
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
	removeOld(dir, name)
	return nil
}
