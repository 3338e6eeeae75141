package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/codefacts"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
)

const initAbout = `
Writes a draft publiccode.yml for the checkout in DIR (default: the current
folder) from what its files show: its name and origin URL, the licence of its
licence files, its latest release tag and date, a logo file, a short
description from its README, and platforms only where certain. Every guessed
value is marked in a comment; the keys you must fill in are printed.

An existing publiccode.yml (or publiccode.yaml) is not overwritten unless
--force is given.

Exit status: 0 when the draft was written, 1 when it was not, 2 for a usage error.
`

// runInit is `oscat init`: args are the arguments after "init".
func runInit(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("init", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	force := fset.Bool("force", false, "overwrite an existing publiccode.yml")
	rest, err := parseInterspersed(fset, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		code := exitCode(stderr, "init", fset, err)
		fmt.Fprint(stderr, initAbout)
		return code
	case err != nil:
		return exitCode(stderr, "init", fset, usageError("%v", err))
	case len(rest) > 1:
		return exitCode(stderr, "init", fset, usageError("give at most one folder, not %d", len(rest)))
	}
	dir := "."
	if len(rest) == 1 {
		dir = rest[0]
	}
	d, target, err := draftLocal(dir, *force)
	if err == nil {
		err = os.WriteFile(target, []byte(d.PubliccodeYml), 0o644)
	}
	if err != nil {
		return exitCode(stderr, "init", fset, err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", target)
	if len(d.Todo) > 0 {
		fmt.Fprintln(stdout, "fill in, then check it with `oscat validate "+dir+"`:")
		for _, k := range d.Todo {
			fmt.Fprintln(stdout, "  "+k)
		}
	}
	return 0
}

// draftLocal drafts the publiccode.yml of the checkout in dir and returns it
// with the path to write it to.
func draftLocal(dir string, force bool) (catalogue.Draft, string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return catalogue.Draft{}, "", err
	}
	if !st.IsDir() {
		return catalogue.Draft{}, "", fmt.Errorf("%s is not a folder", dir)
	}
	target := filepath.Join(dir, "publiccode.yml")
	for _, name := range []string{"publiccode.yml", "publiccode.yaml"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil && !force {
			return catalogue.Draft{}, "", fmt.Errorf("%s already exists: check it with `oscat validate %s`, or give --force to replace it with a draft", filepath.Join(dir, name), dir)
		}
	}
	tree := codefacts.DirTree{FS: os.DirFS(dir)}
	files, err := tree.Files(codefacts.MaxFiles)
	if err != nil && !errors.Is(err, fs.SkipAll) {
		return catalogue.Draft{}, "", fmt.Errorf("read %s: %w", dir, err)
	}
	facts := codefacts.Read(tree, files)
	in := catalogue.DraftInput{Readme: facts.Readme, License: facts.License, LicenseFile: facts.LicenseFile, Logo: facts.Logo,
		Platforms: facts.Platforms, Files: os.DirFS(dir)}
	abs, _ := filepath.Abs(dir)
	in.Name = filepath.Base(abs)
	if repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true}); err == nil {
		in.URL, in.Release = originURL(repo), latestTag(repo)
		if in.URL != "" {
			in.Name = strings.TrimSuffix(filepath.Base(strings.TrimSuffix(in.URL, "/")), ".git")
		}
	}
	return catalogue.MakeDraft(in), target, nil
}

// originURL is the checkout's origin remote, without credentials, when it is
// a web address (an SSH remote says nothing a browser can open).
func originURL(repo *git.Repository) string {
	r, err := repo.Remote("origin")
	if err != nil || len(r.Config().URLs) == 0 {
		return ""
	}
	u := gitfetch.Redact(r.Config().URLs[0])
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return ""
	}
	return strings.TrimSuffix(u, ".git")
}

// latestTag is the newest tag by its commit's date.
func latestTag(repo *git.Repository) *catalogue.Release {
	iter, err := repo.Tags()
	if err != nil {
		return nil
	}
	var rels []catalogue.Release
	_ = iter.ForEach(func(ref *plumbing.Reference) error {
		h, err := repo.ResolveRevision(plumbing.Revision(ref.Name().String()))
		if err != nil {
			return nil
		}
		c, err := repo.CommitObject(*h)
		if err != nil {
			return nil
		}
		rels = append(rels, catalogue.Release{Name: ref.Name().Short(), Date: c.Committer.When})
		return nil
	})
	if len(rels) == 0 {
		return nil
	}
	sort.Slice(rels, func(i, j int) bool { return rels[i].Date.After(rels[j].Date) })
	return &rels[0]
}
