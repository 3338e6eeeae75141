package harvest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// jobPayload names the peer a harvest job harvests.
type jobPayload struct {
	URL  string             `json:"url"`
	Kind catalogue.PeerKind `json:"kind,omitempty"`
}

// Handle is the job handler of KindPeer: a failed harvest (a peer down, slow or
// answering garbage) fails the job, which the queue retries with backoff; what
// was harvested before stays listed.
func (h *Harvester) Handle(ctx context.Context, j catalogue.Job) error {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return fmt.Errorf("job %s %s: payload: %w", j.Kind, j.Key, err)
	}
	res, err := h.Harvest(ctx, catalogue.Peer{URL: p.URL, Kind: p.Kind})
	if err != nil {
		return err
	}
	h.log.Info("harvested", "peer", res.Peer, "kind", res.Kind, "added", res.Count.Added, "updated", res.Count.Updated,
		"removed", res.Count.Removed, "requests", res.Requests, "duration", res.Duration.Round(time.Millisecond))
	return nil
}

// Schedule queues a harvest of every configured (not stale) peer when its last
// success is Every old (at once for a peer never harvested). At most one harvest job per peer is
// live, so a peer retried with backoff is not harvested twice at once.
func (h *Harvester) Schedule(ctx context.Context, every time.Duration) error {
	peers, err := h.store.Peers(ctx)
	if err != nil {
		return err
	}
	jobs := make([]catalogue.NewJob, 0, len(peers))
	for _, p := range peers {
		if p.Stale {
			continue // not in serve's configuration any more
		}
		at := time.Now()
		if p.LastSuccessAt != nil {
			at = p.LastSuccessAt.Add(every)
		}
		if p.LastError != "" && p.LastAttemptAt != nil && p.LastAttemptAt.Add(every).After(at) {
			// Its last job used all its retries: try again after a period.
			at = p.LastAttemptAt.Add(every)
		}
		payload, _ := json.Marshal(jobPayload{URL: p.URL, Kind: p.Kind})
		jobs = append(jobs, catalogue.NewJob{Kind: KindPeer, Key: p.URL, RunAt: at, Payload: payload, MaxAttempts: 8})
	}
	_, err = h.store.Enqueue(ctx, jobs...)
	return err
}
