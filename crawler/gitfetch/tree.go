package gitfetch

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxLinkHops bounds how many symbolic links are followed for one path.
const maxLinkHops = 8

// ErrOutside is returned for a symbolic link that points outside the repository.
var ErrOutside = errors.New("symbolic link points outside the repository")

// ReadFile returns the content of the file at name (slash-separated, relative to
// the root), following symbolic links inside the repository only. At most max bytes
// are read.
func (s *Snapshot) ReadFile(name string, max int64) ([]byte, error) {
	e, err := s.resolve(name)
	if err != nil {
		return nil, err
	}
	b, err := s.blob(e.Hash)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if b.Size > max {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d read", name, b.Size, max)
	}
	r, err := b.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob: %w", err)
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, max))
}

// entry finds the tree entry at name without following links.
func (s *Snapshot) entry(name string) (*object.TreeEntry, error) {
	p := path.Clean(strings.TrimPrefix(name, "/"))
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.tree.FindEntry(p)
	if err != nil {
		if errors.Is(err, object.ErrFileNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
			return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return e, nil
}

// resolve finds the regular file at name, following links within the tree.
func (s *Snapshot) resolve(name string) (*object.TreeEntry, error) {
	p := path.Clean(strings.TrimPrefix(name, "/"))
	for hop := 0; hop <= maxLinkHops; hop++ {
		if p == ".." || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("%s: %w", name, ErrOutside)
		}
		e, err := s.entry(p)
		if err != nil {
			return nil, err
		}
		if e.Mode != filemode.Symlink {
			if !e.Mode.IsFile() {
				return nil, fmt.Errorf("%s: not a regular file", name)
			}
			return e, nil
		}
		b, err := s.blob(e.Hash)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		target, err := readBlob(b, 4096)
		if err != nil {
			return nil, err
		}
		if path.IsAbs(target) {
			return nil, fmt.Errorf("%s: %w", name, ErrOutside)
		}
		p = path.Clean(path.Join(path.Dir(p), target))
	}
	return nil, fmt.Errorf("%s: more than %d symbolic links", name, maxLinkHops)
}

func readBlob(b *object.Blob, max int64) (string, error) {
	r, err := b.Reader()
	if err != nil {
		return "", fmt.Errorf("read blob: %w", err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, max))
	return string(data), err
}

// FS returns the commit's tree as a read-only file system, for validating files the
// publiccode.yml names. Symbolic links are followed inside the repository only;
// under a partial fetch, a file's blob is fetched when it is opened.
func (s *Snapshot) FS() fs.FS { return treeFS{s} }

type treeFS struct{ s *Snapshot }

func (t treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &treeFile{name: ".", dir: true}, nil
	}
	e, err := t.s.resolve(name)
	if err != nil {
		t.s.mu.Lock()
		_, terr := t.s.tree.Tree(name)
		t.s.mu.Unlock()
		if terr == nil {
			return &treeFile{name: path.Base(name), dir: true}, nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	b, err := t.s.blob(e.Hash)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	r, err := b.Reader()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &treeFile{name: path.Base(name), size: b.Size, r: r}, nil
}

type treeFile struct {
	name string
	size int64
	dir  bool
	r    io.ReadCloser
}

func (f *treeFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *treeFile) Read(p []byte) (int, error) {
	if f.dir {
		return 0, fmt.Errorf("%s is a folder", f.name)
	}
	return f.r.Read(p)
}
func (f *treeFile) Close() error {
	if f.r != nil {
		return f.r.Close()
	}
	return nil
}
func (f *treeFile) Name() string { return f.name }
func (f *treeFile) Size() int64  { return f.size }
func (f *treeFile) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (f *treeFile) ModTime() time.Time { return time.Time{} }
func (f *treeFile) IsDir() bool        { return f.dir }
func (f *treeFile) Sys() any           { return nil }
