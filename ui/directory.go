package ui

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/search"
)

// snapshotTTL bounds how long derived figures are reused when the catalogue's
// change log has not moved (a safety net: they are rebuilt when it moves).
const snapshotTTL = time.Minute

// snapshot is what many pages derive from the whole catalogue: publishers by
// ID, and the home page's figures. It is rebuilt when the search index has
// applied a newer change, so pages show what the index shows.
type snapshot struct {
	seq        int64
	at         time.Time
	publishers map[string]catalogue.Publisher
	// sorted publisher IDs by name, for lists.
	publisherOrder []string
	home           homeFigures
}

type homeFigures struct {
	Software   int
	Publishers int
	Categories []search.ValueCount
	Updated    []string // IDs, most recently updated first
	Added      []string // IDs, most recently added first
}

type snapshots struct {
	mu  sync.Mutex
	cur *snapshot
}

// snapshot returns the current snapshot, rebuilding it when the index moved on.
func (s *Server) snapshot(ctx context.Context) (*snapshot, error) {
	s.snaps.mu.Lock()
	defer s.snaps.mu.Unlock()
	seq := s.index.Seq()
	if cur := s.snaps.cur; cur != nil && cur.seq == seq && time.Since(cur.at) < snapshotTTL {
		return cur, nil
	}
	snap, err := s.buildSnapshot(ctx, seq)
	if err != nil {
		return nil, err
	}
	s.snaps.cur = snap
	return snap, nil
}

// homeLists is how many entries the home page lists as recently added and updated.
const homeLists = 6

func (s *Server) buildSnapshot(ctx context.Context, seq int64) (*snapshot, error) {
	snap := &snapshot{seq: seq, at: time.Now(), publishers: map[string]catalogue.Publisher{}}
	for after := ""; ; {
		list, next, err := s.catalog.Publishers(ctx, catalogue.Page{After: after, Size: 100})
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			snap.publishers[p.ID] = p
			snap.publisherOrder = append(snap.publisherOrder, p.ID)
		}
		if next == "" {
			break
		}
		after = next
	}
	sort.SliceStable(snap.publisherOrder, func(i, j int) bool {
		return snap.publishers[snap.publisherOrder[i]].Name < snap.publishers[snap.publisherOrder[j]].Name
	})
	snap.home.Publishers = len(snap.publishers)

	res, err := s.index.Search(ctx, search.Request{Sort: "-updated", Size: homeLists, FacetValues: 200})
	if err != nil {
		return nil, err
	}
	snap.home.Software, snap.home.Updated = res.Total, res.IDs
	for _, f := range res.Facets {
		if f.Name == search.FacetCategories.String() {
			snap.home.Categories = f.Values
		}
	}
	added, err := s.index.Search(ctx, search.Request{Sort: "-created", Size: homeLists, NoFacets: true})
	if err != nil {
		return nil, err
	}
	snap.home.Added = added.IDs
	return snap, nil
}

// publisherName is a publisher's name, or its ID when it is unknown.
func (snap *snapshot) publisherName(id string) string {
	if p, ok := snap.publishers[id]; ok {
		return p.Name
	}
	return id
}
