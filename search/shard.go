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

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/oscat-eu/oscat/catalogue"
)

// Source is what the index reads from the catalogue; catalogue.Store is one.
type Source interface {
	Changes(ctx context.Context, after int64, limit int) ([]catalogue.Change, error)
	ChangeHead(ctx context.Context) (int64, error)
	SoftwareByIDs(ctx context.Context, ids []string) ([]catalogue.Software, error)
	ListSoftware(ctx context.Context, publisher string, page catalogue.Page) ([]catalogue.Software, string, error)
	Publishers(ctx context.Context, page catalogue.Page) ([]catalogue.Publisher, string, error)
	CodeEntriesByIDs(ctx context.Context, ids []string) ([]catalogue.CodeEntry, error)
	ListCodeEntries(ctx context.Context, publisher string, page catalogue.Page) ([]catalogue.CodeEntry, string, error)
}

const (
	internalSeq     = "oscat.seq"
	internalMapping = "oscat.mapping"
	ordsFile        = "ords"
)

// shard is one index folder: the Bleve index and the table of its documents.
// The ords file beside Bleve's own files lists document IDs in ordinal order, so
// that ordinals survive restarts; the table file, written when the index
// closes, holds the table for the next open (see tableFile).
type shard struct {
	name    string
	path    string
	bleve   bleve.Index
	mapping mapping.IndexMapping
	table   *table
	ords    *ordCache
	// seq is the last change-log entry applied: written under the index's
	// writeMu, read by anyone (Seq does not wait for a catch-up in progress).
	seq     atomic.Int64
	pending []string // IDs given ordinals since the last flush
	// users counts the searches reading the shard; it is closed after they end.
	users sync.WaitGroup
}

// createShard makes an empty index folder.
func createShard(dir, name string, log *slog.Logger) (*shard, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name)
	idx, err := bleve.NewUsing(path, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		return nil, fmt.Errorf("create search index %s: %w", name, err)
	}
	if err := idx.SetInternal([]byte(internalMapping), []byte(MappingVersion)); err != nil {
		idx.Close()
		return nil, err
	}
	return &shard{name: name, path: path, bleve: idx, mapping: m, table: newTable(), ords: newOrdCache(log)}, nil
}

// openShard opens an existing folder, refusing one built with another mapping.
func openShard(dir, name string, log *slog.Logger) (*shard, error) {
	path := filepath.Join(dir, name)
	idx, err := bleve.OpenUsing(path, map[string]any{"bolt_timeout": "2s"})
	if err != nil {
		return nil, fmt.Errorf("open search index %s: %w", name, err)
	}
	sh := &shard{name: name, path: path, bleve: idx, mapping: idx.Mapping(), table: newTable(), ords: newOrdCache(log)}
	v, err := idx.GetInternal([]byte(internalMapping))
	if err != nil || string(v) != MappingVersion {
		idx.Close()
		return nil, fmt.Errorf("search index %s was built with mapping %q; this program uses %q", name, v, MappingVersion)
	}
	seq, err := readSeq(idx)
	if err != nil {
		idx.Close()
		return nil, err
	}
	sh.seq.Store(seq)
	if err := sh.readOrds(); err != nil {
		idx.Close()
		return nil, err
	}
	return sh, nil
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

func (sh *shard) close() error { return sh.bleve.Close() }

// readOrds loads the ordinals given so far; their rows start as not live.
func (sh *shard) readOrds() error {
	f, err := os.Open(filepath.Join(sh.path, ordsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("search index ordinals: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id := strings.TrimSpace(sc.Text())
		if id == "" {
			continue
		}
		if _, dup := sh.table.byID[id]; !dup {
			sh.table.add(id)
		}
	}
	return sc.Err()
}

// ord returns the ordinal of id, giving it the next one when it has none. The
// caller holds the table's write lock.
func (sh *shard) ord(id string) uint32 {
	if o, ok := sh.table.byID[id]; ok {
		return o
	}
	sh.pending = append(sh.pending, id)
	return sh.table.add(id)
}

// flushOrds appends new ordinals to the ords file before the batch that uses them
// is committed, so that a crash never leaves a document whose ordinal is unknown.
func (sh *shard) flushOrds() error {
	if len(sh.pending) == 0 {
		return nil
	}
	f, err := os.OpenFile(filepath.Join(sh.path, ordsFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("search index ordinals: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, id := range sh.pending {
		w.WriteString(id)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("search index ordinals: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("search index ordinals: %w", err)
	}
	sh.pending = sh.pending[:0]
	return f.Close()
}

// loadPublishers refreshes the publisher countries the country facet needs.
func (sh *shard) loadPublishers(ctx context.Context, src Source) error {
	countries := map[string]string{}
	page := catalogue.Page{Size: 1000}
	for {
		pubs, next, err := src.Publishers(ctx, page)
		if err != nil {
			return err
		}
		for _, p := range pubs {
			if p.Country != "" {
				countries[p.ID] = p.Country
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	sh.table.mu.Lock()
	sh.table.setCountries(countries)
	sh.table.mu.Unlock()
	return nil
}

// write indexes the listed entries and removes the others among ids, then records
// seq, all in one Bleve batch. The table takes the batch's values once Bleve
// has committed it, together with seq, so a search that sees them and Seq
// agree (a follower resyncing from a list resumes at Seq).
func (sh *shard) write(listed []catalogue.Software, removed []string, seq int64) error {
	ords := make([]uint32, len(listed))
	sh.table.mu.Lock()
	for i, sw := range listed {
		ords[i] = sh.ord(sw.ID)
	}
	err := sh.flushOrds()
	sh.table.mu.Unlock()
	if err != nil {
		return err
	}
	b := sh.bleve.NewBatch()
	for i, sw := range listed {
		if err := b.Index(sw.ID, textDocument(sw, ords[i])); err != nil {
			return fmt.Errorf("index %s: %w", sw.ID, err)
		}
	}
	for _, id := range removed {
		b.Delete(id)
	}
	if seq > sh.seq.Load() {
		b.SetInternal([]byte(internalSeq), []byte(strconv.FormatInt(seq, 10)))
	}
	if err := sh.bleve.Batch(b); err != nil {
		return fmt.Errorf("write search index: %w", err)
	}
	sh.table.mu.Lock()
	for i, sw := range listed {
		sh.table.put(ords[i], sw)
	}
	for _, id := range removed {
		sh.table.remove(id)
	}
	if seq > sh.seq.Load() {
		sh.seq.Store(seq)
	}
	sh.table.mu.Unlock()
	return nil
}

// load fills the shard's table for searching: from the table saved when the
// index last closed, when there is one at the shard's position, or else from
// the source.
func (sh *shard) load(ctx context.Context, src Source, log *slog.Logger) error {
	start := time.Now()
	err := sh.restoreTable()
	if err == nil {
		log.Info("search index: read the table saved at close", "folder", sh.name, "documents", sh.table.size(), "took", time.Since(start).Round(time.Millisecond))
		// The publishers' countries are the store's, now.
		return sh.loadPublishers(ctx, src)
	}
	if !errors.Is(err, errNoTable) {
		log.Warn("search index: listing the catalogue instead of the saved table", "folder", sh.name, "err", err)
	}
	return sh.fill(ctx, src, false)
}

// fill loads every listed entry from the source into the table and, when
// reindex is true, into Bleve too.
func (sh *shard) fill(ctx context.Context, src Source, reindex bool) error {
	if err := sh.loadPublishers(ctx, src); err != nil {
		return err
	}
	page := catalogue.Page{Size: 500}
	if reindex {
		// Larger batches make fewer, larger segments, and so fewer merges.
		page.Size = 2000
	}
	for {
		list, next, err := src.ListSoftware(ctx, "", page)
		if err != nil {
			return err
		}
		if reindex {
			if err := sh.write(list, nil, 0); err != nil {
				return err
			}
		} else {
			sh.table.mu.Lock()
			for _, sw := range list {
				sh.table.put(sh.ord(sw.ID), sw)
			}
			err := sh.flushOrds()
			sh.table.mu.Unlock()
			if err != nil {
				return err
			}
		}
		if next == "" {
			return sh.fillCode(ctx, src, reindex)
		}
		page.After = next
	}
}

// catchUp applies the change log after the shard's position.
func (sh *shard) catchUp(ctx context.Context, src Source) error {
	for {
		changes, err := src.Changes(ctx, sh.seq.Load(), 500)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		var ids, codeIDs []string
		seen := map[string]bool{}
		publishers := false
		for _, c := range changes {
			switch c.Type {
			case catalogue.ChangeCode:
				if !seen[codePrefix+c.ID] {
					seen[codePrefix+c.ID] = true
					codeIDs = append(codeIDs, c.ID)
				}
			case catalogue.ChangeSoftware:
				if !seen[c.ID] {
					seen[c.ID] = true
					ids = append(ids, c.ID)
				}
			case catalogue.ChangePublisher:
				publishers = true
			}
		}
		if publishers {
			if err := sh.loadPublishers(ctx, src); err != nil {
				return err
			}
		}
		listed, err := src.SoftwareByIDs(ctx, ids)
		if err != nil {
			return err
		}
		found := make(map[string]bool, len(listed))
		for _, sw := range listed {
			found[sw.ID] = true
		}
		var removed []string
		for _, id := range ids {
			if !found[id] {
				removed = append(removed, id)
			}
		}
		if err := sh.writeCode(ctx, src, codeIDs); err != nil {
			return err
		}
		if err := sh.write(listed, removed, changes[len(changes)-1].Seq); err != nil {
			return err
		}
	}
}

// knownWords reports which of the query's words the catch-all field holds as
// they are: those are not misspelt, and matching them with one typo would only
// add noise (and cost, for common words).
func (sh *shard) knownWords(p parsed) (map[string]bool, error) {
	known := make(map[string]bool, len(p.words))
	adv, err := sh.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("open the index's segments: %w", err)
	}
	reader, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	for _, w := range p.words {
		tfr, err := reader.TermFieldReader(context.Background(), []byte(fold(w)), fieldAll, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		known[w] = tfr.Count() > 0
		tfr.Close()
	}
	return known, nil
}
