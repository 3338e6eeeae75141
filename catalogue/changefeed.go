package catalogue

import (
	"context"
	"fmt"
)

// FeedLog is the change log as the change feed reads it.
type FeedLog interface {
	// ChangesSince is the log after a sequence number, at most limit entries,
	// failing with ErrGone when after is older than the log's retention.
	ChangesSince(ctx context.Context, after int64, limit int) ([]Change, error)
}

// FeedSource reads, in one call each for a whole page, the entities a page of
// the change feed names.
type FeedSource interface {
	// SoftwareByIDs returns the listed entries among ids.
	SoftwareByIDs(ctx context.Context, ids []string) ([]Software, error)
	// PublishersByIDs returns the publishers among ids, whatever their status.
	PublishersByIDs(ctx context.Context, ids []string) ([]Publisher, error)
}

// FeedJoins reads the join records declared here; an instance without
// accounts has none.
type FeedJoins interface {
	// JoinsByIDs returns the records among ids that still exist.
	JoinsByIDs(ctx context.Context, ids []string) ([]Join, error)
}

// FeedEntry is one entry of the change feed: a change of the log, with the
// entity as it is now. Op says what the entity is now (OpUpsert with the
// entity while it is listed, OpHide once it is not; a change of a type this
// version does not know keeps the op it was logged with), so a follower that
// applies a page in order ends where the catalogue is.
type FeedEntry struct {
	Change
	// Software is set for an upserted software entry, with the publishers it
	// names as this instance describes them, in its order.
	Software   *Software
	Publishers []Publisher
	// Publisher is set for an upserted publisher.
	Publisher *Publisher
	// Join is set for an upserted join record declared here.
	Join *Join
}

// FeedPage is a page of the change feed.
type FeedPage struct {
	Entries []FeedEntry
	// Last is the sequence number of the page's last change (after, for an empty page).
	Last int64
	// More is set when changes follow the page.
	More bool
}

// ReadFeed reads the page of the change feed after sequence number after: at
// most size changes of the log, in order, every one of them (several changes of
// one entity each carry it), except those about code entries, which are not
// software and never published to followers. joins may be nil: join records are
// then hidden.
func ReadFeed(ctx context.Context, log FeedLog, src FeedSource, joins FeedJoins, after int64, size int) (FeedPage, error) {
	// One change more than the page tells whether another page follows.
	changes, err := log.ChangesSince(ctx, after, size+1)
	if err != nil {
		return FeedPage{}, fmt.Errorf("change feed after %d: %w", after, err)
	}
	page := FeedPage{Last: after, More: len(changes) > size}
	changes = changes[:min(len(changes), size)]
	if len(changes) > 0 {
		page.Last = changes[len(changes)-1].Seq
	}
	ents, err := loadFeedEntities(ctx, src, joins, changes)
	if err != nil {
		return FeedPage{}, fmt.Errorf("change feed after %d: %w", after, err)
	}
	page.Entries = ents.assemble(changes)
	return page, nil
}

// feedEntities are the entities a page names, by ID.
type feedEntities struct {
	software   map[string]*Software
	publishers map[string]*Publisher
	joins      map[string]*Join
}

// idList is a list of IDs, each once, in the order first added.
type idList struct {
	ids  []string
	seen map[string]bool
}

func (l *idList) add(id string) {
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if !l.seen[id] {
		l.seen[id] = true
		l.ids = append(l.ids, id)
	}
}

// loadFeedEntities reads what changes name, each kind in one call: the
// publishers the software names are read with those the changes name.
func loadFeedEntities(ctx context.Context, src FeedSource, joins FeedJoins, changes []Change) (feedEntities, error) {
	ids := map[ChangeType]*idList{ChangeSoftware: {}, ChangePublisher: {}, ChangeJoin: {}}
	for _, ch := range changes {
		if l := ids[ch.Type]; l != nil {
			l.add(ch.ID)
		}
	}
	e := feedEntities{software: map[string]*Software{}, publishers: map[string]*Publisher{}, joins: map[string]*Join{}}
	software, err := src.SoftwareByIDs(ctx, ids[ChangeSoftware].ids)
	if err != nil {
		return e, err
	}
	for i := range software {
		e.software[software[i].ID] = &software[i]
		for _, p := range software[i].Publishers {
			ids[ChangePublisher].add(p)
		}
	}
	if pubIDs := ids[ChangePublisher].ids; len(pubIDs) > 0 {
		pubs, err := src.PublishersByIDs(ctx, pubIDs)
		if err != nil {
			return e, err
		}
		for i := range pubs {
			e.publishers[pubs[i].ID] = &pubs[i]
		}
	}
	if joinIDs := ids[ChangeJoin].ids; joins != nil && len(joinIDs) > 0 {
		list, err := joins.JoinsByIDs(ctx, joinIDs)
		if err != nil {
			return e, err
		}
		for i := range list {
			e.joins[list[i].ID] = &list[i]
		}
	}
	return e, nil
}

// assemble makes the page's entries, in the order of changes.
func (e feedEntities) assemble(changes []Change) []FeedEntry {
	out := make([]FeedEntry, 0, len(changes))
	for _, ch := range changes {
		if ch.Type == ChangeCode {
			continue
		}
		it := FeedEntry{Change: ch}
		it.Op = OpHide
		switch ch.Type {
		case ChangeSoftware:
			if sw := e.software[ch.ID]; sw != nil {
				it.Op, it.Software, it.Publishers = OpUpsert, sw, []Publisher{}
				for _, id := range sw.Publishers {
					if p := e.publishers[id]; p != nil {
						it.Publishers = append(it.Publishers, *p)
					}
				}
			}
		case ChangePublisher:
			if p := e.publishers[ch.ID]; p != nil {
				it.Op, it.Publisher = OpUpsert, p
			}
		case ChangeJoin:
			if j := e.joins[ch.ID]; j != nil {
				it.Op, it.Join = OpUpsert, j
			}
		default:
			it.Op = ch.Op
		}
		out = append(out, it)
	}
	return out
}
