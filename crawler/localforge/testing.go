package localforge

import (
	"errors"
	"testing"
)

// StartTest serves a fresh forge in a temporary folder on 127.0.0.1 for the
// length of a test. Without git installed the test is skipped, saying so.
func StartTest(tb testing.TB) (*Forge, *Server) {
	tb.Helper()
	f := New(tb.TempDir())
	srv, err := Start(f, "127.0.0.1:0")
	if errors.Is(err, ErrNoGit) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return f, srv
}
