package gitfetch

import (
	"fmt"
	"path"
	"slices"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// FindOptions bound a search of the tree for files by name.
type FindOptions struct {
	// Names are the file names looked for (in order of preference within a folder).
	Names []string
	// MaxDepth is how deep below the root folders are searched (1: the root's
	// folders only); MaxCount stops the search after that many files.
	MaxDepth, MaxCount int
	// Skip reports a folder (by name) not to descend into.
	Skip func(name string) bool
}

// FindFiles returns the paths of files named one of o.Names in the root's
// subfolders (not at the root itself), shallowest first, a folder's files in
// name order, at most one per folder (the first of o.Names it has). Only
// trees are read: no blob is fetched.
func (s *Snapshot) FindFiles(o FindOptions) ([]string, error) {
	type folder struct {
		path  string
		depth int
	}
	var out []string
	queue := []folder{{".", 0}}
	for len(queue) > 0 && len(out) < o.MaxCount {
		cur := queue[0]
		queue = queue[1:]
		s.mu.Lock()
		t := s.tree
		var err error
		if cur.path != "." {
			t, err = s.tree.Tree(cur.path)
		}
		s.mu.Unlock()
		if err != nil {
			return out, fmt.Errorf("read folder %s: %w", cur.path, err)
		}
		if cur.depth > 0 {
			for _, name := range o.Names {
				if i := slices.IndexFunc(t.Entries, func(e object.TreeEntry) bool { return e.Name == name }); i >= 0 && t.Entries[i].Mode.IsFile() {
					out = append(out, path.Join(cur.path, name))
					break
				}
			}
		}
		if cur.depth >= o.MaxDepth {
			continue
		}
		for _, e := range t.Entries {
			if e.Mode == filemode.Dir && (o.Skip == nil || !o.Skip(e.Name)) {
				queue = append(queue, folder{path.Join(cur.path, e.Name), cur.depth + 1})
			}
		}
	}
	if len(out) > o.MaxCount {
		out = out[:o.MaxCount]
	}
	return out, nil
}
