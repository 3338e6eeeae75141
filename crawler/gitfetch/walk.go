package gitfetch

import (
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrTooManyFiles is returned by Files when the tree has more files than asked for.
var ErrTooManyFiles = errors.New("the tree has more files than the limit")

// Files lists the paths of the regular files and links of the head's tree, in
// tree order, reading trees only (no blob is fetched). At most max paths are
// returned; a larger tree returns the first max with ErrTooManyFiles.
func (s *Snapshot) Files(max int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := object.NewTreeWalker(s.tree, true, nil)
	defer w.Close()
	var out []string
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("walk tree of %s: %w", s.Head, err)
		}
		if !e.Mode.IsFile() {
			continue
		}
		if len(out) >= max {
			return out, ErrTooManyFiles
		}
		out = append(out, name)
	}
}
