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

// changesList is the query GET /api/v1/changes reads besides after: a page
// size only (it pages by after, not page[after]).
var changesList = listSpec{cursor: func(string) bool { return false }}

// apiChanges answers GET /api/v1/changes?after=SEQ: the change log after SEQ,
// read from the store, every change in order whatever the page size (each
// carries its entity as it is now). links.next is set while changes follow the
// page. A cursor the log cannot continue gets 410 Gone: one older than its
// retention, or one beyond its head (the log was restored from an older backup,
// or another catalogue now answers at this URL); the follower lists
// /api/v1/software again, then follows from "resumeAfter".
func (s *Server) apiChanges(c echo.Context) error {
	lq, err := parseList(c, changesList)
	if err != nil {
		return err
	}
	size := lq.size
	var after int64
	if raw := c.QueryParam("after"); raw != "" {
		if after, err = strconv.ParseInt(raw, 10, 64); err != nil || after < 0 {
			return badRequest{"after must be a change sequence number (0 or more), not " + strconv.Quote(raw)}
		}
	}
	ctx := c.Request().Context()
	head, err := s.catalog.ChangeHead(ctx)
	if err != nil {
		return err
	}
	gone := func(why string) error {
		return writeProblem(c, http.StatusGone, why+": list /api/v1/software?include=publiccodeYml again, then follow the feed after resumeAfter",
			map[string]any{"resync": "/api/v1/software?include=publiccodeYml&page[size]=100", "resumeAfter": s.resumeAfter(c), "instance": s.opts.Federation.InstanceID, "head": head})
	}
	if after > head {
		return gone("after " + strconv.FormatInt(after, 10) + " is beyond the change log's head, " + strconv.FormatInt(head, 10) + ", so it was not given by this catalogue's log as it is now")
	}
	// One change more than the page tells whether another page follows.
	changes, err := s.federation.ChangesSince(ctx, after, size+1)
	if errors.Is(err, catalogue.ErrGone) {
		return gone("this cursor is older than the change log's retention")
	}
	if err != nil {
		return err
	}
	more := len(changes) > size
	changes = changes[:min(len(changes), size)]
	seen := map[string]bool{}
	var swIDs []string
	for _, ch := range changes {
		if ch.Type == catalogue.ChangeSoftware && !seen[ch.ID] {
			seen[ch.ID] = true
			swIDs = append(swIDs, ch.ID)
		}
	}
	listed, err := s.catalog.SoftwareByIDs(ctx, swIDs)
	if err != nil {
		return err
	}
	software := make(map[string]catalogue.Software, len(listed))
	for _, sw := range listed {
		software[sw.ID] = sw
	}
	pubs := publisherCache{s: s, c: c, byID: map[string]*catalogue.Publisher{}}
	items := make([]changeItem, 0, len(changes))
	for _, ch := range changes {
		if ch.Type == catalogue.ChangeCode {
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
			if s.accounts != nil {
				j, err := s.joins.Join(ctx, ch.ID)
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
	if more {
		links["next"] = "/api/v1/changes?after=" + strconv.FormatInt(lastSeq, 10) + "&page[size]=" + strconv.Itoa(size)
	}
	head = max(head, lastSeq)
	return jsonOK(c, listResponse{Data: items, Links: links,
		Meta: map[string]any{"instance": s.opts.Federation.InstanceID, "head": head, "last": lastSeq}})
}

// resumeAfter is where a follower that just listed /api/v1/software resumes the
// feed: the position the search index (which serves that list) reflects, so no
// change falls between the list and the feed.
func (s *Server) resumeAfter(c echo.Context) int64 {
	head, err := s.catalog.ChangeHead(c.Request().Context())
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
	pub, err := p.s.catalog.Publisher(p.c.Request().Context(), id)
	if err != nil {
		p.byID[id] = nil
		return nil
	}
	p.byID[id] = &pub
	return &pub
}
