package codefacts

import (
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/google/licensecheck"
)

// minCoverage is how much of a licence file the classifier must recognise as
// one licence for it to count: a file that adds terms of its own, or that the
// classifier only partly knows, gives no licence.
const minCoverage = 75

// isLicenseFile tells the files whose text is a licence: LICENSE, LICENCE,
// COPYING (any extension) at the root, and REUSE's LICENSES/*.
func isLicenseFile(p string) bool {
	dir, base := path.Split(p)
	if dir == "LICENSES/" {
		return true
	}
	if dir != "" {
		return false
	}
	name := strings.ToUpper(strings.TrimSuffix(base, path.Ext(base)))
	switch name {
	case "LICENSE", "LICENCE", "COPYING", "UNLICENSE":
		return true
	}
	return strings.HasPrefix(name, "LICENSE-") || strings.HasPrefix(name, "LICENCE-") || strings.HasPrefix(name, "COPYING.")
}

// readLicense classifies every licence file and returns the SPDX expression
// they show, with the file it came from (the first one). Several files of one
// licence give that licence; REUSE's LICENSES/ folder with several licences
// gives them joined by AND (each file is under one of them). Any licence file
// that is not recognised, or two licences at the root (which may be a choice
// or a combination), give nothing.
func readLicense(t Tree, files []string) (string, string) {
	var ids []string
	first := ""
	reuse := true
	for _, p := range files {
		if !isLicenseFile(p) {
			continue
		}
		data, err := t.ReadFile(p, maxLicense)
		if err != nil {
			return "", ""
		}
		id := Classify(data)
		if id == "" {
			return "", ""
		}
		if first == "" {
			first = p
		}
		if !strings.HasPrefix(p, "LICENSES/") {
			reuse = false
		}
		ids = append(ids, id)
	}
	ids = dedupe(ids)
	switch {
	case len(ids) == 1:
		return ids[0], first
	case len(ids) > 1 && reuse:
		sort.Strings(ids)
		return strings.Join(ids, " AND "), first
	}
	return "", ""
}

// Classify returns the SPDX identifier of the one licence a text holds, or ""
// when the classifier does not recognise most of the text as one licence.
func Classify(text []byte) string {
	Prepare()
	if scanner == nil {
		return ""
	}
	cov := scanner.Scan(text)
	if cov.Percent < minCoverage {
		return ""
	}
	id := ""
	for _, m := range cov.Match {
		if m.IsURL {
			continue
		}
		if id != "" && m.ID != id {
			return "" // two licences in one file: which applies is not evident
		}
		id = m.ID
	}
	return spdxID(id)
}

// spdxID turns the classifier's identifiers into current SPDX ones. The GNU
// licences' texts do not say whether later versions may be chosen; their
// standard notice ("either version 3 of the License, or (at your option) any
// later version") does, so "-or-later" is the reading the texts' own
// instructions recommend. Identifiers that are not a licence of SPDX's list
// (the classifier's family names such as "BSD" or "GPL") give nothing.
func spdxID(id string) string {
	switch id {
	case "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0", "LGPL-2.0", "GPL-1.0":
		return id + "-or-later"
	case "", "BSD", "GPL", "LGPL", "MIT-style", "Apache", "CC", "Unknown":
		return ""
	}
	if strings.ContainsAny(id, " ") {
		return ""
	}
	return id
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// known are the licences recognised: the open-source licences public
// administrations publish under (the OSI- and FSF-approved ones in common use,
// the EUPL and the French CeCILL family), with the variants of their notices.
// The classifier's whole list of 550 takes seconds to compile, which a crawl
// would spend inside a repository's time budget; a licence outside this list
// gives no licence, which is what an unrecognised one gives anyway.
var known = []string{
	"0BSD", "AFL-3.0", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-2.0",
	"BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSL-1.0", "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0",
	"CECILL-2.1", "CECILL-B", "CECILL-C", "CDDL-1.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2",
	"GPL-2.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0", "GPL-3.0-only", "GPL-3.0-or-later", "ISC",
	"LGPL-2.1", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later",
	"MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "MS-PL", "OSL-3.0", "PostgreSQL", "Python-2.0", "Unlicense", "WTFPL", "Zlib",
}

var (
	prepareOnce sync.Once
	scanner     *licensecheck.Scanner
)

// Prepare builds the licence classifier's tables once per process; reading
// the first licence does it otherwise.
func Prepare() {
	prepareOnce.Do(func() {
		want := make(map[string]bool, len(known))
		for _, id := range known {
			want[id] = true
		}
		var list []licensecheck.License
		for _, l := range licensecheck.BuiltinLicenses() {
			if want[l.ID] {
				list = append(list, l)
			}
		}
		scanner, _ = licensecheck.NewScanner(list) // the built-in expressions compile
	})
}
