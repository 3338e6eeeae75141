package sqlstore

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

func TestHookSecrets_MembersSeeThemAndRotationKeepsTheOldOneADay(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.SyncPublishers(ctx, []catalogue.Publisher{
			{ID: "a", Name: "Gemeente A", EmailDomains: []string{"a.example"}, CodeHosting: []catalogue.CodeHosting{{URL: "https://forge.example/gemeente-a", Group: true}}},
			{ID: "b", Name: "Kommune B", EmailDomains: []string{"b.example"}},
		}))
		if _, err := s.HookSecrets(ctx, w.bob, "a"); !errors.Is(err, catalogue.ErrForbidden) {
			t.Fatalf("a non-member sees the secrets: %v", err)
		}
		first, err := s.HookSecrets(ctx, w.alice, "a")
		must(err)
		if len(first) != 1 || first[0].Secret == "" || first[0].HostingURL != "https://forge.example/gemeente-a" {
			t.Fatalf("secrets %+v", first)
		}
		again, err := s.HookSecrets(ctx, w.alice, "a")
		must(err)
		if again[0].Secret != first[0].Secret {
			t.Fatal("looking again made a new secret")
		}
		// A sync of the publishers list rewrites the file's entries: the secret stays.
		must(s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "a", Name: "Gemeente A", EmailDomains: []string{"a.example"},
			CodeHosting: []catalogue.CodeHosting{{URL: "https://forge.example/gemeente-a", Group: true}}}}))

		targets, err := s.HookTargets(ctx, []string{"https://forge.example/gemeente-a/app.git"})
		must(err)
		if len(targets) != 1 || !slices.Equal(targets[0].Secret.Valid(*w.clock), []string{first[0].Secret}) {
			t.Fatalf("targets of a repository of the group: %+v", targets)
		}
		if targets, _ := s.HookTargets(ctx, []string{"https://forge.example/other/app"}); len(targets) != 0 {
			t.Fatalf("a repository of another group has targets %+v", targets)
		}

		if _, err := s.RotateHookSecret(ctx, w.bob, "a", "https://forge.example/gemeente-a"); !errors.Is(err, catalogue.ErrForbidden) {
			t.Fatalf("a non-member rotated: %v", err)
		}
		rotated, err := s.RotateHookSecret(ctx, w.alice, "a", "https://forge.example/gemeente-a")
		must(err)
		if rotated.Secret == first[0].Secret || rotated.Previous != first[0].Secret {
			t.Fatalf("rotated %+v", rotated)
		}
		valid := func() []string {
			targets, err := s.HookTargets(ctx, []string{"https://forge.example/gemeente-a/app"})
			must(err)
			return targets[0].Secret.Valid(*w.clock)
		}
		*w.clock = w.clock.Add(23 * time.Hour)
		if got := valid(); !slices.Equal(got, []string{rotated.Secret, first[0].Secret}) {
			t.Errorf("23 hours after the rotation, valid secrets %q", got)
		}
		*w.clock = w.clock.Add(2 * time.Hour)
		if got := valid(); !slices.Equal(got, []string{rotated.Secret}) {
			t.Errorf("25 hours after the rotation, valid secrets %q", got)
		}
		if _, err := s.RotateHookSecret(ctx, w.alice, "a", "https://forge.example/not-theirs"); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("rotating an unknown entry: %v", err)
		}
	})
}

func TestRecordDelivery_AReplayIsRefusedForAWeek(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		record := func(keys ...string) bool {
			t.Helper()
			fresh, err := s.RecordDelivery(ctx, keys)
			if err != nil {
				t.Fatal(err)
			}
			return fresh
		}
		if !record("github:1", "body:aa") {
			t.Fatal("a first delivery is a replay")
		}
		if record("github:1", "body:bb") {
			t.Error("the same delivery ID is taken twice")
		}
		if record("github:2", "body:aa") {
			t.Error("the same body under a new delivery ID is taken twice")
		}
		if !record("github:3", "body:bb") {
			t.Error("a refused replay recorded its keys")
		}
		now = now.Add(8 * 24 * time.Hour)
		if !record("github:1", "body:aa") {
			t.Error("keys are kept past their retention")
		}
	})
}
