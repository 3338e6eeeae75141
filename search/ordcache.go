package search

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// ordCache maps Bleve's internal document numbers to ordinals without reading a
// doc value per hit. It is the one place that knows scorch's layout, and it
// checks what it assumes: a snapshot's internal ID is the big-endian uint64 of
// its segment's offset (segments counted in Segments() order) plus the
// document's number in the segment. Scorch segments never change once written,
// so each segment's table (local document number → ordinal) is built once, the
// first time a search meets the segment, and dropped when merges retire it.
// A resolver for a set of segments not checked yet first asks Bleve's own
// doc-value reader about the last document of each segment; when the answers
// differ (a Bleve upgrade changed the layout), it falls back to that reader for
// every hit, and says so once in the log, so a layout change costs speed, never
// correctness. The check is made once per set of segments (the snapshot's
// layout), not once per search: it reads a doc-value chunk per segment.
type ordCache struct {
	mu    sync.Mutex
	bySeg map[segment.Segment][]uint32
	// checked is the last set of segments, in order, whose layout passed the
	// check.
	checked []segment.Segment
	// layoutChanged is set once the check has failed; from then on every
	// resolver reads doc values.
	layoutChanged atomic.Bool
	log           *slog.Logger
}

func newOrdCache(log *slog.Logger) *ordCache {
	if log == nil {
		log = slog.Default()
	}
	return &ordCache{bySeg: map[segment.Segment][]uint32{}, log: log}
}

// ordResolver turns a hit's internal ID into its ordinal.
type ordResolver func(id index.IndexInternalID) (uint32, bool)

// resolver returns a resolver for reader. Readers that are not scorch snapshots,
// and snapshots whose layout is not the one assumed, read the ordinal doc value
// of each hit.
func (c *ordCache) resolver(reader index.IndexReader) (ordResolver, error) {
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok || c.layoutChanged.Load() {
		return docValueResolver(reader)
	}
	offsets, tables, segs, checked, err := c.tables(snap)
	if err != nil {
		return nil, err
	}
	fast := func(id index.IndexInternalID) (uint32, bool) {
		if len(id) != 8 {
			return 0, false
		}
		n := binary.BigEndian.Uint64(id)
		i := sort.Search(len(offsets), func(x int) bool { return offsets[x] > n }) - 1
		if i < 0 {
			return 0, false
		}
		local := n - offsets[i]
		if local >= uint64(len(tables[i])) || tables[i][local] == noValue {
			return 0, false
		}
		return tables[i][local], true
	}
	if checked {
		return fast, nil
	}
	slow, err := docValueResolver(reader)
	if err != nil {
		return nil, err
	}
	if err := checkLayout(offsets, tables, fast, slow); err != nil {
		if !c.layoutChanged.Swap(true) {
			c.log.Error("search: Bleve's internal document numbering is not the one ordcache.go assumes; reading doc values per hit instead (slower, still correct): update ordcache.go for this Bleve version", "err", err)
		}
		return slow, nil
	}
	c.mu.Lock()
	c.checked = segs
	c.mu.Unlock()
	return fast, nil
}

// tables returns, for each segment of snap, its offset in the snapshot's ID
// space and its table, building the tables of segments not met before and
// dropping those of segments merges retired; then the segments, and whether
// their layout was checked already.
func (c *ordCache) tables(snap *scorch.IndexSnapshot) (offsets []uint64, tables [][]uint32, segs []segment.Segment, checked bool, err error) {
	snapSegs := snap.Segments()
	offsets = make([]uint64, len(snapSegs))
	tables = make([][]uint32, len(snapSegs))
	segs = make([]segment.Segment, len(snapSegs))
	var running uint64
	c.mu.Lock()
	defer c.mu.Unlock()
	live := make(map[segment.Segment]bool, len(snapSegs))
	for i, ss := range snapSegs {
		seg := ss.Segment()
		segs[i] = seg
		offsets[i] = running
		running += seg.Count()
		live[seg] = true
		t, ok := c.bySeg[seg]
		if !ok {
			var err error
			if t, err = segmentOrds(seg); err != nil {
				return nil, nil, nil, false, err
			}
			c.bySeg[seg] = t
		}
		tables[i] = t
	}
	for seg := range c.bySeg {
		if !live[seg] {
			delete(c.bySeg, seg)
		}
	}
	return offsets, tables, segs, slices.Equal(segs, c.checked), nil
}

// checkLayout compares the fast resolver with Bleve's doc-value reader on the
// last document with an ordinal of each segment: the one whose ID depends on
// every offset before it.
func checkLayout(offsets []uint64, tables [][]uint32, fast, slow ordResolver) error {
	id := make(index.IndexInternalID, 8)
	for i, t := range tables {
		for local := len(t) - 1; local >= 0; local-- {
			if t[local] == noValue {
				continue
			}
			binary.BigEndian.PutUint64(id, offsets[i]+uint64(local))
			want, wok := slow(id)
			got, gok := fast(id)
			if want != got || wok != gok {
				return fmt.Errorf("segment %d document %d: Bleve reads ordinal %d (%t), the table %d (%t)", i, local, want, wok, got, gok)
			}
			break
		}
	}
	return nil
}

// segmentOrds reads the ordinal of every document of a segment.
func segmentOrds(seg segment.Segment) ([]uint32, error) {
	out := make([]uint32, seg.Count())
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("search: segment %T has no doc values", seg)
	}
	fields := []string{fieldOrd}
	var state segment.DocVisitState
	for local := range out {
		out[local] = noValue
		var err error
		state, err = dv.VisitDocValues(uint64(local), fields, func(_ string, term []byte) {
			if o, ok := parseOrd(term); ok {
				out[local] = o
			}
		}, state)
		if err != nil {
			return nil, fmt.Errorf("search: read ordinals: %w", err)
		}
	}
	return out, nil
}

func docValueResolver(reader index.IndexReader) (ordResolver, error) {
	dvr, err := reader.DocValueReader([]string{fieldOrd})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return func(id index.IndexInternalID) (uint32, bool) {
		var ord uint32
		found := false
		if err := dvr.VisitDocValues(id, func(_ string, term []byte) { ord, found = parseOrd(term) }); err != nil {
			return 0, false
		}
		return ord, found
	}, nil
}

// warm builds the tables of segments no search has met yet, so that the first
// search after a merge does not pay for them.
func (sh *shard) warm() {
	adv, err := sh.bleve.Advanced()
	if err != nil {
		return
	}
	reader, err := adv.Reader()
	if err != nil {
		return
	}
	defer reader.Close()
	_, _ = sh.ords.resolver(reader)
}
