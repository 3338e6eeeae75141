package sqlstore

import (
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

func TestNodes_HeartbeatsKeepOneRowPerNodeAndTheSlowestRecentFollower(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		clock := time.Now().UTC().Truncate(time.Second)
		s.now = func() time.Time { return clock }
		started := clock.Add(-time.Minute)
		must(t, s.Heartbeat(ctx, catalogue.Node{ID: "web-1", Role: catalogue.RoleWeb, Version: "v1", StartedAt: started, IndexPosition: 10}))
		must(t, s.Heartbeat(ctx, catalogue.Node{ID: "worker-1", Role: catalogue.RoleWorker, Version: "v1", StartedAt: started}))
		must(t, s.Heartbeat(ctx, catalogue.Node{ID: "web-2", Role: catalogue.RoleWeb, Version: "v1", StartedAt: started, IndexPosition: 4}))
		clock = clock.Add(time.Hour)
		must(t, s.Heartbeat(ctx, catalogue.Node{ID: "web-1", Role: catalogue.RoleWeb, Version: "v2", StartedAt: started, IndexPosition: 12}))
		nodes, err := s.Nodes(ctx)
		must(t, err)
		if len(nodes) != 3 || nodes[0].ID != "web-1" || nodes[0].Version != "v2" || nodes[0].IndexPosition != 12 ||
			!nodes[0].LastSeenAt.Equal(clock) || !nodes[0].StartedAt.Equal(started) {
			t.Fatalf("nodes %+v", nodes)
		}
		// A worker keeps no index: it never holds pruning back.
		seq, ok, err := s.SlowestFollower(ctx, clock.Add(-2*time.Hour))
		must(t, err)
		if !ok || seq != 4 {
			t.Errorf("slowest follower over two hours = %d, %v; want web-2's 4", seq, ok)
		}
		// web-2 was not seen in the last half hour: it no longer holds pruning back.
		seq, ok, err = s.SlowestFollower(ctx, clock.Add(-30*time.Minute))
		must(t, err)
		if !ok || seq != 12 {
			t.Errorf("slowest recent follower = %d, %v; want web-1's 12", seq, ok)
		}
		if _, ok, _ := s.SlowestFollower(ctx, clock.Add(time.Minute)); ok {
			t.Error("a follower was found among nodes seen in the future")
		}
	})
}

func TestLeases_OneHolderAtATimeAndATakeOverWhenTheHolderStopsRenewing(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		clock := time.Now().UTC().Truncate(time.Second)
		s.now = func() time.Time { return clock }
		acquire := func(holder string) bool {
			ok, err := s.AcquireLease(ctx, "schedule", holder, 30*time.Second)
			must(t, err)
			return ok
		}
		if !acquire("a") || acquire("b") {
			t.Fatal("the first node did not get the lease, or the second got it too")
		}
		clock = clock.Add(20 * time.Second)
		if !acquire("a") || acquire("b") {
			t.Fatal("the holder could not renew, or another took a renewed lease")
		}
		clock = clock.Add(31 * time.Second) // a stopped renewing (it died)
		if !acquire("b") || acquire("a") {
			t.Fatal("the lease was not taken over once it ran out")
		}
		if h, _ := s.LeaseHolder(ctx, "schedule"); h != "b" {
			t.Errorf("holder %q, want b", h)
		}
		must(t, s.ReleaseLease(ctx, "schedule", "a")) // not a's: nothing happens
		if h, _ := s.LeaseHolder(ctx, "schedule"); h != "b" {
			t.Errorf("a released b's lease: holder %q", h)
		}
		must(t, s.ReleaseLease(ctx, "schedule", "b"))
		if !acquire("a") {
			t.Error("a released lease could not be taken at once")
		}
	})
}

func TestJobs_AScheduledRunIsEnqueuedOnceEvenAfterItFinished(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		tick := catalogue.NewJob{Kind: "crawl.schedule", Key: "at 2026-12-02T01:00:00Z", Once: true}
		n, err := s.Enqueue(ctx, tick, tick)
		must(t, err)
		if n != 1 {
			t.Fatalf("enqueued %d, want 1", n)
		}
		jobs, err := s.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{"crawl.schedule"}, Limit: 1, Lease: time.Minute})
		must(t, err)
		if len(jobs) != 1 {
			t.Fatalf("claimed %+v", jobs)
		}
		must(t, s.CompleteJob(ctx, jobs[0].ID, "w"))
		if n, _ := s.Enqueue(ctx, tick); n != 0 {
			t.Error("a finished scheduled run was enqueued again")
		}
		next := tick
		next.Key = "at 2026-12-02T02:00:00Z"
		if n, _ := s.Enqueue(ctx, next); n != 1 {
			t.Error("the next scheduled run was not enqueued")
		}
		must(t, s.PruneScheduledRuns(ctx, time.Now().Add(time.Hour)))
		if n, _ := s.Enqueue(ctx, tick); n != 1 {
			t.Error("a forgotten scheduled run's key could not be used again")
		}
	})
}
