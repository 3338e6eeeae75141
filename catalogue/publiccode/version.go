package publiccode

import "strings"

// Versions of the standard. Every version from 0.2 to 0.7 is checked against the
// current rules, as the reference validator does: the standard only ever added
// keys and deprecated others within version 0, so the current rules are the
// strictest reading of every one of them.
var (
	// currentVersions need no warning. "0" means "the latest 0.x".
	currentVersions = []string{"0", "0.7", "0.7.0"}
	olderVersions   = []string{
		"0.2", "0.2.0", "0.2.1", "0.2.2", "0.3", "0.3.0", "0.4", "0.4.0",
		"0.5", "0.5.0", "0.6", "0.6.0",
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
