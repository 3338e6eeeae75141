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
	// publishersVersion is the index's PublishersVersion when publishers were
	// read from the store, at publishersAt: they are read again only when it
	// changed or they are older than snapshotTTL.
	publishersVersion uint64
	publishersAt      time.Time
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
	// the index's versions of Updated and Added (see entryCache).
	UpdatedVersions, AddedVersions []uint64
}

type snapshots struct {
	mu  sync.Mutex
	cur *snapshot
	// building is closed when the build in flight ends; nil when there is none.
	building chan struct{}
}

// snapshot returns the current snapshot, rebuilding it when the index moved on.
// While one request rebuilds it, the others keep the one it replaces rather
// than queue behind the build (during a crawl the index moves every few
// seconds); only the first build is waited for.
func (s *Server) snapshot(ctx context.Context) (*snapshot, error) {
	for {
		seq := s.index.Seq()
		s.snaps.mu.Lock()
		cur, building := s.snaps.cur, s.snaps.building
		if cur != nil && (building != nil || cur.seq == seq && time.Since(cur.at) < snapshotTTL) {
			s.snaps.mu.Unlock()
			return cur, nil
		}
		if building == nil {
			done := make(chan struct{})
			s.snaps.building = done
			s.snaps.mu.Unlock()
			snap, err := s.buildSnapshot(ctx, seq, cur)
			s.snaps.mu.Lock()
			s.snaps.building = nil
			if err == nil {
				s.snaps.cur = snap
			}
			s.snaps.mu.Unlock()
			close(done)
			return snap, err
		}
		s.snaps.mu.Unlock()
		select {
		case <-building:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// homeLists is how many entries the home page lists as recently added and updated.
const homeLists = 6

func (s *Server) buildSnapshot(ctx context.Context, seq int64, prev *snapshot) (*snapshot, error) {
	snap := &snapshot{seq: seq, at: time.Now()}
	if pv := s.index.PublishersVersion(); prev != nil && prev.publishersVersion == pv && time.Since(prev.publishersAt) < snapshotTTL {
		snap.publishers, snap.publisherOrder = prev.publishers, prev.publisherOrder
		snap.publishersVersion, snap.publishersAt = pv, prev.publishersAt
	} else if err := s.readPublishers(ctx, snap, pv); err != nil {
		return nil, err
	}
	snap.home.Publishers = len(snap.publishers)
	res, err := s.index.Search(ctx, search.Request{Sort: "-updated", Size: homeLists, FacetValues: 200})
	if err != nil {
		return nil, err
	}
	snap.home.Software, snap.home.Updated, snap.home.UpdatedVersions = res.Total, res.IDs, res.Versions
	for _, f := range res.Facets {
		if f.Name == search.FacetCategories.String() {
			snap.home.Categories = f.Values
		}
	}
	added, err := s.index.Search(ctx, search.Request{Sort: "-created", Size: homeLists, NoFacets: true})
	if err != nil {
		return nil, err
	}
	snap.home.Added, snap.home.AddedVersions = added.IDs, added.Versions
	return snap, nil
}

// readPublishers reads every publisher from the store into snap, at the
// index's publishers version pv.
func (s *Server) readPublishers(ctx context.Context, snap *snapshot, pv uint64) error {
	snap.publishers, snap.publishersVersion, snap.publishersAt = map[string]catalogue.Publisher{}, pv, time.Now()
	for after := ""; ; {
		list, next, err := s.catalog.Publishers(ctx, catalogue.Page{After: after, Size: 100})
		if err != nil {
			return err
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
	return nil
}

// publisherName is a publisher's name, or its ID when it is unknown.
func (snap *snapshot) publisherName(id string) string {
	if p, ok := snap.publishers[id]; ok {
		return p.Name
	}
	return id
}
