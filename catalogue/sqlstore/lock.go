//go:build unix

package sqlstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// dataLockFile, in the data directory, is held with a shared lock by every process
// that has the SQLite catalogue open, and with an exclusive one by a restore.
const dataLockFile = "oscat.db.lock"

// ErrDataDirInUse is returned when another process has the data directory's
// catalogue open (LockDataDir) or is restoring it (Open).
var ErrDataDirInUse = errors.New("the data directory is in use by another oscat process")

// lockDataDir takes the data directory's lock, shared or exclusive, without waiting.
func lockDataDir(dir string, exclusive bool) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, dataLockFile), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", dir, ErrDataDirInUse)
		}
		return nil, fmt.Errorf("data directory lock: %w", err)
	}
	return f, nil
}

func unlockDataDir(f *os.File) {
	if f != nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}
}

// LockDataDir takes the data directory for this process alone: it fails with
// ErrDataDirInUse while any process (serve, crawl, a backup…) has its SQLite
// catalogue open, and until release is called no other process can open it.
func LockDataDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	f, err := lockDataDir(dir, true)
	if err != nil {
		return nil, err
	}
	return func() { unlockDataDir(f) }, nil
}
