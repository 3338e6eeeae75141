package harvest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// remoteSoftware is a software entry as an Oscat peer's feed and API give it.
type remoteSoftware struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Name     string `json:"name"`
	Valid    bool   `json:"valid"`
	Findings struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	} `json:"findings"`
	Publishers       []string                    `json:"publishers"`
	PublisherDetails []catalogue.OriginPublisher `json:"publisherDetails"`
	Joins            []catalogue.JoinRecord      `json:"joins"`
	PubliccodeYml    string                      `json:"publiccodeYml"`
	Contributors     []remoteContributor         `json:"contributors"`
	Contributions    *struct {
		Commits    int                           `json:"commits"`
		Commits12m int                           `json:"commits12m"`
		Truncated  bool                          `json:"truncated"`
		Shared     bool                          `json:"shared"`
		Holds      int                           `json:"holds"`
		ComputedAt time.Time                     `json:"computedAt"`
		Months     []catalogue.ContributionMonth `json:"months"`
	} `json:"contributions"`
	Origin *struct {
		Instance   string                      `json:"instance"`
		Publishers []catalogue.OriginPublisher `json:"publishers"`
	} `json:"origin"`
}

// remoteContributor is one organisation of a peer's contribution figures.
type remoteContributor struct {
	Kind       catalogue.ContributorKind `json:"kind"`
	Name       string                    `json:"name"`
	Commits12m int                       `json:"commits12m"`
	Authors12m catalogue.AuthorCount     `json:"authors12m"`
	Commits    int                       `json:"commits"`
	Authors    catalogue.AuthorCount     `json:"authors"`
	LastCommit time.Time                 `json:"lastCommit"`
}

// contributions are a peer's figures as we keep them. The peer's publisher IDs
// mean nothing here, so administrations are kept by name only.
func (sw remoteSoftware) contributions() *catalogue.Contributions {
	if sw.Contributions == nil {
		return nil
	}
	c := &catalogue.Contributions{Contributors: []catalogue.Contributor{}, Months: sw.Contributions.Months,
		Commits: sw.Contributions.Commits, Commits12m: sw.Contributions.Commits12m, Truncated: sw.Contributions.Truncated, Shared: sw.Contributions.Shared, Holds: sw.Contributions.Holds, At: sw.Contributions.ComputedAt.UTC()}
	for _, x := range sw.Contributors {
		switch x.Kind {
		case catalogue.KindAdministration, catalogue.KindCompany, catalogue.KindIndividuals, catalogue.KindOther:
		default:
			continue
		}
		c.Contributors = append(c.Contributors, catalogue.Contributor{Kind: x.Kind, Name: x.Name, Commits12m: x.Commits12m,
			Authors12m: x.Authors12m, Commits: x.Commits, Authors: x.Authors, LastCommit: x.LastCommit.UTC()})
	}
	for _, m := range c.Months {
		if len(m.Commits) != len(c.Contributors) || len(m.Authors) != len(c.Contributors) {
			c.Months = nil // not aligned with the contributors: the chart cannot be drawn
			break
		}
	}
	return c
}

type feedPage struct {
	Data []struct {
		Seq   int64           `json:"seq"`
		Type  string          `json:"type"`
		Op    string          `json:"op"`
		ID    string          `json:"id"`
		Entry *remoteSoftware `json:"entry"`
	} `json:"data"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	Meta struct {
		Instance string `json:"instance"`
		Last     int64  `json:"last"`
	} `json:"meta"`
	// A 410 answer says where to resume after a resync, and whose feed it is.
	ResumeAfter int64  `json:"resumeAfter"`
	Instance    string `json:"instance"`
}

// oscat follows an Oscat peer's change feed from where the last harvest ended.
// A cursor older than the peer's retention (410) means a resync: the whole list,
// then the feed from where the peer says.
func (h *Harvester) oscat(ctx context.Context, p catalogue.Peer, res *Result) error {
	cursor, instance := p.Cursor, p.Instance
	for {
		var page feedPage
		u := p.URL + "/api/v1/changes?after=" + strconv.FormatInt(cursor, 10) + "&page[size]=" + strconv.Itoa(h.opts.PageSize)
		status, err := h.getJSON(ctx, u, &page)
		if status == http.StatusGone {
			if res.Resynced {
				return fmt.Errorf("GET %s: the feed is gone again right after a resync", u)
			}
			if page.Instance != "" {
				instance = page.Instance
			}
			if err := h.resync(ctx, p, instance, page.ResumeAfter, res); err != nil {
				return err
			}
			res.Resynced = true
			cursor = page.ResumeAfter
			continue
		}
		if err != nil {
			return err
		}
		if page.Meta.Instance == "" {
			return fmt.Errorf("GET %s: not an Oscat change feed (no meta.instance)", u)
		}
		instance = page.Meta.Instance
		b := catalogue.HarvestBatch{Peer: p.URL, Instance: instance}
		// The feed sends every change, each with its entity as it is now: an
		// entity changed twice in the page is applied once, at its last change.
		last := map[string]int{}
		for i, it := range page.Data {
			last[it.Type+"\x00"+it.ID] = i
		}
		for i, it := range page.Data {
			if it.Type != string(catalogue.ChangeSoftware) || last[it.Type+"\x00"+it.ID] != i {
				continue // publishers ride with their software; join records with theirs
			}
			if it.Op == string(catalogue.OpUpsert) && it.Entry != nil {
				b.Upserts = append(b.Upserts, h.entry(p.URL, instance, *it.Entry, nil))
			} else {
				b.Hides = append(b.Hides, it.ID)
			}
		}
		upTo := page.Meta.Last
		if upTo < cursor {
			upTo = cursor
		}
		b.Cursor = &upTo
		c, err := h.store.ApplyHarvest(ctx, b)
		if err != nil {
			return err
		}
		res.add(c)
		cursor = upTo
		if page.Links.Next == nil || len(page.Data) == 0 {
			return nil
		}
	}
}

// resync lists the peer's whole catalogue, applies it, hides what it no longer
// lists, and sets the feed position to resume from.
func (h *Harvester) resync(ctx context.Context, p catalogue.Peer, instance string, resumeAfter int64, res *Result) error {
	pubs, err := h.oscatPublishers(ctx, p.URL)
	if err != nil {
		return err
	}
	var seen []string
	first := p.URL + "/api/v1/software?include=publiccodeYml&page[size]=" + strconv.Itoa(h.opts.PageSize)
	err = eachPage(ctx, h, first, h.opts.PageSize, func(list []remoteSoftware) error {
		b := catalogue.HarvestBatch{Peer: p.URL, Instance: instance}
		for _, sw := range list {
			seen = append(seen, sw.ID)
			b.Upserts = append(b.Upserts, h.entry(p.URL, instance, sw, pubs))
		}
		c, err := h.store.ApplyHarvest(ctx, b)
		res.add(c)
		return err
	})
	if err != nil {
		return err
	}
	c, err := h.store.ApplyHarvest(ctx, catalogue.HarvestBatch{Peer: p.URL, Instance: instance, Complete: true, Seen: seen, Cursor: &resumeAfter})
	res.add(c)
	return err
}

// oscatPublishers reads every publisher of an Oscat peer, for the resync's
// entries (the feed's carry their publishers' details).
func (h *Harvester) oscatPublishers(ctx context.Context, base string) (map[string]catalogue.OriginPublisher, error) {
	out := map[string]catalogue.OriginPublisher{}
	err := eachPage(ctx, h, base+"/api/v1/publishers?page[size]=100", 100, func(list []catalogue.OriginPublisher) error {
		for _, pub := range list {
			out[pub.ID] = pub
		}
		return nil
	})
	return out, err
}

// entry turns a peer's software item into what the store keeps. The instance
// that crawled it is the peer, unless the peer harvested it itself.
func (h *Harvester) entry(peerURL, peerInstance string, sw remoteSoftware, pubs map[string]catalogue.OriginPublisher) catalogue.HarvestedEntry {
	e := catalogue.HarvestedEntry{RemoteID: sw.ID, URL: sw.URL, Instance: peerInstance, Page: peerURL + "/software/" + sw.ID,
		Name: sw.Name, Raw: sw.PubliccodeYml, Valid: sw.Valid, Errors: sw.Findings.Errors, Warnings: sw.Findings.Warnings,
		Publishers: sw.PublisherDetails, Joins: sw.Joins}
	if sw.Origin != nil {
		e.Instance = sw.Origin.Instance
		if len(e.Publishers) == 0 {
			e.Publishers = sw.Origin.Publishers
		}
	}
	if len(e.Publishers) == 0 {
		for _, id := range sw.Publishers {
			if p, ok := pubs[id]; ok {
				e.Publishers = append(e.Publishers, catalogue.OriginPublisher{ID: p.ID, Name: p.Name, Country: p.Country, URI: p.URI})
			}
		}
	}
	for i := range e.Joins {
		if e.Joins[i].Instance == "" {
			e.Joins[i].Instance = e.Instance
		}
	}
	e.File = publiccode.Read([]byte(sw.PubliccodeYml), publiccode.Limits{}).File
	e.Contributions = sw.contributions()
	e.Digest = digest(sw.ID, sw.URL, sw.PubliccodeYml, sw.Valid, sw.Findings, e.Instance, e.Publishers, e.Joins)
	if e.Contributions != nil {
		// Apart, so that entries harvested before the figures keep their digests.
		e.Digest = digest(e.Digest, e.Contributions)
	}
	return e
}
