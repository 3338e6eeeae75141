// Package codefacts reads what a repository's tree shows about the software in
// it when it has no publiccode.yml: the README's first paragraph, the licence of
// its licence files (by github.com/google/licensecheck), its programming
// languages (by github.com/go-enry/go-enry), a logo at a conventional place and
// the platforms the tree makes certain. Nothing is guessed beyond that evidence.
package codefacts

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

// Tree is a repository's files: a crawled snapshot, or a local checkout.
type Tree interface {
	// ReadFile reads at most max bytes of the file at name (slash-separated).
	ReadFile(name string, max int64) ([]byte, error)
}

// Limits bound what is read.
const (
	maxReadme  = 256 << 10
	maxLicense = 256 << 10
	// MaxFiles is how many paths are considered for languages.
	MaxFiles = 100_000
)

// Read returns the facts of a tree whose file paths are files. The licence
// files, README and logo are read through t; languages come from the paths.
func Read(t Tree, files []string) catalogue.CodeFacts {
	var f catalogue.CodeFacts
	root := map[string]string{} // lower-cased name → name, of files at the root
	for _, p := range files {
		if !strings.Contains(p, "/") {
			root[strings.ToLower(p)] = p
		}
	}
	f.Readme = readReadme(t, root)
	f.License, f.LicenseFile = readLicense(t, files)
	f.ProgrammingLanguages = Languages(files)
	f.Logo = findLogo(files)
	f.Platforms = platforms(files)
	return f
}

// readmeNames are the README files read, in order of preference.
var readmeNames = []string{"readme.md", "readme.markdown", "readme", "readme.txt", "readme.rst", "readme.en.md"}

func readReadme(t Tree, root map[string]string) string {
	for _, n := range readmeNames {
		name, ok := root[n]
		if !ok {
			continue
		}
		data, err := t.ReadFile(name, maxReadme)
		if err != nil {
			continue
		}
		if p := FirstParagraph(data, isMarkdown(name)); p != "" {
			return p
		}
	}
	return ""
}

func isMarkdown(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".md" || ext == ".markdown"
}

// logoPlaces are where a logo is looked for, in order.
var logoPlaces = []string{"", "docs/", "doc/", "assets/", "images/", "img/", ".github/", "public/", "static/"}

var logoNames = []string{"logo.svg", "logo.png", "logo.jpg", "logo.jpeg"}

func findLogo(files []string) string {
	have := make(map[string]string, len(files))
	for _, p := range files {
		have[strings.ToLower(p)] = p
	}
	for _, dir := range logoPlaces {
		for _, n := range logoNames {
			if p, ok := have[dir+n]; ok {
				return p
			}
		}
	}
	return ""
}

// platforms are those a tree makes certain: an Android manifest means android,
// an Xcode project with an iOS app's storyboard means ios.
func platforms(files []string) []string {
	var android, ios bool
	for _, p := range files {
		base := path.Base(p)
		switch {
		case base == "AndroidManifest.xml":
			android = true
		case base == "LaunchScreen.storyboard":
			ios = true
		}
	}
	var out []string
	if android {
		out = append(out, "android")
	}
	if ios {
		out = append(out, "ios")
	}
	return out
}

// DirTree is a local folder read as a Tree.
type DirTree struct{ FS fs.FS }

// ReadFile implements Tree.
func (d DirTree) ReadFile(name string, max int64) ([]byte, error) {
	f, err := d.FS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New(name + ": not a regular file")
	}
	buf := make([]byte, min(st.Size(), max))
	n, err := readFull(f, buf)
	return buf[:n], err
}

func readFull(f fs.File, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil {
			if n == len(buf) || errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
	}
	return n, nil
}

// Files lists a local folder's regular files, skipping .git and other
// dot-folders, at most max of them.
func (d DirTree) Files(max int) ([]string, error) {
	var out []string
	err := fs.WalkDir(d.FS, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != "." && strings.HasPrefix(e.Name(), ".") && e.Name() != ".github" {
				return fs.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		if len(out) >= max {
			return fs.SkipAll
		}
		out = append(out, p)
		return nil
	})
	sort.Strings(out)
	return out, err
}

// Wanted are the files Read reads among files, so that a partial fetch can
// bring them in one request.
func Wanted(files []string) []string {
	var out []string
	for _, p := range files {
		lower := strings.ToLower(p)
		if isLicenseFile(p) || (!strings.Contains(p, "/") && strings.HasPrefix(lower, "readme")) {
			out = append(out, p)
		}
	}
	return out
}
