package codefacts

import (
	"os"
	"path/filepath"
	"testing"
)

func TestClassify_CommonLicenceFilesAndNoGuessForOthers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file string
		want string
	}{
		{"Apache-2.0.txt", "Apache-2.0"},
		{"EUPL-1.2.txt", "EUPL-1.2"},
		{"MIT.txt", "MIT"},
		{"BSD-3-Clause.txt", "BSD-3-Clause"},
		{"MPL-2.0.txt", "MPL-2.0"},
		{"GPL-3.0.txt", "GPL-3.0-or-later"},
		{"LGPL-2.1.txt", "LGPL-2.1-or-later"},
		{"unknown.txt", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "licenses", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := Classify(data); got != c.want {
				t.Errorf("Classify(%s) = %q, want %q", c.file, got, c.want)
			}
		})
	}
}

// mapTree is a tree of files in memory.
type mapTree map[string]string

func (m mapTree) ReadFile(name string, max int64) ([]byte, error) {
	s, ok := m[name]
	if !ok {
		return nil, os.ErrNotExist
	}
	if int64(len(s)) > max {
		s = s[:max]
	}
	return []byte(s), nil
}

func (m mapTree) files() []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestReadLicense_WhichFilesCount(t *testing.T) {
	t.Parallel()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "licenses", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mit, apache, unknown := read("MIT.txt"), read("Apache-2.0.txt"), read("unknown.txt")
	cases := []struct {
		name string
		tree mapTree
		want string
	}{
		{"LICENSE at the root", mapTree{"LICENSE": mit}, "MIT"},
		{"LICENCE.md", mapTree{"LICENCE.md": mit}, "MIT"},
		{"COPYING", mapTree{"COPYING": apache}, "Apache-2.0"},
		{"no licence file", mapTree{"README.md": mit}, ""},
		{"licence deeper down does not count", mapTree{"vendor/x/LICENSE": mit}, ""},
		{"two licences at the root: a choice or a combination, not evident", mapTree{"LICENSE-MIT": mit, "LICENSE-APACHE": apache}, ""},
		{"REUSE folder: every licence applies to some files", mapTree{"LICENSES/MIT.txt": mit, "LICENSES/Apache-2.0.txt": apache}, "Apache-2.0 AND MIT"},
		{"an unknown licence beside a known one", mapTree{"LICENSE": mit, "COPYING": unknown}, ""},
		{"unknown alone", mapTree{"LICENSE": unknown}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := readLicense(c.tree, c.tree.files()); got != c.want {
				t.Errorf("licence = %q, want %q", got, c.want)
			}
		})
	}
}
