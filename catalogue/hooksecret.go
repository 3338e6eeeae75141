package catalogue

import (
	"context"
	"time"
)

// HookSecretGrace is how long the secret a rotation replaced still verifies
// deliveries, so that a forge's settings can be updated without losing pushes.
const HookSecretGrace = 24 * time.Hour

// AuditHookSecretRotate is the audit action of a push-webhook secret rotation.
const AuditHookSecretRotate = "hosting.hook-secret"

// HookSecret is the secret that signs a code-hosting entry's push webhooks (the
// forge keeps a copy). It is made the first time one of its administration's
// members looks at the entry, shown to them only, and rotated on their request;
// the secret a rotation replaced stays valid until PreviousUntil.
type HookSecret struct {
	Publisher  string
	HostingURL string
	Secret     string
	Previous   string
	// PreviousUntil is when Previous stops verifying (zero: no previous secret).
	PreviousUntil time.Time
	RotatedAt     time.Time
}

// Valid are the secrets that verify a delivery at now: the current one, and the
// one it replaced while its grace period lasts.
func (h HookSecret) Valid(now time.Time) []string {
	var out []string
	if h.Secret != "" {
		out = append(out, h.Secret)
	}
	if h.Previous != "" && now.Before(h.PreviousUntil) {
		out = append(out, h.Previous)
	}
	return out
}

// Rotated is h with a new current secret: the old one moves to Previous for
// HookSecretGrace.
func (h HookSecret) Rotated(secret string, now time.Time) HookSecret {
	h.Previous, h.PreviousUntil = h.Secret, now.Add(HookSecretGrace)
	h.Secret, h.RotatedAt = secret, now
	return h
}

// HookTarget is a code-hosting entry that covers a pushed repository, with the
// secret of its webhooks (empty when no member has made one yet).
type HookTarget struct {
	Publisher string
	Hosting   CodeHosting
	Secret    HookSecret
}

// HookSecrets keeps the push-webhook secrets of code-hosting entries.
type HookSecrets interface {
	// HookSecrets returns the secret of each of publisher's code-hosting entries,
	// making those missing; only the administration's members may see them.
	HookSecrets(ctx context.Context, a Actor, publisher string) ([]HookSecret, error)
	// RotateHookSecret gives an entry a new secret (see HookSecret.Rotated).
	RotateHookSecret(ctx context.Context, a Actor, publisher, hostingURL string) (HookSecret, error)
}
