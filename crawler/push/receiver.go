package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// HookStore is what the receiver needs of the catalogue.
type HookStore interface {
	// HookTargets are the code-hosting entries covering any of urls, with secrets.
	HookTargets(ctx context.Context, urls []string) ([]catalogue.HookTarget, error)
	// RecordDelivery notes a delivery's keys; false means it was seen already.
	RecordDelivery(ctx context.Context, keys []string) (bool, error)
	// ForgetDelivery drops a delivery's keys, so that a retry is taken.
	ForgetDelivery(ctx context.Context, keys []string) error
	Repository(ctx context.Context, url string) (catalogue.Repository, error)
}

// Trigger is what the receiver asks of the crawler.
type Trigger interface {
	CrawlPushed(ctx context.Context, repoURL, head string) error
	RefreshListing(ctx context.Context, publisherID string, h catalogue.CodeHosting) error
}

// Outcome is what became of a delivery.
type Outcome string

// Outcomes of a delivery.
const (
	// Refused: no valid signature (HTTP 401).
	Refused Outcome = "refused"
	// Malformed: signed, but not the forge's payload (HTTP 400).
	Malformed Outcome = "malformed"
	// Queued: a crawl of the repository was queued ahead of the schedule.
	Queued Outcome = "queued"
	// ListingRefreshed: the repository is new in a crawled organisation, whose
	// listing was queued.
	ListingRefreshed Outcome = "listing-refreshed"
	// Ignored: another event, another branch, or a repository not crawled here.
	Ignored Outcome = "ignored"
	// Replayed: the delivery was taken before.
	Replayed Outcome = "replayed"
)

// Result is a delivery's outcome, with why, in words for the forge's delivery log.
type Result struct {
	Outcome    Outcome `json:"outcome"`
	Reason     string  `json:"reason"`
	Repository string  `json:"repository,omitempty"`
}

// ErrUnknownForge is a delivery to an endpoint of no forge.
var ErrUnknownForge = errors.New("no such forge")

// Receiver takes forges' deliveries.
type Receiver struct {
	Store   HookStore
	Crawler Trigger
	// Secret is the instance's secret (--forge-webhook-secret), which verifies
	// deliveries for any repository; empty: only code-hosting entries' secrets.
	Secret string
	Log    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Receive checks one delivery to /hooks/FORGE and acts on it. Only the store's
// and the queue's failures are errors; everything a forge sends gets a Result.
func (r *Receiver) Receive(ctx context.Context, forgeName string, h http.Header, body []byte, client string) (Result, error) {
	f, ok := Forges[forgeName]
	if !ok {
		return Result{}, fmt.Errorf("webhook of %q: %w", forgeName, ErrUnknownForge)
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	d, perr := f.Parse(h, body)
	log = log.With("forge", forgeName, "delivery", d.ID, "event", d.Event, "client", client)
	if len(d.Repositories) > 0 {
		log = log.With("repository", d.Repositories[0])
	}
	var targets []catalogue.HookTarget
	if perr == nil {
		var err error
		if targets, err = r.Store.HookTargets(ctx, append(slices.Clone(d.Repositories), nonEmpty(d.Namespace)...)); err != nil {
			return Result{}, fmt.Errorf("webhook from %s: %w", forgeName, err)
		}
	}
	if !verified(f, h, body, r.Secret, targets, now()) {
		res := Result{Outcome: Refused, Reason: "the signature does not match this catalogue's secret for the repository: copy the secret shown on the publisher's page"}
		if !f.Signed(h) {
			res.Reason = "the delivery is not signed: set the secret shown on the publisher's page in the webhook's settings"
		}
		log.Warn("webhook delivery refused", "reason", res.Reason)
		return res, nil
	}
	if perr != nil {
		log.Warn("webhook delivery unreadable", "err", perr)
		return Result{Outcome: Malformed, Reason: perr.Error()}, nil
	}
	keys := deliveryKeys(d, body)
	fresh, err := r.Store.RecordDelivery(ctx, keys)
	if err != nil {
		return Result{}, fmt.Errorf("webhook from %s: %w", forgeName, err)
	}
	if !fresh {
		log.Info("webhook delivery ignored: taken before")
		return Result{Outcome: Replayed, Reason: "this delivery was taken before"}, nil
	}
	res, err := r.act(ctx, d, targets)
	if err != nil {
		if ferr := r.Store.ForgetDelivery(ctx, keys); ferr != nil {
			log.Warn("webhook delivery could not be forgotten: its retry will be ignored", "err", ferr)
		}
		return Result{}, fmt.Errorf("webhook from %s: %w", forgeName, err)
	}
	log.Info("webhook delivery "+string(res.Outcome), "reason", res.Reason)
	return res, nil
}

// verified reports whether the instance's secret or a valid secret of an entry
// covering the repository signed the delivery.
func verified(f Forge, h http.Header, body []byte, instance string, targets []catalogue.HookTarget, now time.Time) bool {
	if instance != "" && f.Verify(h, body, instance) {
		return true
	}
	for _, t := range targets {
		for _, s := range t.Secret.Valid(now) {
			if f.Verify(h, body, s) {
				return true
			}
		}
	}
	return false
}

// deliveryKeys identify a delivery against replays: its forge's ID, and its
// body's hash (which catches a captured body sent again under a new ID: forges
// sign the body only).
func deliveryKeys(d Delivery, body []byte) []string {
	sum := sha256.Sum256(body)
	keys := []string{"body:" + hex.EncodeToString(sum[:])}
	if d.ID != "" {
		keys = append(keys, d.Forge+":"+d.ID)
	}
	return keys
}

// act applies the rule to a verified, fresh delivery.
func (r *Receiver) act(ctx context.Context, d Delivery, targets []catalogue.HookTarget) (Result, error) {
	res := Result{Outcome: Ignored}
	if len(d.Repositories) > 0 {
		res.Repository = d.Repositories[0]
	}
	switch {
	case !d.Push:
		res.Reason = fmt.Sprintf("the %q event is not a push: only pushes are acted on", d.Event)
		return res, nil
	case len(d.Branches) == 0:
		res.Reason = "the push moved no branch (a tag, or a deleted branch)"
		return res, nil
	case d.DefaultBranch != "" && !slices.Contains(d.Branches, d.DefaultBranch):
		res.Reason = fmt.Sprintf("the push is to branch %s, not to the default branch %s", d.Branches[0], d.DefaultBranch)
		return res, nil
	}
	for _, u := range d.Repositories {
		repo, err := r.Store.Repository(ctx, u)
		if errors.Is(err, catalogue.ErrNotFound) || errors.Is(err, catalogue.ErrInvalid) {
			continue
		}
		if err != nil {
			return res, err
		}
		if d.DefaultBranch == "" && repo.Branch != "" && !slices.Contains(d.Branches, repo.Branch) {
			res.Repository = repo.URL
			res.Reason = fmt.Sprintf("the push is to branch %s, not to the default branch %s this catalogue crawls", d.Branches[0], repo.Branch)
			return res, nil
		}
		if err := r.Crawler.CrawlPushed(ctx, repo.URL, d.Head); err != nil {
			return res, err
		}
		return Result{Outcome: Queued, Reason: "a crawl of the repository is queued ahead of the schedule", Repository: repo.URL}, nil
	}
	refreshed := 0
	for _, t := range targets {
		if !t.Hosting.Group || !coversAny(t.Hosting, d.Repositories) {
			continue
		}
		if err := r.Crawler.RefreshListing(ctx, t.Publisher, t.Hosting); err != nil {
			return res, err
		}
		refreshed++
	}
	if refreshed > 0 {
		res.Outcome, res.Reason = ListingRefreshed, "the repository is new in a crawled organisation: its listing is queued, then the repository's crawl"
		return res, nil
	}
	res.Reason = "the repository is not crawled here"
	return res, nil
}

func coversAny(h catalogue.CodeHosting, urls []string) bool {
	for _, u := range urls {
		if c, err := catalogue.CanonicalURL(u); err == nil && h.Covers(c) {
			return true
		}
	}
	return false
}
