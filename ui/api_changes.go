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

// changesMeta is the meta of a page of the change feed: the log's head, this
// instance, and the last change the page holds (its fields in the order a map
// of them was written, so the bytes on the wire stay as they were).
type changesMeta struct {
	Head     int64  `json:"head"`
	Instance string `json:"instance"`
	Last     int64  `json:"last"`
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
	var joins catalogue.FeedJoins
	if s.accounts != nil {
		joins = s.joins
	}
	page, err := catalogue.ReadFeed(ctx, s.federation, s.catalog, joins, after, lq.size)
	if errors.Is(err, catalogue.ErrGone) {
		return gone("this cursor is older than the change log's retention")
	}
	if err != nil {
		return err
	}
	var links listLinks
	if page.More {
		next := "/api/v1/changes?after=" + strconv.FormatInt(page.Last, 10) + "&page[size]=" + strconv.Itoa(lq.size)
		links.Next = &next
	}
	return jsonOK(c, listResponse{Data: s.changeItems(page.Entries), Links: links,
		Meta: changesMeta{Head: max(head, page.Last), Instance: s.opts.Federation.InstanceID, Last: page.Last}})
}

// changeItems are the feed's entries as the API gives them: a join record
// declared here goes without its contact.
func (s *Server) changeItems(entries []catalogue.FeedEntry) []changeItem {
	now := time.Now()
	items := make([]changeItem, 0, len(entries))
	for _, e := range entries {
		it := changeItem{Seq: e.Seq, Type: string(e.Type), Op: string(e.Op), ID: e.ID, At: e.At.Format(timeFormat)}
		switch {
		case e.Software != nil:
			entry := feedSoftware{softwareItem: s.publish(*e.Software), PublisherDetails: make([]catalogue.OriginPublisher, 0, len(e.Publishers))}
			entry.PubliccodeYml = e.Software.Raw
			for _, p := range e.Publishers {
				entry.PublisherDetails = append(entry.PublisherDetails, catalogue.OriginPublisher{ID: p.ID, Name: p.Name, Country: p.Country, URI: p.URI})
			}
			it.Entry = entry
		case e.Publisher != nil:
			it.Entry = newPublisherItem(*e.Publisher)
		case e.Join != nil:
			ji := newJoinItem(*e.Join, false, now)
			ji.Instance, ji.Software = s.opts.Federation.InstanceID, e.Join.Software
			it.Entry = ji
		}
		items = append(items, it)
	}
	return items
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
