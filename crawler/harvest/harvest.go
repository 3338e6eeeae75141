// Package harvest reads peer catalogues into ours: another Oscat through its
// change feed, or an API compatible with Developers Italia's, which has no change
// feed and is listed whole, compared, and applied where it changed. Each step is
// applied in one store transaction with the peer's new position, so a harvest
// killed at any moment resumes where it stopped.
package harvest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// KindPeer is the job kind that harvests one peer (its key is the peer's URL).
const KindPeer catalogue.JobKind = "harvest.peer"

// Options configure a harvester.
type Options struct {
	// Policy is the address policy of every request (the SSRF-safe client).
	Policy safehttp.Policy
	// PageSize is asked of peers (default 100, the most their APIs give).
	PageSize int
	// MaxBytes caps one response (default 32 MiB).
	MaxBytes int64
	Logger   *slog.Logger
}

// PeerStore is what a harvest reads and writes: the peers, their harvested
// entries, and the job queue their scheduled harvests go through.
type PeerStore interface {
	// Peers lists every known peer.
	Peers(ctx context.Context) ([]catalogue.Peer, error)
	// EnsurePeer adds a peer unless it is known (a kind given updates it).
	EnsurePeer(ctx context.Context, p catalogue.Peer) (catalogue.Peer, error)
	// RecordHarvest notes a harvest attempt's outcome (empty err: success).
	RecordHarvest(ctx context.Context, url string, kind catalogue.PeerKind, err string) error
	// ApplyHarvest applies a batch; see catalogue.HarvestBatch.
	ApplyHarvest(ctx context.Context, b catalogue.HarvestBatch) (catalogue.HarvestCount, error)
	// PeerDigests returns the digest of every entry harvested from a peer, by remote ID.
	PeerDigests(ctx context.Context, url string) (map[string]string, error)
	// Enqueue adds jobs, skipping each whose (Kind, Key) already has a live job.
	Enqueue(ctx context.Context, jobs ...catalogue.NewJob) (int, error)
}

// Harvester harvests peers into the store.
type Harvester struct {
	store    PeerStore
	client   *http.Client
	opts     Options
	log      *slog.Logger
	requests atomic.Int64
}

// New returns a harvester writing to store.
func New(store PeerStore, opts Options) *Harvester {
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 32 << 20
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Harvester{store: store, client: opts.Policy.Client(), opts: opts, log: log}
}

// Result is what one harvest of a peer did.
type Result struct {
	Peer     string
	Kind     catalogue.PeerKind
	Count    catalogue.HarvestCount
	Requests int64
	Resynced bool
	Duration time.Duration
}

func (r Result) String() string {
	c := r.Count
	s := fmt.Sprintf("harvest %s (%s): %d added, %d updated, %d unchanged, %d removed, %d skipped (ours or unusable); %d requests (%s)",
		r.Peer, r.Kind, c.Added, c.Updated, c.Unchanged, c.Removed, c.Skipped, r.Requests, r.Duration.Round(time.Millisecond))
	if r.Resynced {
		s += "; resynced from the whole list"
	}
	return s
}

func (r *Result) add(c catalogue.HarvestCount) {
	r.Count.Added += c.Added
	r.Count.Updated += c.Updated
	r.Count.Unchanged += c.Unchanged
	r.Count.Removed += c.Removed
	r.Count.Skipped += c.Skipped
}

// ParsePeer reads a peer as configured: a URL, or KIND:URL with kind "oscat" or
// "di" ("di:https://api.developers.italia.it/v1"). Without a kind it is detected
// at the first harvest.
func ParsePeer(spec string) (catalogue.Peer, error) {
	spec = strings.TrimSpace(spec)
	p := catalogue.Peer{}
	for _, k := range []catalogue.PeerKind{catalogue.PeerOscat, catalogue.PeerDI} {
		if rest, ok := strings.CutPrefix(spec, string(k)+":"); ok && strings.Contains(rest, "://") {
			p.Kind, spec = k, rest
		}
	}
	u, err := url.Parse(spec)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return p, fmt.Errorf("peer %q: write the catalogue's URL (https://…), or di:URL for a Developers Italia-compatible API", spec)
	}
	u.RawQuery, u.Fragment = "", ""
	p.URL = strings.TrimRight(u.String(), "/")
	if p.Kind == catalogue.PeerOscat {
		p.URL = strings.TrimSuffix(p.URL, "/api/v1")
	}
	return p, nil
}

// Harvest harvests one peer now and records the outcome.
func (h *Harvester) Harvest(ctx context.Context, peer catalogue.Peer) (Result, error) {
	start := time.Now()
	before := h.requests.Load()
	res := Result{Peer: peer.URL}
	p, err := h.store.EnsurePeer(ctx, peer)
	if err == nil {
		res.Kind = p.Kind
		if res.Kind == "" {
			res.Kind, err = h.detect(ctx, p.URL)
		}
	}
	if err == nil {
		p.Kind = res.Kind
		switch res.Kind {
		case catalogue.PeerOscat:
			err = h.oscat(ctx, p, &res)
		default:
			err = h.di(ctx, p, &res)
		}
	}
	res.Requests, res.Duration = h.requests.Load()-before, time.Since(start)
	msg := ""
	if err != nil {
		msg = err.Error()
		err = fmt.Errorf("harvest %s: %w", peer.URL, err)
	}
	if rerr := h.store.RecordHarvest(context.WithoutCancel(ctx), peer.URL, res.Kind, msg); rerr != nil && err == nil {
		err = rerr
	}
	return res, err
}

// detect tells an Oscat (its change feed answers) from a Developers
// Italia-compatible API.
func (h *Harvester) detect(ctx context.Context, base string) (catalogue.PeerKind, error) {
	var feed struct {
		Data []json.RawMessage `json:"data"`
		Meta struct {
			Instance string `json:"instance"`
		} `json:"meta"`
	}
	status, err := h.getJSON(ctx, base+"/api/v1/changes?after=0&page[size]=1", &feed)
	if err == nil && feed.Meta.Instance != "" {
		return catalogue.PeerOscat, nil
	}
	if status == http.StatusGone {
		return catalogue.PeerOscat, nil
	}
	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	if _, err := h.getJSON(ctx, base+"/software?page[size]=1", &list); err != nil {
		return "", fmt.Errorf("neither an Oscat change feed (%s/api/v1/changes) nor a Developers Italia-compatible API (%s/software) answers: %w", base, base, err)
	}
	return catalogue.PeerDI, nil
}

// errStatus is an HTTP answer other than 200.
type errStatus struct {
	url    string
	status int
}

func (e errStatus) Error() string { return fmt.Sprintf("GET %s: HTTP %d", e.url, e.status) }

// getJSON fetches a URL and decodes its JSON into v; the status is returned with
// the error of a non-200 answer.
func (h *Harvester) getJSON(ctx context.Context, u string, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	h.requests.Add(1)
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := safehttp.ReadAll(resp.Body, h.opts.MaxBytes)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		if resp.StatusCode == http.StatusGone {
			_ = json.Unmarshal(body, v)
		}
		return resp.StatusCode, errStatus{u, resp.StatusCode}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return resp.StatusCode, fmt.Errorf("GET %s: the answer is not the JSON expected: %w", u, err)
	}
	return resp.StatusCode, nil
}

// resolve joins a link (relative or absolute) to the URL it was read from.
func resolve(from, link string) (string, error) {
	base, err := url.Parse(from)
	if err != nil {
		return "", err
	}
	ref, err := url.Parse(link)
	if err != nil {
		return "", err
	}
	out := base.ResolveReference(ref)
	if out.Host != base.Host || out.Scheme != base.Scheme {
		return "", errors.New("a next link leaves the peer: " + link)
	}
	return out.String(), nil
}

// digest identifies an entry's content as harvested.
func digest(parts ...any) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, p := range parts {
		_ = enc.Encode(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// eachPage reads a paged list from first, following links.next (relative or
// absolute, on the same peer) and calling fn with each page's items.
func eachPage[T any](ctx context.Context, h *Harvester, first string, size int, fn func([]T) error) error {
	for next := first; next != ""; {
		var page struct {
			Data  []T `json:"data"`
			Links struct {
				Next *string `json:"next"`
			} `json:"links"`
		}
		if _, err := h.getJSON(ctx, next, &page); err != nil {
			return err
		}
		if err := fn(page.Data); err != nil {
			return err
		}
		from := next
		next = ""
		if page.Links.Next != nil && *page.Links.Next != "" {
			var err error
			if next, err = resolve(from, *page.Links.Next); err != nil {
				return err
			}
			next = withPageSize(next, size)
		}
	}
	return nil
}

// withPageSize keeps asking for full pages: Developers Italia's links name only
// the cursor, which would fall back to the peer's default size.
func withPageSize(u string, size int) string {
	if strings.Contains(u, "page[size]=") || strings.Contains(u, "page%5Bsize%5D=") {
		return u
	}
	return u + "&page[size]=" + strconv.Itoa(size)
}
