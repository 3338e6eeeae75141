package sqlstore

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// A follower reading "after SEQ" while writers commit concurrently must see every
// entry exactly once: appends are serialised, so no entry commits behind one
// already read.
func TestChanges_FollowerNeverSkipsAnEntry(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		const writers, each = 4, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					url := fmt.Sprintf("https://example.org/w%d/r%d", w, i)
					if _, err := s.ApplyCrawl(ctx, crawled(url, fmt.Sprintf("name: R %d %d\n", w, i))); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		seen := map[int64]bool{}
		var last int64
		follow := func() {
			cs, err := s.Changes(ctx, last, 7)
			if err != nil {
				t.Error(err)
				return
			}
			for _, c := range cs {
				if c.Seq <= last || seen[c.Seq] {
					t.Errorf("change %d out of order after %d", c.Seq, last)
				}
				seen[c.Seq] = true
				last = c.Seq
			}
		}
	loop:
		for {
			select {
			case <-done:
				break loop
			default:
				follow()
				time.Sleep(time.Millisecond)
			}
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for range 100 {
			before := last
			follow()
			if last == before {
				break
			}
		}
		all := allChanges(t, s)
		if len(all) != writers*each || len(seen) != len(all) {
			t.Errorf("the follower saw %d of %d changes (want %d)", len(seen), len(all), writers*each)
		}
		for _, c := range all {
			if !seen[c.Seq] || c.Type != catalogue.ChangeSoftware {
				t.Errorf("missed or odd change %+v", c)
			}
		}
	})
}

func TestOpen_MigratesOnceAndReopens(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		s, err := Open(t.Context(), Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyCrawl(t.Context(), crawled("https://example.org/a/b", medusa)); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}
