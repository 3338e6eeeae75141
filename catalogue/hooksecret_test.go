package catalogue

import (
	"slices"
	"testing"
	"time"
)

func TestHookSecret_PreviousSecretVerifiesDuringItsGraceOnly(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	first := HookSecret{Secret: "old", RotatedAt: at.Add(-time.Hour)}
	rotated := first.Rotated("new", at)
	tests := []struct {
		name string
		h    HookSecret
		now  time.Time
		want []string
	}{
		{"never rotated", first, at, []string{"old"}},
		{"just rotated", rotated, at, []string{"new", "old"}},
		{"within the grace period", rotated, at.Add(HookSecretGrace - time.Second), []string{"new", "old"}},
		{"at the end of the grace period", rotated, at.Add(HookSecretGrace), []string{"new"}},
		{"long after", rotated, at.Add(30 * 24 * time.Hour), []string{"new"}},
		{"rotated twice: the first is gone", rotated.Rotated("newer", at.Add(time.Minute)), at.Add(2 * time.Minute), []string{"newer", "new"}},
		{"no secret yet", HookSecret{}, at, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.Valid(tc.now); !slices.Equal(got, tc.want) {
				t.Errorf("Valid = %q, want %q", got, tc.want)
			}
		})
	}
}
