package ui

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// changeItem is one entry of the change feed: the change, and the entity as it
// is now. op says what the entity is now ("upsert" with its entry while it is
// listed, "hide" once it is not), so a follower that applies a page in order
// ends where the catalogue is.
type changeItem struct {
	Seq   int64  `json:"seq"`
	Type  string `json:"type"`
	Op    string `json:"op"`
	ID    string `json:"id"`
	At    string `json:"at"`
	Entry any    `json:"entry,omitempty"`
}

// feedSoftware is a software entry in the feed: the API item with its
// publiccode.yml and its publishers as this instance describes them.
type feedSoftware struct {
	softwareItem
	PublisherDetails []catalogue.OriginPublisher `json:"publisherDetails"`
}

// apiChanges answers GET /api/v1/changes?after=SEQ: the change log after SEQ,
// read from the store. A cursor older than the log's retention gets 410 Gone:
// the follower lists /api/v1/software again, then follows from "resumeAfter".
func (s *Server) apiChanges(c echo.Context) error {
	size, _, err := pageParams(c)
	if err != nil {
		return err
	}
	var after int64
	if raw := c.QueryParam("after"); raw != "" {
		if after, err = strconv.ParseInt(raw, 10, 64); err != nil || after < 0 {
			return badRequest{"after must be a change sequence number (0 or more), not " + strconv.Quote(raw)}
		}
	}
	ctx := c.Request().Context()
	changes, err := s.fed.ChangesSince(ctx, after, size)
	if errors.Is(err, catalogue.ErrGone) {
		return writeProblem(c, http.StatusGone, "this cursor is older than the change log's retention: list /api/v1/software?include=publiccodeYml again, then follow the feed after resumeAfter",
			map[string]any{"resync": "/api/v1/software?include=publiccodeYml&page[size]=100", "resumeAfter": s.resumeAfter(c), "instance": s.opts.Federation.InstanceID})
	}
	if err != nil {
		return err
	}
	// Only the last change of an entity in the page is sent: they all carry its
	// state now.
	last := map[string]int{}
	var swIDs []string
	for i, ch := range changes {
		k := string(ch.Type) + "\x00" + ch.ID
		if _, seen := last[k]; !seen && ch.Type == catalogue.ChangeSoftware {
			swIDs = append(swIDs, ch.ID)
		}
		last[k] = i
	}
	listed, err := s.store.SoftwareByIDs(ctx, swIDs)
	if err != nil {
		return err
	}
	software := make(map[string]catalogue.Software, len(listed))
	for _, sw := range listed {
		software[sw.ID] = sw
	}
	pubs := publisherCache{s: s, c: c, byID: map[string]*catalogue.Publisher{}}
	items := make([]changeItem, 0, len(last))
	for i, ch := range changes {
		if last[string(ch.Type)+"\x00"+ch.ID] != i || ch.Type == catalogue.ChangeCode {
			continue // code entries are not software: never published to followers
		}
		it := changeItem{Seq: ch.Seq, Type: string(ch.Type), Op: string(catalogue.OpHide), ID: ch.ID, At: ch.At.Format(timeFormat)}
		switch ch.Type {
		case catalogue.ChangeSoftware:
			if sw, ok := software[ch.ID]; ok {
				entry := feedSoftware{softwareItem: s.publish(sw), PublisherDetails: []catalogue.OriginPublisher{}}
				entry.PubliccodeYml = sw.Raw
				for _, id := range sw.Publishers {
					if p := pubs.get(id); p != nil {
						entry.PublisherDetails = append(entry.PublisherDetails, catalogue.OriginPublisher{ID: p.ID, Name: p.Name, Country: p.Country, URI: p.URI})
					}
				}
				it.Op, it.Entry = string(catalogue.OpUpsert), entry
			}
		case catalogue.ChangePublisher:
			if p := pubs.get(ch.ID); p != nil {
				it.Op, it.Entry = string(catalogue.OpUpsert), newPublisherItem(*p)
			}
		case catalogue.ChangeJoin:
			// A record declared here, without its contact; a withdrawn one is a hide.
			if s.opts.Community != nil {
				j, err := s.opts.Community.Join(ctx, ch.ID)
				switch {
				case err == nil:
					ji := newJoinItem(j, false, time.Now())
					ji.Instance, ji.Software = s.opts.Federation.InstanceID, j.Software
					it.Op, it.Entry = string(catalogue.OpUpsert), ji
				case !errors.Is(err, catalogue.ErrNotFound):
					return err
				}
			}
		default:
			// Kinds this version does not know pass as logged.
			it.Op = string(ch.Op)
		}
		items = append(items, it)
	}
	links := map[string]any{"next": nil}
	lastSeq := after
	if len(changes) > 0 {
		lastSeq = changes[len(changes)-1].Seq
	}
	if len(changes) == size {
		links["next"] = "/api/v1/changes?after=" + strconv.FormatInt(lastSeq, 10) + "&page[size]=" + strconv.Itoa(size)
	}
	head, err := s.store.ChangeHead(ctx)
	if err != nil {
		return err
	}
	return jsonOK(c, listResponse{Data: items, Links: links,
		Meta: map[string]any{"instance": s.opts.Federation.InstanceID, "head": head, "last": lastSeq}})
}

// resumeAfter is where a follower that just listed /api/v1/software resumes the
// feed: the position the search index (which serves that list) reflects, so no
// change falls between the list and the feed.
func (s *Server) resumeAfter(c echo.Context) int64 {
	head, err := s.store.ChangeHead(c.Request().Context())
	if err != nil {
		return 0
	}
	if s.index != nil {
		head = min(head, s.index.Seq())
	}
	return head
}

const timeFormat = "2006-01-02T15:04:05.999999Z07:00"

// publisherCache reads each publisher once per request.
type publisherCache struct {
	s    *Server
	c    echo.Context
	byID map[string]*catalogue.Publisher
}

func (p publisherCache) get(id string) *catalogue.Publisher {
	if v, ok := p.byID[id]; ok {
		return v
	}
	pub, err := p.s.store.Publisher(p.c.Request().Context(), id)
	if err != nil {
		p.byID[id] = nil
		return nil
	}
	p.byID[id] = &pub
	return &pub
}
