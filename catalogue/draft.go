package catalogue

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// DraftInput is what a repository evidences for its publiccode.yml: a code
// entry's facts, or those read from a repository fetched for the draft.
type DraftInput struct {
	Name, URL string
	// Description is the forge's; Readme the README's first paragraph.
	Description, Readme  string
	License, LicenseFile string
	Logo                 string
	Release              *Release
	Platforms            []string
	// Files, when set, is the repository's tree, so that the validator checks
	// the files the draft names (the logo).
	Files fs.FS
}

// DraftInputOf is what a code entry evidences.
func DraftInputOf(e CodeEntry) DraftInput {
	return DraftInput{Name: e.Name, URL: e.URL, Description: e.Description, Readme: e.Readme, License: e.License, LicenseFile: e.LicenseFile,
		Logo: e.Logo, Release: e.Release, Platforms: e.Platforms}
}

// Draft is a drafted publiccode.yml, its findings, and the keys its
// maintainer must fill in (the only keys with error findings).
type Draft struct {
	PubliccodeYml string               `json:"publiccodeYml"`
	Findings      []publiccode.Finding `json:"findings"`
	Todo          []string             `json:"todo"`
}

// draftLang is the description's language key: a README's language is not
// detected, so the draft says so and the maintainer changes it if needed.
const draftLang = "en"

// maxShort is the standard's limit on shortDescription.
const maxShort = 150

// draftKey is one key the draft fills, with why it believes the value.
type draftKey struct {
	path, value, why string
}

// required are the keys of the standard 0.7 that a draft leaves to the
// maintainer unless the repository evidences them, with the hint written beside
// each in the file.
var required = []struct{ path, hint string }{
	{"platforms", "where it runs: web, windows, mac, linux, ios, android"},
	{"developmentStatus", "concept, development, beta, stable or obsolete"},
	{"softwareType", "standalone/web, standalone/mobile, standalone/desktop, standalone/backend, standalone/iot, standalone/other, addon, library or configurationFiles"},
	{"legal.license", "an SPDX expression such as EUPL-1.2"},
	{"description." + draftLang + ".shortDescription", "one line, at most 150 characters"},
	{"description." + draftLang + ".longDescription", "150 to 10,000 characters for the software's users"},
	{"description." + draftLang + ".features", "a list of what a user can do with it"},
	{"maintenance.type", "internal, contract, community or none (and contacts or contractors)"},
	{"localisation.localisationReady", "true or false"},
	{"localisation.availableLanguages", "the languages of its interface, such as [en, it]"},
}

// MakeDraft drafts a publiccode.yml from what a repository evidences. Every
// value read from the repository is marked in a YAML comment; every required
// key it does not evidence is a "to do" comment and in Todo. A guessed value
// the validator refuses is left out and becomes a to-do, so that the draft's
// only error findings are on its to-do keys.
func MakeDraft(in DraftInput) Draft {
	keys := guessedKeys(in)
	for range 3 {
		d := renderDraft(in, keys)
		bad := refused(d.Findings, keys)
		if len(bad) == 0 {
			return d
		}
		keys = slices.DeleteFunc(keys, func(k draftKey) bool { return bad[k.path] })
	}
	return renderDraft(in, keys)
}

// guessedKeys are the values the repository evidences, by key path.
func guessedKeys(in DraftInput) []draftKey {
	var keys []draftKey
	add := func(path, value, why string) {
		if strings.TrimSpace(value) != "" {
			keys = append(keys, draftKey{path, value, why})
		}
	}
	add("name", in.Name, "the repository's name")
	if r := in.Release; r != nil {
		add("softwareVersion", r.Name, "the latest release tag")
		add("releaseDate", r.Date.UTC().Format("2006-01-02"), "the date of that tag")
	}
	add("logo", in.Logo, "a logo file at a conventional place")
	if len(in.Platforms) > 0 {
		add("platforms", "["+strings.Join(in.Platforms, ", ")+"]", "the tree shows an app for it")
	}
	if in.License != "" {
		why := "recognised by a licence classifier"
		if in.LicenseFile != "" {
			why = in.LicenseFile + " " + why
		}
		add("legal.license", in.License, why)
	}
	short, why := in.Description, "the forge's description"
	if short == "" {
		short, why = in.Readme, "the README's first paragraph"
	}
	if short = shortSentence(short); short != "" {
		add("description."+draftLang+".shortDescription", short, why+"; the language key "+draftLang+" was not detected")
	}
	if utf8.RuneCountInString(in.Readme) >= 150 {
		add("description."+draftLang+".longDescription", in.Readme, "the README's first paragraph")
	}
	return keys
}

// shortSentence is text cut to its first sentence when it is too long for a
// shortDescription, or "" when even that is too long.
func shortSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxShort {
		return s
	}
	if i := strings.Index(s, ". "); i > 0 && utf8.RuneCountInString(s[:i+1]) <= maxShort {
		return s[:i+1]
	}
	return ""
}

// refused are the guessed keys the validator has an error about.
func refused(findings []publiccode.Finding, keys []draftKey) map[string]bool {
	bad := map[string]bool{}
	for _, f := range findings {
		if f.Severity != publiccode.SeverityError {
			continue
		}
		for _, k := range keys {
			if f.Key == k.path || strings.HasPrefix(f.Key, k.path+".") || strings.HasPrefix(f.Key, k.path+"[") {
				bad[k.path] = true
			}
		}
	}
	return bad
}

// renderDraft writes the file, checks it, and lists its to-do keys.
func renderDraft(in DraftInput, keys []draftKey) Draft {
	have := map[string]draftKey{}
	for _, k := range keys {
		have[k.path] = k
	}
	var todo []string
	if in.URL == "" {
		todo = append(todo, "url")
	}
	for _, r := range required {
		if _, ok := have[r.path]; !ok {
			todo = append(todo, r.path)
		}
	}
	var b strings.Builder
	from := in.URL
	if from == "" {
		from = "a local checkout"
	}
	b.WriteString("# publiccode.yml drafted by Oscat from " + from + "\n")
	b.WriteString("# Values marked \"guessed\" were read from the repository: check them.\n")
	b.WriteString("# \"To do\" marks what the standard requires and the repository does not show.\n")
	b.WriteString("publiccodeYmlVersion: \"0\"\n")
	line := func(indent, key, path string) {
		if k, ok := have[path]; ok {
			b.WriteString(indent + key + ": " + yamlValue(k) + "  # guessed: " + k.why + "\n")
			return
		}
		for _, r := range required {
			if r.path == path {
				b.WriteString(indent + "# To do: " + key + ": " + r.hint + "\n")
			}
		}
	}
	line("", "name", "name")
	if in.URL != "" {
		b.WriteString("url: " + quote(in.URL) + "\n")
	} else {
		b.WriteString("# To do: url: the address of the repository, such as https://github.com/ORG/REPO\n")
	}
	line("", "softwareVersion", "softwareVersion")
	line("", "releaseDate", "releaseDate")
	line("", "logo", "logo")
	line("", "platforms", "platforms")
	line("", "developmentStatus", "developmentStatus")
	line("", "softwareType", "softwareType")
	b.WriteString("description:\n  " + draftLang + ":\n")
	line("    ", "shortDescription", "description."+draftLang+".shortDescription")
	line("    ", "longDescription", "description."+draftLang+".longDescription")
	line("    ", "features", "description."+draftLang+".features")
	if _, ok := have["legal.license"]; ok {
		b.WriteString("legal:\n")
		line("  ", "license", "legal.license")
	} else {
		b.WriteString("# To do: legal:\n#   license: an SPDX expression such as EUPL-1.2\n")
	}
	b.WriteString("# To do: maintenance:\n#   type: internal, contract, community or none (and contacts or contractors)\n")
	b.WriteString("# To do: localisation:\n#   localisationReady: true or false\n#   availableLanguages: the languages of its interface, such as [en, it]\n")
	text := b.String()
	doc := publiccode.Check([]byte(text), publiccode.Options{Files: in.Files})
	findings := doc.Findings
	if findings == nil {
		findings = []publiccode.Finding{}
	}
	if todo == nil {
		todo = []string{}
	}
	return Draft{PubliccodeYml: text, Findings: findings, Todo: todo}
}

// yamlValue writes a guessed value: flow lists as they are, strings quoted.
func yamlValue(k draftKey) string {
	if strings.HasPrefix(k.value, "[") {
		return k.value
	}
	return quote(k.value)
}

// quote writes s as a double-quoted YAML scalar (JSON's quoting is YAML's).
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
