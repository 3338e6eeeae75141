package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/forge"
)

// payload is what the crawler's jobs carry.
type payload struct {
	Run       int64  `json:"run"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Group     bool   `json:"group,omitempty"`
	Type      string `json:"type,omitempty"`
}

func (p payload) encode() []byte {
	b, _ := json.Marshal(p)
	return b
}

func decodePayload(j catalogue.Job) (payload, error) {
	var p payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return p, fmt.Errorf("job %s %s: payload: %w", j.Kind, j.Key, err)
	}
	return p, nil
}

func catalogueNotFound(err error) bool { return errors.Is(err, catalogue.ErrNotFound) }

// forgeCache keeps forge listing pages in the store, so conditional requests work
// across crawls and processes.
type forgeCache struct{ opts catalogue.CrawlStore }

func (c forgeCache) Get(ctx context.Context, url string) (forge.CachedPage, bool, error) {
	etag, body, ok, err := c.opts.ForgePage(ctx, url)
	if err != nil || !ok {
		return forge.CachedPage{}, false, err
	}
	var p forge.CachedPage
	if err := json.Unmarshal(body, &p); err != nil {
		return forge.CachedPage{}, false, nil
	}
	p.ETag = etag
	return p, true, nil
}

func (c forgeCache) Put(ctx context.Context, url string, p forge.CachedPage) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.opts.PutForgePage(ctx, url, p.ETag, b)
}
