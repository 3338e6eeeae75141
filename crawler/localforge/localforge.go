// Package localforge is a small forge on loopback: bare git repositories built from
// files, served over git's smart HTTP protocol (git http-backend) with a
// Gitea-shaped listing API beside them. The demo world and the tests crawl it for
// real; nothing in it is a stand-in for the crawler's side.
package localforge

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
)

// OwnerKind says how the listing API presents an owner.
type OwnerKind string

// Owner kinds: an organisation is listed under /orgs/ and /users/, a user only
// under /users/ (the Gitea API's behaviour).
const (
	Org  OwnerKind = "org"
	User OwnerKind = "user"
)

// Forge keeps repositories under Root as Root/OWNER/NAME.git.
type Forge struct {
	Root string

	mu     sync.Mutex
	owners map[string]OwnerKind
	meta   map[string]RepoMeta
}

// RepoMeta is what the listing API reports about a repository beyond its name.
type RepoMeta struct {
	Private  bool
	Archived bool
	Fork     bool
	// Parent is the upstream of a fork, as "owner/name".
	Parent string
	// Description and Topics are the forge's words about the repository.
	Description string
	Topics      []string
}

// New returns a forge keeping its repositories under root (made absolute, as git
// http-backend runs in another working directory).
func New(root string) *Forge {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return &Forge{Root: root, owners: map[string]OwnerKind{}, meta: map[string]RepoMeta{}}
}

var (
	nameRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	ownerRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$`)
)

// AddOwner declares an organisation or user. An organisation's name may have
// slashes: "city/parking" is the subgroup parking of the group city (GitLab).
func (f *Forge) AddOwner(name string, kind OwnerKind) error {
	if !ownerRE.MatchString(name) || (kind == User && !nameRE.MatchString(name)) {
		return fmt.Errorf("owner name %q: use letters, digits, '.', '_' or '-'", name)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.owners[name] = kind
	return os.MkdirAll(filepath.Join(f.Root, name), 0o755)
}

// SetMeta sets what the listing API says about a repository.
func (f *Forge) SetMeta(owner, name string, m RepoMeta) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.meta[owner+"/"+name] = m
}

// Commit describes one commit: the whole tree it records.
type Commit struct {
	// Files maps slash-separated paths to contents.
	Files map[string][]byte
	// Links maps paths to symbolic-link targets.
	Links   map[string]string
	Message string
	When    time.Time
	Author  string
	// Email is the author's address (default: made from Author at example.org).
	Email string
	// Tag, when set, names a lightweight tag on the commit.
	Tag string
	// Release, when set, names an annotated tag on the commit, dated When.
	Release string
}

// Path returns the bare repository's folder.
func (f *Forge) Path(owner, name string) string {
	return filepath.Join(f.Root, owner, name+".git")
}

// CreateEmpty creates a repository with no commits.
func (f *Forge) CreateEmpty(owner, name string) error {
	if !ownerRE.MatchString(owner) || !nameRE.MatchString(name) {
		return fmt.Errorf("repository %s/%s: bad name", owner, name)
	}
	_, err := git.PlainInitWithOptions(f.Path(owner, name), &git.PlainInitOptions{
		Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil && !errors.Is(err, git.ErrRepositoryAlreadyExists) {
		return fmt.Errorf("create %s/%s: %w", owner, name, err)
	}
	return nil
}

// Copy makes a repository that starts as a copy of another, history and all, as
// a fork or a mirror on a forge does.
func (f *Forge) Copy(owner, name, toOwner, toName string) error {
	if !ownerRE.MatchString(toOwner) || !nameRE.MatchString(toName) {
		return fmt.Errorf("repository %s/%s: bad name", toOwner, toName)
	}
	if err := os.MkdirAll(filepath.Dir(f.Path(toOwner, toName)), 0o755); err != nil {
		return err
	}
	if err := os.CopyFS(f.Path(toOwner, toName), os.DirFS(f.Path(owner, name))); err != nil {
		return fmt.Errorf("copy %s/%s to %s/%s: %w", owner, name, toOwner, toName, err)
	}
	return nil
}

// Delete removes a repository, as when it is deleted on a forge.
func (f *Forge) Delete(owner, name string) error {
	return os.RemoveAll(f.Path(owner, name))
}

// Rename moves a repository to a new name under the same owner, as a maintainer
// renaming it does (the old URL then answers 404: no redirect).
func (f *Forge) Rename(owner, from, to string) error {
	if !nameRE.MatchString(to) {
		return fmt.Errorf("repository name %q: use letters, digits, '.', '_' or '-'", to)
	}
	f.mu.Lock()
	if m, ok := f.meta[owner+"/"+from]; ok {
		f.meta[owner+"/"+to] = m
		delete(f.meta, owner+"/"+from)
	}
	f.mu.Unlock()
	return os.Rename(f.Path(owner, from), f.Path(owner, to))
}

// Push adds a commit on top of the main branch, creating the repository if needed,
// and returns the commit's hash.
func (f *Forge) Push(owner, name string, c Commit) (string, error) {
	if err := f.CreateEmpty(owner, name); err != nil {
		return "", err
	}
	repo, err := git.PlainOpen(f.Path(owner, name))
	if err != nil {
		return "", fmt.Errorf("open %s/%s: %w", owner, name, err)
	}
	st := repo.Storer
	root := &dir{children: map[string]*dir{}, files: map[string]plumbing.Hash{}, modes: map[string]filemode.FileMode{}}
	for p, data := range c.Files {
		h, err := writeObject(st, plumbing.BlobObject, data)
		if err != nil {
			return "", err
		}
		root.add(strings.Split(strings.Trim(p, "/"), "/"), h, filemode.Regular)
	}
	for p, target := range c.Links {
		h, err := writeObject(st, plumbing.BlobObject, []byte(target))
		if err != nil {
			return "", err
		}
		root.add(strings.Split(strings.Trim(p, "/"), "/"), h, filemode.Symlink)
	}
	treeHash, err := root.write(st)
	if err != nil {
		return "", fmt.Errorf("write tree of %s/%s: %w", owner, name, err)
	}
	sig, msg := c.signature()
	commit := &object.Commit{Author: sig, Committer: sig, Message: msg + "\n", TreeHash: treeHash}
	branch := plumbing.NewBranchReferenceName("main")
	if ref, err := st.Reference(branch); err == nil {
		commit.ParentHashes = []plumbing.Hash{ref.Hash()}
	}
	obj := st.NewEncodedObject()
	if err := commit.Encode(obj); err != nil {
		return "", err
	}
	h, err := st.SetEncodedObject(obj)
	if err != nil {
		return "", fmt.Errorf("store commit: %w", err)
	}
	if err := st.SetReference(plumbing.NewHashReference(branch, h)); err != nil {
		return "", err
	}
	if err := st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch)); err != nil {
		return "", err
	}
	if c.Tag != "" {
		if err := st.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(c.Tag), h)); err != nil {
			return "", err
		}
	}
	if c.Release != "" {
		if err := release(st, c.Release, sig, h); err != nil {
			return "", fmt.Errorf("release %s of %s/%s: %w", c.Release, owner, name, err)
		}
	}
	return h.String(), nil
}

// signature is the commit's author and committer, and its message, with the
// defaults of a demo commit.
func (c Commit) signature() (object.Signature, string) {
	when := c.When
	if when.IsZero() {
		when = time.Now()
	}
	author := c.Author
	if author == "" {
		author = "Demo Maintainer"
	}
	msg := c.Message
	if msg == "" {
		msg = "Update"
	}
	email := c.Email
	if email == "" {
		email = strings.ReplaceAll(strings.ToLower(author), " ", ".") + "@example.org"
	}
	return object.Signature{Name: author, Email: email, When: when}, msg
}

// release makes an annotated tag of the commit h.
func release(st storage.Storer, name string, sig object.Signature, h plumbing.Hash) error {
	tag := &object.Tag{Name: name, Tagger: sig, Message: "Release " + name + "\n", TargetType: plumbing.CommitObject, Target: h}
	obj := st.NewEncodedObject()
	if err := tag.Encode(obj); err != nil {
		return err
	}
	th, err := st.SetEncodedObject(obj)
	if err != nil {
		return fmt.Errorf("store tag: %w", err)
	}
	return st.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(name), th))
}

func writeObject(st storer.EncodedObjectStorer, t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(t)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// dir is a folder of the tree being written.
type dir struct {
	children map[string]*dir
	files    map[string]plumbing.Hash
	modes    map[string]filemode.FileMode
}

func (d *dir) add(parts []string, h plumbing.Hash, mode filemode.FileMode) {
	if len(parts) == 1 {
		d.files[parts[0]] = h
		d.modes[parts[0]] = mode
		return
	}
	c, ok := d.children[parts[0]]
	if !ok {
		c = &dir{children: map[string]*dir{}, files: map[string]plumbing.Hash{}, modes: map[string]filemode.FileMode{}}
		d.children[parts[0]] = c
	}
	c.add(parts[1:], h, mode)
}

func (d *dir) write(st storer.EncodedObjectStorer) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	for name, c := range d.children {
		h, err := c.write(st)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	for name, h := range d.files {
		entries = append(entries, object.TreeEntry{Name: name, Mode: d.modes[name], Hash: h})
	}
	// Git orders entries by name, comparing folders as if their name ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	tree := &object.Tree{Entries: entries}
	obj := st.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}
