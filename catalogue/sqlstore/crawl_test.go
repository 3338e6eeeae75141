package sqlstore

import (
	"errors"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

const medusaRepo = "https://example.org/italia/medusa.git"

func listMedusa(t *testing.T, s *Store) catalogue.Software {
	t.Helper()
	must(t, s.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "roma", Name: "Roma"}}))
	_, err := s.ListRepository(t.Context(), 0, "roma", catalogue.Discovered{URL: medusaRepo, FromForge: true, Archived: true})
	must(t, err)
	mustApply(t, s, crawled(medusaRepo, medusa), catalogue.StatusNew)
	return onlySoftware(t, s)
}

func listed(t *testing.T, s *Store) int {
	t.Helper()
	list, _, err := s.ListSoftware(t.Context(), "", catalogue.Page{Size: 10})
	must(t, err)
	return len(list)
}

func TestApplyCrawl_GoneAfterConsecutiveFailuresAndBackWhenItReappears(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		sw := listMedusa(t, s)
		if !sw.Archived {
			t.Error("the forge's archived flag was not kept")
		}
		fail := catalogue.CrawlResult{RepoURL: medusaRepo, Outcome: catalogue.StatusFailed, Reason: "the repository does not exist", GoneAfter: 3}
		mustApply(t, s, fail, catalogue.StatusFailed)
		mustApply(t, s, fail, catalogue.StatusFailed)
		if listed(t, s) != 1 {
			t.Fatal("a failing repository's software was unlisted before it was gone")
		}
		mustApply(t, s, fail, catalogue.StatusGone)
		if listed(t, s) != 0 {
			t.Fatal("a gone repository's software is still listed")
		}
		repo, err := s.Repository(t.Context(), medusaRepo)
		must(t, err)
		if repo.Failures != 3 || repo.Status != catalogue.StatusGone {
			t.Errorf("repository %+v", repo)
		}
		// It comes back: listed again under the same ID.
		mustApply(t, s, crawled(medusaRepo, medusa), catalogue.StatusNew)
		if back := onlySoftware(t, s); back.ID != sw.ID {
			t.Errorf("came back as %s, was %s", back.ID, sw.ID)
		}
		// A success resets the count.
		mustApply(t, s, fail, catalogue.StatusFailed)
		repo, _ = s.Repository(t.Context(), medusaRepo)
		if repo.Failures != 1 {
			t.Errorf("failures after a success and a failure = %d", repo.Failures)
		}
	})
}

func TestApplyCrawl_UnchangedKeepsEverythingAndActivityIsKept(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		listMedusa(t, s)
		before := len(allChanges(t, s))
		act := &catalogue.Activity{Commits: 12, Score: 42.5, Breakdown: []catalogue.ScoreComponent{{Name: "commits", Points: 10, Max: 30}}}
		mustApply(t, s, catalogue.CrawlResult{RepoURL: medusaRepo, Outcome: catalogue.StatusUnchanged, Activity: act, RootCommit: "abc"}, catalogue.StatusUnchanged)
		sw := onlySoftware(t, s)
		if sw.Activity == nil || sw.Activity.Score != 42.5 || len(allChanges(t, s)) != before {
			t.Errorf("activity %+v, %d changes appended", sw.Activity, len(allChanges(t, s))-before)
		}
		repo, _ := s.Repository(t.Context(), medusaRepo)
		if repo.RootCommit != "abc" || repo.Raw == "" {
			t.Errorf("repository %+v", repo)
		}
	})
}

func TestModeration_HiddenAndBlockedStayOutAcrossCrawls(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		sw := listMedusa(t, s)
		if err := s.HideSoftware(ctx, sw.ID, ""); !errors.Is(err, catalogue.ErrInvalid) {
			t.Errorf("hiding without a reason: %v", err)
		}
		must(t, s.HideSoftware(ctx, sw.ID, "duplicate of another entry"))
		mustApply(t, s, crawled(medusaRepo, medusa+"developmentStatus: stable\n"), catalogue.StatusUpdated)
		if listed(t, s) != 0 {
			t.Fatal("a crawl listed a software the operator hid")
		}
		if r, _ := s.Repository(ctx, medusaRepo); r.SoftwareHiddenReason != "duplicate of another entry" {
			t.Errorf("the publisher is not told why: %+v", r)
		}
		must(t, s.UnhideSoftware(ctx, sw.ID))
		if listed(t, s) != 1 {
			t.Fatal("unhiding did not list it again")
		}

		must(t, s.HideRepository(ctx, medusaRepo, "not public-sector software"))
		if listed(t, s) != 0 {
			t.Fatal("a hidden repository's software is still listed")
		}
		mustApply(t, s, crawled(medusaRepo, medusa), catalogue.StatusSkipped)
		repo, _ := s.Repository(ctx, medusaRepo)
		if repo.HiddenReason != "not public-sector software" || listed(t, s) != 0 {
			t.Errorf("after a crawl: %+v", repo)
		}
		must(t, s.UnhideRepository(ctx, medusaRepo))
		mustApply(t, s, crawled(medusaRepo, medusa), catalogue.StatusUnchanged)
		if listed(t, s) != 1 {
			t.Fatal("an unhidden repository's software is not listed again")
		}

		must(t, s.Block(ctx, "https://example.org/spam/repo", "spam"))
		ok, err := s.ListRepository(ctx, 1, "roma", catalogue.Discovered{URL: "https://example.org/spam/repo.git"})
		must(t, err)
		if ok {
			t.Error("a blocked URL was registered")
		}
		bl, _ := s.Blocklist(ctx)
		if len(bl) != 1 || bl[0].Reason != "spam" {
			t.Errorf("blocklist %+v", bl)
		}
	})
}

func TestCrawlRuns_ResumeSweepAndBoundedHistory(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		listMedusa(t, s)
		run, started, err := s.BeginCrawlRun(ctx, "cli")
		must(t, err)
		again, started2, err := s.BeginCrawlRun(ctx, "schedule")
		must(t, err)
		if !started || started2 || again.ID != run.ID || again.Trigger != "cli" {
			t.Fatalf("runs %+v %v / %+v %v", run, started, again, started2)
		}
		// A publisher whose hosting failed to list: its repositories are spared.
		must(t, s.RecordHostingFailure(ctx, run.ID, catalogue.HostingFailure{Publisher: "roma", URL: "https://example.org/italia", Error: "down"}))
		n, err := s.SweepUnlisted(ctx, run.ID, 2)
		must(t, err)
		if n != 0 {
			t.Fatalf("swept %d repositories of a publisher whose listing failed", n)
		}
		_, err = s.FinishCrawlRun(ctx, run.ID)
		must(t, err)
		for i := range 2 {
			r, _, err := s.BeginCrawlRun(ctx, "cli")
			must(t, err)
			n, err := s.SweepUnlisted(ctx, r.ID, 2)
			must(t, err)
			if n != 1 {
				t.Fatalf("run %d swept %d", i, n)
			}
			done, err := s.FinishCrawlRun(ctx, r.ID)
			must(t, err)
			want := catalogue.StatusFailed
			if i == 1 {
				want = catalogue.StatusGone
			}
			if done.Counts[want] != 1 {
				t.Errorf("run %d counts %v, want one %s", i, done.Counts, want)
			}
		}
		if listed(t, s) != 0 {
			t.Error("a repository no longer listed anywhere still lists its software")
		}
		hist, err := s.RepositoryHistory(ctx, medusaRepo)
		must(t, err)
		if len(hist) != 2 || hist[0].Status != catalogue.StatusGone {
			t.Errorf("history %+v", hist)
		}
		// History is bounded; finished runs keep their counts.
		for range catalogue.HistoryLength + 3 {
			r, _, err := s.BeginCrawlRun(ctx, "cli")
			must(t, err)
			mustApply(t, s, catalogue.CrawlResult{RunID: r.ID, RepoURL: medusaRepo, Outcome: catalogue.StatusFailed, Reason: "down"}, catalogue.StatusFailed)
			_, err = s.FinishCrawlRun(ctx, r.ID)
			must(t, err)
		}
		hist, _ = s.RepositoryHistory(ctx, medusaRepo)
		runs, _, _ := s.CrawlRuns(ctx, catalogue.Page{Size: 100})
		oldest := runs[len(runs)-1]
		if len(hist) != catalogue.HistoryLength || oldest.Counts[catalogue.StatusGone]+oldest.Counts[catalogue.StatusFailed] != 0 && len(oldest.HostingFailures) != 1 {
			t.Errorf("history %d entries; oldest run %+v", len(hist), oldest)
		}
		if second := runs[len(runs)-2]; second.Counts[catalogue.StatusFailed] != 1 {
			t.Errorf("a pruned run lost its counts: %+v", second)
		}
	})
}

func TestSoftware_VariantsAndTheirUpstreamLinkToEachOther(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		upstream := listMedusa(t, s)
		variant := "publiccodeYmlVersion: \"0\"\nname: Medusa Torino\nurl: https://example.org/torino/medusa\nisBasedOn: [\"https://example.org/italia/medusa.git\", \"https://elsewhere.example/x\"]\n"
		mustApply(t, s, crawled("https://example.org/torino/medusa", variant), catalogue.StatusNew)
		list, _, err := s.ListSoftware(ctx, "", catalogue.Page{Size: 10})
		must(t, err)
		var v, u catalogue.Software
		for _, sw := range list {
			if sw.ID == upstream.ID {
				u = sw
			} else {
				v = sw
			}
		}
		if len(v.BasedOn) != 2 || v.BasedOn[1].URL != "https://example.org/italia/medusa" || v.BasedOn[1].ID != upstream.ID || v.BasedOn[0].ID != "" {
			t.Errorf("variant's upstreams %+v", v.BasedOn)
		}
		if len(u.Variants) != 1 || u.Variants[0].ID != v.ID {
			t.Errorf("upstream's variants %+v", u.Variants)
		}
	})
}
