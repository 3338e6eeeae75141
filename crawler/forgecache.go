package crawler

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/oscat-eu/oscat/crawler/forge"
)

// forgeCache keeps forge listing pages in the store, so conditional requests work
// across crawls and processes.
type forgeCache struct{ store forgePages }

// forgePages is the store of forge listing pages.
type forgePages interface {
	ForgePage(ctx context.Context, url string) (etag string, body []byte, ok bool, err error)
	PutForgePage(ctx context.Context, url, etag string, body []byte) error
}

func (c forgeCache) Get(ctx context.Context, url string) (forge.CachedPage, bool, error) {
	etag, body, ok, err := c.store.ForgePage(ctx, url)
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
		return fmt.Errorf("encode forge page %s: %w", url, err)
	}
	return c.store.PutForgePage(ctx, url, p.ETag, b)
}
