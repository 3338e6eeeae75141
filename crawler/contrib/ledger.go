package contrib

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

// Entry is what the ledger keeps of one repository: the commits of its
// history as far as it was fetched (the whole graph, or the last
// --history-depth commits when Truncated).
type Entry struct {
	Commits   []gitfetch.CommitInfo
	Truncated bool
}

// Ledger keeps each repository's commit list beside the crawler's git cache, so
// that a software's figures can be computed from all its repositories (and its
// upstream's) without fetching them again. It holds commit metadata (authors'
// addresses included), like the git cache and any clone; it never goes into the
// catalogue. Without a folder it keeps the lists in memory.
type Ledger struct {
	dir string
	mu  sync.Mutex
	mem map[string]Entry
}

// NewLedger keeps the lists in dir (a folder of the git cache), or in memory
// when dir is empty.
func NewLedger(dir string) *Ledger { return &Ledger{dir: dir, mem: map[string]Entry{}} }

func (l *Ledger) path(repoURL string) string {
	sum := sha256.Sum256([]byte(gitfetch.Redact(repoURL)))
	name := hex.EncodeToString(sum[:16])
	return filepath.Join(l.dir, name[:2], name+".gob")
}

// Put keeps a repository's history, replacing what was kept.
func (l *Ledger) Put(repoURL string, h *gitfetch.History) error {
	e := Entry{Truncated: h.Truncated, Commits: make([]gitfetch.CommitInfo, 0, len(h.Commits)+len(h.Older))}
	e.Commits = append(append(e.Commits, h.Commits...), h.Older...)
	if l.dir == "" {
		l.mu.Lock()
		l.mem[repoURL] = e
		l.mu.Unlock()
		return nil
	}
	p := l.path(repoURL)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("commit ledger: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "ledger-")
	if err != nil {
		return fmt.Errorf("commit ledger: %w", err)
	}
	w := bufio.NewWriter(tmp)
	err = gob.NewEncoder(w).Encode(e)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("commit ledger %s: %w", gitfetch.Redact(repoURL), err)
	}
	return nil
}

// Has reports whether a repository's history is kept.
func (l *Ledger) Has(repoURL string) bool {
	if l.dir == "" {
		l.mu.Lock()
		defer l.mu.Unlock()
		_, ok := l.mem[repoURL]
		return ok
	}
	_, err := os.Stat(l.path(repoURL))
	return err == nil
}

// Get returns a repository's kept history; false when none is kept.
func (l *Ledger) Get(repoURL string) (Entry, bool, error) {
	if l.dir == "" {
		l.mu.Lock()
		defer l.mu.Unlock()
		e, ok := l.mem[repoURL]
		return e, ok, nil
	}
	f, err := os.Open(l.path(repoURL))
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("commit ledger: %w", err)
	}
	defer f.Close()
	var e Entry
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&e); err != nil {
		return Entry{}, false, fmt.Errorf("commit ledger %s: %w", gitfetch.Redact(repoURL), err)
	}
	return e, true, nil
}
