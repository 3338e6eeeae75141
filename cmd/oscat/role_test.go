package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServe_WebAndWorkerRolesNeedPostgreSQL(t *testing.T) {
	t.Parallel()
	for _, role := range []string{"web", "worker"} {
		code, _, stderr := oscat(t, "serve", "--role", role, "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--log-level", "error")
		if code != 2 || !strings.Contains(stderr, "needs PostgreSQL") || !strings.Contains(stderr, "--role all") {
			t.Errorf("serve --role %s on SQLite: exit %d, %q", role, code, stderr)
		}
	}
	code, _, stderr := oscat(t, "serve", "--role", "janitor", "--data", t.TempDir(), "--log-level", "error")
	if code != 2 || !strings.Contains(stderr, "web") || !strings.Contains(stderr, "worker") {
		t.Errorf("serve --role janitor: exit %d, %q", code, stderr)
	}
}

func TestNodeID_IsKeptInTheDataDirectory(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "new")
	first, err := nodeID(data)
	if err != nil || first == "" {
		t.Fatalf("node ID %q: %v", first, err)
	}
	again, err := nodeID(data)
	if err != nil || again != first {
		t.Errorf("after a restart the node is %q, was %q (%v)", again, first, err)
	}
	other, _ := nodeID(t.TempDir())
	if other == first {
		t.Error("two data directories got one node ID")
	}
	if b, _ := os.ReadFile(filepath.Join(data, nodeIDFile)); strings.TrimSpace(string(b)) != first {
		t.Errorf("%s holds %q", nodeIDFile, b)
	}
}
