//go:build unix

package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

const lockFile = "SERVE.lock"

// ErrServed is returned when another process already serves this index.
var ErrServed = errors.New("another oscat serve process owns this search index")

// ownerLock is held by the serving process for as long as it owns the index.
type ownerLock struct{ f *os.File }

func lockOwner(dir string) (*ownerLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("search index lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w (stop it, or give this one another --data)", dir, ErrServed)
		}
		return nil, fmt.Errorf("search index lock: %w", err)
	}
	return &ownerLock{f: f}, nil
}

func (l *ownerLock) release() {
	if l != nil && l.f != nil {
		_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		_ = l.f.Close()
	}
}

// Served reports whether a server currently owns the index under dir.
func Served(dir string) (bool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return false, err
	}
	l, err := lockOwner(dir)
	if errors.Is(err, ErrServed) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	l.release()
	return false, nil
}
