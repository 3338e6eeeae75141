package sqlstore

import (
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

func TestQueueFigures_CountEachKindByState(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		past := time.Now().Add(-time.Minute)
		if _, err := s.Enqueue(ctx,
			catalogue.NewJob{Kind: "crawl.repo", Key: "a", RunAt: past},
			catalogue.NewJob{Kind: "crawl.repo", Key: "b", RunAt: past},
			catalogue.NewJob{Kind: "crawl.repo", Key: "c", RunAt: past, MaxAttempts: 1},
			catalogue.NewJob{Kind: "mail.send", Key: "m", RunAt: past, MaxAttempts: 3},
		); err != nil {
			t.Fatal(err)
		}
		// One crawl.repo job fails for good, the mail fails once and waits.
		for _, kind := range []catalogue.JobKind{"crawl.repo", "mail.send"} {
			jobs, err := s.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{kind}, Limit: 10, Lease: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range jobs {
				switch j.Key {
				case "c", "m":
					if err := s.FailJob(ctx, j.ID, "w", "boom", time.Now().Add(time.Hour)); err != nil {
						t.Fatal(err)
					}
				case "b":
					if err := s.ReleaseJob(ctx, j.ID, "w", time.Now()); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		figures, err := s.QueueFigures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		repo, mail := figures["crawl.repo"], figures["mail.send"]
		if repo.Pending != 1 || repo.Running != 1 || repo.Dead != 1 || repo.Failed != 0 || repo.OldestPendingAt == nil {
			t.Errorf("crawl.repo = %+v, want 1 pending (with its time), 1 running, 1 dead", repo)
		}
		if mail.Pending != 1 || mail.Failed != 1 || mail.Running != 0 || mail.Dead != 0 {
			t.Errorf("mail.send = %+v, want 1 pending that failed once", mail)
		}
		if repo.OldestPendingAt != nil && time.Since(*repo.OldestPendingAt) > time.Hour {
			t.Errorf("oldest pending at %s: not when it was enqueued", repo.OldestPendingAt)
		}
	})
}

func TestChangeLogBounds_FollowPruning(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for _, name := range []string{"A", "B", "C"} {
			if _, err := s.ApplyCrawl(ctx, crawled("https://git.example.org/x/"+name, "name: "+name+"\n")); err != nil {
				t.Fatal(err)
			}
		}
		b, err := s.ChangeLogBounds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Head == 0 || b.PrunedTo != 0 {
			t.Fatalf("bounds = %+v, want a head and nothing pruned", b)
		}
		if _, err := s.PruneChanges(ctx, time.Now().Add(time.Hour), b.Head); err != nil {
			t.Fatal(err)
		}
		after, err := s.ChangeLogBounds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.Head != b.Head || after.PrunedTo == 0 || after.PrunedTo >= b.Head {
			t.Errorf("bounds after pruning = %+v (head was %d): want pruned up to below the head", after, b.Head)
		}
	})
}
