package ui

import (
	"container/list"
	"context"
	"sync"

	"github.com/oscat-eu/oscat/catalogue"
)

// entryCacheSize is how many entries the lists of results keep at hand: the
// first pages of the queries people ask most. An entry is a few KiB.
const entryCacheSize = 4096

// entryCache keeps the entries that results pages list, each with the search
// index's version of it (search.Result.Versions). A cached entry is used only
// while the index still has that version, so a list is never older than the
// index it comes from; the store is asked only for the others, in one call.
// On PostgreSQL this saves a results page its round trips to the database.
//
// Cached entries are shared by every page that lists them: read them, never
// change them.
type entryCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cachedEntry, most recently used first
	byID  map[string]*list.Element
}

type cachedEntry struct {
	version uint64
	sw      catalogue.Software
}

func newEntryCache(size int) *entryCache {
	return &entryCache{max: size, order: list.New(), byID: map[string]*list.Element{}}
}

// listed returns the listed entries among ids, in the order of ids, as
// load(ids) would; versions[i] is the index's version of ids[i]. Without
// versions (or a cache) it is load itself.
func (c *entryCache) listed(ctx context.Context, ids []string, versions []uint64,
	load func(context.Context, []string) ([]catalogue.Software, error)) ([]catalogue.Software, error) {
	if c == nil || len(versions) != len(ids) {
		return load(ctx, ids)
	}
	found := make(map[string]catalogue.Software, len(ids))
	var missing []string
	c.mu.Lock()
	for i, id := range ids {
		if e, ok := c.byID[id]; ok && e.Value.(*cachedEntry).version == versions[i] {
			c.order.MoveToFront(e)
			found[id] = e.Value.(*cachedEntry).sw
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		loaded, err := load(ctx, missing)
		if err != nil {
			return nil, err
		}
		version := make(map[string]uint64, len(ids))
		for i, id := range ids {
			version[id] = versions[i]
		}
		c.mu.Lock()
		for _, sw := range loaded {
			found[sw.ID] = sw
			c.put(sw, version[sw.ID])
		}
		c.mu.Unlock()
	}
	out := make([]catalogue.Software, 0, len(ids))
	for _, id := range ids {
		if sw, ok := found[id]; ok {
			out = append(out, sw)
		}
	}
	return out, nil
}

// put caches sw at version, dropping the least recently used entry when full.
// It keeps the newer of two versions, as pages loading at once may put them
// in either order.
func (c *entryCache) put(sw catalogue.Software, version uint64) {
	if e, ok := c.byID[sw.ID]; ok {
		ce := e.Value.(*cachedEntry)
		if version >= ce.version {
			ce.version, ce.sw = version, sw
		}
		c.order.MoveToFront(e)
		return
	}
	c.byID[sw.ID] = c.order.PushFront(&cachedEntry{version: version, sw: sw})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byID, last.Value.(*cachedEntry).sw.ID)
	}
}

// listed returns the listed entries among the hits ids of a search, in their
// order, through the entry cache.
func (s *Server) listed(ctx context.Context, ids []string, versions []uint64) ([]catalogue.Software, error) {
	return s.entries.listed(ctx, ids, versions, s.catalog.SoftwareByIDs)
}
