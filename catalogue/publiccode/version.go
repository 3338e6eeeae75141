package publiccode

import "strings"

// Versions of the standard. Every released version from 0.2 to 0.7 is checked
// against the current rules, as the reference validator does: the standard only
// ever added keys and deprecated others within version 0, so the current rules
// are the strictest reading of every one of them.
//
// The released versions are those of github.com/publiccodeyml/publiccode.yml:
// its tags core-0.2, core-0.2.1, v0.3.0, v0.4.0, v0.5.0 and v0.7.0, and 0.2.2,
// dated 2019-12-13 in its CHANGELOG. There was never a 0.6 release: the
// CHANGELOG's undated "v0.6.0" entry, written when 0.7 was, records tooling
// changes only, and no tag carries it. Like the reference validator
// (publiccode-parser-go's SupportedVersions), a file declaring 0.6 gets an
// error. To check after a new release: git tag -l in that repository, and
// SupportedVersions in publiccode-parser-go's publiccode.go.
var (
	// currentVersions need no warning. "0" means "the latest 0.x".
	currentVersions = []string{"0", "0.7", "0.7.0"}
	olderVersions   = []string{
		"0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0",
		"0.5", "0.5.0",
	}
)

// CurrentVersion is the newest release of the standard, whose rules apply to
// every supported version.
const CurrentVersion = "0.7"

// checkVersion reports on publiccodeYmlVersion and says whether the rest of the
// file should be checked: files of unsupported versions get one finding.
func (v *validator) checkVersion() bool {
	d, f := v.d, v.f
	const key = "publiccodeYmlVersion"
	switch {
	case d.draft != "":
		v.add(SeverityError, "version-unsupported", "version", "version-draft", arg("value", d.draft))
		return false
	case d.reported[key]:
		return true
	case f.Version == "":
		v.required(key)
		return true
	}
	written := f.Version
	version := strings.TrimPrefix(strings.TrimSpace(written), "v")
	switch {
	case contains(currentVersions, version):
		if d.versionTag != "!!str" {
			v.add(SeverityWarning, "version-unquoted", key, "version-unquoted", arg("value", written))
		}
		return true
	case contains(olderVersions, version):
		v.add(SeverityWarning, "version-old", key, "version-old", arg("value", written), arg("current", CurrentVersion))
		return true
	}
	v.add(SeverityError, "version-unsupported", key, "version-unsupported", arg("value", written))
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
