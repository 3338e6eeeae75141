package safehttp

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// HostGate paces the requests toward each host and hears how they failed; a
// store-backed one holds a rate across every process of an instance.
type HostGate interface {
	// Wait returns when a request toward host may go (or ctx ends).
	Wait(ctx context.Context, host string) error
	// Failed keeps host's last error.
	Failed(ctx context.Context, host, msg string)
}

// gated asks the gate before each request and tells it of failures: errors of
// the connection, rate limits (429), and server errors.
type gated struct {
	gate HostGate
	next http.RoundTripper
}

func (g gated) RoundTrip(r *http.Request) (*http.Response, error) {
	host := strings.ToLower(r.URL.Host) // as forge.HostOf names a job's host
	if err := g.gate.Wait(r.Context(), host); err != nil {
		return nil, err
	}
	resp, err := g.next.RoundTrip(r)
	switch {
	case err != nil:
		g.gate.Failed(r.Context(), host, fmt.Sprintf("%s %s: %v", r.Method, r.URL.Redacted(), err))
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		g.gate.Failed(r.Context(), host, fmt.Sprintf("%s %s: %s", r.Method, r.URL.Redacted(), resp.Status))
	}
	return resp, err
}
