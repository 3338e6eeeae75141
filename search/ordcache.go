package search

import (
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// ordCache maps Bleve's internal document numbers to ordinals without reading a
// doc value per hit. Scorch segments never change once written, so each
// segment's table (local document number → ordinal) is built once, the first
// time a search meets the segment, and dropped when merges retire it.
type ordCache struct {
	mu    sync.Mutex
	bySeg map[segment.Segment][]uint32
}

func newOrdCache() *ordCache { return &ordCache{bySeg: map[segment.Segment][]uint32{}} }

// ordResolver turns a hit's internal ID into its ordinal.
type ordResolver func(id index.IndexInternalID) (uint32, bool)

// resolver returns a resolver for reader. Readers that are not scorch snapshots
// fall back to reading the ordinal doc value of each hit.
func (c *ordCache) resolver(reader index.IndexReader) (ordResolver, error) {
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return docValueResolver(reader)
	}
	segs := snap.Segments()
	offsets := make([]uint64, len(segs))
	tables := make([][]uint32, len(segs))
	var running uint64
	c.mu.Lock()
	defer c.mu.Unlock()
	live := make(map[segment.Segment]bool, len(segs))
	for i, ss := range segs {
		seg := ss.Segment()
		offsets[i] = running
		running += seg.Count()
		live[seg] = true
		t, ok := c.bySeg[seg]
		if !ok {
			var err error
			if t, err = segmentOrds(seg); err != nil {
				return nil, err
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
	return func(id index.IndexInternalID) (uint32, bool) {
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
	}, nil
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
