package catalogue

import (
	"testing"
	"time"
)

func TestLocalHostLimiter_KeepsTheBucketAndTheLeases(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := NewLocalHostLimiter(HostLimits{Concurrency: 2, Rate: 2, Burst: 3, Lease: time.Minute})
	l.Now = func() time.Time { return now }
	ctx := t.Context()
	granted := 0
	for range 10 {
		if d, err := l.Take(ctx, "forge.example"); err == nil && d == 0 {
			granted++
		}
	}
	if granted != 3 {
		t.Errorf("%d tokens at once, want the burst of 3", granted)
	}
	d, _ := l.Take(ctx, "forge.example")
	if d != 500*time.Millisecond {
		t.Errorf("the next token in %s, want 500ms at 2 a second", d)
	}
	now = now.Add(time.Second)
	granted = 0
	for range 10 {
		if d, _ := l.Take(ctx, "forge.example"); d == 0 {
			granted++
		}
	}
	if granted != 2 {
		t.Errorf("%d tokens after a second, want 2", granted)
	}
	if d, _ := l.Take(ctx, "other.example"); d != 0 {
		t.Errorf("another host waits %s: buckets are per host", d)
	}

	for _, h := range []string{"a", "b"} {
		if ok, _ := l.TryAcquire(ctx, "forge.example", h); !ok {
			t.Fatalf("slot %s refused", h)
		}
	}
	if ok, _ := l.TryAcquire(ctx, "forge.example", "c"); ok {
		t.Error("a third slot of two was given")
	}
	if ok, _ := l.TryAcquire(ctx, "forge.example", "a"); !ok {
		t.Error("a holder taking its own slot again was refused")
	}
	now = now.Add(40 * time.Second)
	_ = l.Extend(ctx, "forge.example", "a")
	now = now.Add(30 * time.Second) // b's lease ran out, a's was renewed
	if ok, _ := l.TryAcquire(ctx, "forge.example", "c"); !ok {
		t.Error("a lapsed lease did not free its slot")
	}
	hosts, _ := l.Hosts(ctx)
	if len(hosts) != 2 || hosts[0].Host != "forge.example" || hosts[0].InFlight != 2 {
		t.Errorf("hosts = %+v, want forge.example with a and c in flight", hosts)
	}
}
