package harvest

import (
	"context"
	"strconv"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

type diSoftware struct {
	ID            string `json:"id"`
	URL           string `json:"url"`
	PubliccodeYml string `json:"publiccodeYml"`
	Active        *bool  `json:"active"`
}

type diPublisher struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	CodeHosting []struct {
		URL string `json:"url"`
	} `json:"codeHosting"`
	AlternativeID string `json:"alternativeId"`
}

// di harvests a Developers Italia-compatible API. It offers no change feed and
// filters only by creation time, so the whole list is read, each entry compared
// with what the last harvest kept, and only what changed is applied; what the
// list no longer holds is removed once the list was read to its end.
func (h *Harvester) di(ctx context.Context, p catalogue.Peer, res *Result) error {
	owners, err := h.diPublishers(ctx, p.URL)
	if err != nil {
		return err
	}
	known, err := h.store.PeerDigests(ctx, p.URL)
	if err != nil {
		return err
	}
	var seen []string
	err = eachPage(ctx, h, p.URL+"/software?page[size]="+strconv.Itoa(h.opts.PageSize), h.opts.PageSize, func(list []diSoftware) error {
		b := catalogue.HarvestBatch{Peer: p.URL, Instance: p.URL}
		for _, sw := range list {
			if sw.Active != nil && !*sw.Active {
				continue
			}
			seen = append(seen, sw.ID)
			d := digest(sw.ID, sw.URL, sw.PubliccodeYml)
			if known[sw.ID] == d {
				res.Count.Unchanged++
				continue
			}
			b.Upserts = append(b.Upserts, diEntry(p.URL, sw, d, owners))
		}
		if len(b.Upserts) == 0 {
			return nil
		}
		c, err := h.store.ApplyHarvest(ctx, b)
		res.add(c)
		return err
	})
	if err != nil {
		return err
	}
	c, err := h.store.ApplyHarvest(ctx, catalogue.HarvestBatch{Peer: p.URL, Instance: p.URL, Complete: true, Seen: seen})
	res.add(c)
	return err
}

func diEntry(base string, sw diSoftware, d string, owners map[string]catalogue.OriginPublisher) catalogue.HarvestedEntry {
	doc := publiccode.Check([]byte(sw.PubliccodeYml), publiccode.Options{})
	c := publiccode.Count(doc.Findings)
	e := catalogue.HarvestedEntry{RemoteID: sw.ID, URL: sw.URL, Instance: base, Page: base + "/software/" + sw.ID, Raw: sw.PubliccodeYml,
		File: doc.File, Valid: c.Errors == 0, Errors: c.Errors, Warnings: c.Warnings, Digest: d}
	if doc.File != nil {
		e.Name = doc.File.Name
	}
	if owner, ok := ownerOf(sw.URL, owners); ok {
		e.Publishers = []catalogue.OriginPublisher{owner}
	}
	return e
}

// diPublishers reads the peer's publishers, keyed by the canonical URL of each
// code hosting they list: Developers Italia links software to its publisher only
// that way.
func (h *Harvester) diPublishers(ctx context.Context, base string) (map[string]catalogue.OriginPublisher, error) {
	out := map[string]catalogue.OriginPublisher{}
	err := eachPage(ctx, h, base+"/publishers?page[size]=100", 100, func(list []diPublisher) error {
		for _, p := range list {
			for _, ch := range p.CodeHosting {
				if u, err := catalogue.CanonicalURL(ch.URL); err == nil {
					out[u] = catalogue.OriginPublisher{ID: p.ID, Name: p.Description}
				}
			}
		}
		return nil
	})
	return out, err
}

// ownerOf finds the publisher whose code hosting is the software's URL or one
// of its parents.
func ownerOf(raw string, owners map[string]catalogue.OriginPublisher) (catalogue.OriginPublisher, bool) {
	u, err := catalogue.CanonicalURL(raw)
	if err != nil {
		return catalogue.OriginPublisher{}, false
	}
	for {
		if p, ok := owners[u]; ok {
			return p, true
		}
		i := strings.LastIndexByte(u, '/')
		if i <= len("https://") {
			return catalogue.OriginPublisher{}, false
		}
		u = u[:i]
	}
}
