package ui

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// settledGoroutines closes the idle connections of the test's own client and
// of the site's validator client, then waits (at most a generous bound) until
// the goroutine count is at most limit, and returns the count it saw last.
func settledGoroutines(s *Server, limit int) int {
	deadline := time.Now().Add(20 * time.Second)
	for {
		http.DefaultClient.CloseIdleConnections()
		s.validateFetch.CloseIdleConnections()
		n := runtime.NumGoroutine()
		if n <= limit || time.Now().After(deadline) {
			return n
		}
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
}

// Not parallel: it counts the process's goroutines, which parallel tests
// would change under it (they wait while the sequential tests run).
func TestValidator_URLFetchesReuseOneClient(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("name: Parkeren\n"))
	}))
	defer upstream.Close()
	s, ts, _ := siteWith(t, Options{ValidatePerMinute: 1000, FetchPolicy: safehttp.Policy{AllowPrivate: true}})
	validate := func() {
		t.Helper()
		resp, body := postForm(t, ts.URL+"/validate", map[string]string{"url": upstream.URL + "/publiccode.yml"}, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("validate by URL: %d %.300s", resp.StatusCode, body)
		}
	}
	validate() // the first fetch makes what every later one reuses
	// Counted at once: goroutines still ending only make the check laxer.
	http.DefaultClient.CloseIdleConnections()
	s.validateFetch.CloseIdleConnections()
	before := runtime.NumGoroutine()
	for range 50 {
		validate()
	}
	// A few goroutines of slack for the runtime's own; a client per fetch
	// leaves three per fetch (its connection's read and write loops, and the
	// upstream's side), 150 after 50.
	if after := settledGoroutines(s, before+5); after > before+5 {
		t.Errorf("50 validations by URL left %d goroutines, %d before", after, before)
	}
}
