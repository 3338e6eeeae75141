package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestProbes_AWorkerAnswersOnlyItsProbesAndReadinessFollowsItsRole(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("oscat_jobs 1\n")) })
	ts := httptest.NewServer(Probes{Metrics: metrics, Logger: quiet, Ready: func(context.Context) error {
		if !ready.Load() {
			return errors.New("store unreachable")
		}
		return nil
	}})
	defer ts.Close()
	if resp, body := get(t, ts.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "store unreachable") {
		t.Errorf("/readyz before ready: %d %q", resp.StatusCode, body)
	}
	ready.Store(true)
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "oscat_jobs 1"} {
		if resp, body := get(t, ts.URL+path); resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
	for _, path := range []string{"/", "/search?q=x", "/api/v1/software", "/feeds/changes.atom"} {
		resp, body := get(t, ts.URL+path)
		var p problem
		if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal([]byte(body), &p) != nil || p.Status != 404 {
			t.Errorf("%s on a worker: %d %s %q, want a 404 problem", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}

func TestServer_ReadyzIs503UntilTheNodeIsReadyForItsRole(t *testing.T) {
	t.Parallel()
	var caughtUp atomic.Bool
	_, ts, _ := siteWith(t, Options{Ready: func(context.Context) error {
		if !caughtUp.Load() {
			return errors.New("search index at 3 of 9")
		}
		return nil
	}})
	if resp, body := get(t, ts.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "3 of 9") {
		t.Errorf("/readyz while catching up: %d %q", resp.StatusCode, body)
	}
	caughtUp.Store(true)
	if resp, body := get(t, ts.URL+"/readyz"); resp.StatusCode != 200 {
		t.Errorf("/readyz once caught up: %d %q", resp.StatusCode, body)
	}
}
