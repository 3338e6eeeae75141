package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Probes answer for a node that serves no site (a worker), and for any node
// while it starts: /healthz, /readyz and /metrics, anything else a 404
// problem. Ready says whether the node is ready for its role (nil: ready).
type Probes struct {
	Ready   func(ctx context.Context) error
	Metrics http.Handler
	Logger  *slog.Logger
}

func (p Probes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	case "/readyz":
		writeReadiness(w, r, p.Ready, p.Logger)
	case "/metrics":
		if p.Metrics != nil {
			p.Metrics.ServeHTTP(w, r)
			return
		}
		fallthrough
	default:
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: http.StatusText(http.StatusNotFound), Status: http.StatusNotFound,
			Detail: "this node serves no site: it runs background jobs (its role is worker)"})
	}
}

// writeReadiness answers /readyz: 200 when ready is nil or says so, 503 with
// the reason until then.
func writeReadiness(w http.ResponseWriter, r *http.Request, ready func(context.Context) error, log *slog.Logger) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			if log != nil {
				log.Debug("not ready", "err", err)
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = fmt.Fprintf(w, "not ready: %v\n", err)
			return
		}
	}
	_, _ = w.Write([]byte("ready\n"))
}

// ServeHandler serves h on ln until ctx ends, then shuts down gracefully: it
// stops accepting, and drains the requests in flight (for at most drain).
func ServeHandler(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, drain time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
