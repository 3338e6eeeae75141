package publiccode

// This file holds, in one place, where Oscat's validator deliberately differs
// from the reference validator (github.com/italia/publiccode-parser-go v5),
// and the two tests that measure it against that validator: the conformance
// cases from its own test suite, and the real files of the corpus.

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// differences are the deliberate differences from the reference validator, each
// with its reason. The tables below cite them by name.
var differences = map[string]string{
	"network": "Checks that need the network (does a URL answer, is it a known code host, what does a remote logo hold) are not " +
		"made: validation must work offline, in a crawl and in an editor. A remote logo is reported as not checked instead.",
	"missing-key-position": "A missing key is reported at its parent key (maintenance: for maintenance.type), as issue 3 asks; " +
		"the reference points at the first key inside the parent, and at 0:0 when the parent is missing too. A missing " +
		"top-level key is reported where the top-level mapping starts.",
	"type-error-column": "A value of the wrong type is reported at its key's line and column; the reference knows only the " +
		"line of a type error and always says column 1.",
	"type-error-key": "A value of the wrong type is reported under the key whose value it is (isBasedOn, fundedBy, " +
		"dependsOn.open[0].name); the reference names what its decoder met inside the value (isBasedOn.foobar, " +
		"fundedBy.name, dependsOn.open[0]).",
	"one-finding-per-problem": "A key with a value of the wrong type gets one finding, not a second one saying it is missing, " +
		"and a wrong value does not make its section look empty (the reference adds \"description must contain more " +
		"than 0 items\" after a type error inside a description, and \"availableLanguages is required\" after a YAML 1.1 " +
		"boolean beside it).",
	"language-key": "A description language that is not a BCP 47 tag is reported at that language's key " +
		"(description.en_GB), not at description.",
	"version-position": "An unsupported publiccodeYmlVersion is reported at the key, not at 0:0.",
	"deprecated-always": "A deprecated key is reported as deprecated whatever its value; the reference says so only when it " +
		"could decode the value.",
}

// ourExtras are findings we make that the reference does not, keyed by case
// path, key and code.
var ourExtras = map[string]string{
	"v0/invalid/outputTypes_wrong_type.yml|outputTypes|deprecated-key": "deprecated-always",
}

// refFinding is one finding as expected.json records the reference's.
type refFinding struct {
	Type        string `json:"type"`
	Key         string `json:"key"`
	Description string `json:"description"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
}

// findingDifference says what we report instead of one of the reference's
// findings: ourKey at ourLine:ourColumn, or nothing when ourKey is "-".
type findingDifference struct {
	ourKey          string
	ourLine, ourCol int
	because         string
}

// conformanceDifferences are keyed by case path, the reference's key and its
// line:column.
var conformanceDifferences = map[string]findingDifference{
	"v0/invalid/dependsOn_open_name_wrong_type.yml|dependsOn.open[0]|56:1":                                     {"dependsOn.open[0].name", 56, 7, "type-error-key"},
	"v0/invalid/description_en_apiDocumentation_wrong_type.yml|description|20:1":                               {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/description_en_awards_wrong_type.yml|description|18:1":                                         {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/description_en_documentation_wrong_type.yml|description|20:1":                                  {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/description_en_features_missing.yml|description.en.features|22:5":                              {"description.en.features", 19, 3, "missing-key-position"},
	"v0/invalid/description_en_gb_invalid_bcp47.yml|description|18:1":                                          {"description.en_GB", 21, 3, "language-key"},
	"v0/invalid/developmentStatus_wrong_type.yml|developmentStatus|16:1#2":                                     {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/fundedBy_wrong_type.yml|fundedBy.name|18:1":                                                    {"fundedBy", 16, 1, "type-error-key"},
	"v0/invalid/isBasedOn_wrong_type.yml|isBasedOn.foobar|10:1":                                                {"isBasedOn", 9, 1, "type-error-key"},
	"v0/invalid/legal_license_missing.yml|legal.license|41:3":                                                  {"legal.license", 40, 1, "missing-key-position"},
	"v0/invalid/legal_missing.yml|legal.license|0:0":                                                           {"legal.license", 1, 1, "missing-key-position"},
	"v0/invalid/legal_wrong_type.yml|legal.license|46:8":                                                       {"legal.license", 46, 1, "missing-key-position"},
	"v0/invalid/localisation_availableLanguages_missing.yml|localisation.availableLanguages|50:3":              {"localisation.availableLanguages", 49, 1, "missing-key-position"},
	"v0/invalid/localisation_localisationReady_missing.yml|localisation.localisationReady|52:3":                {"localisation.localisationReady", 49, 1, "missing-key-position"},
	"v0/invalid/maintenance_contacts_missing_with_type_internal.yml|maintenance.contacts|44:3":                 {"maintenance.contacts", 43, 1, "missing-key-position"},
	"v0/invalid/maintenance_contractors_missing_with_type_contract.yml|maintenance.contractors|44:3":           {"maintenance.contractors", 43, 1, "missing-key-position"},
	"v0/invalid/maintenance_type_missing.yml|maintenance.type|47:3":                                            {"maintenance.type", 43, 1, "missing-key-position"},
	"v0/invalid/name_wrong_type.yml|name|4:1#2":                                                                {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/no-network/localisation_localisationReady_yaml11_off.yml|localisation.localisationReady|51:3":  {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/no-network/localisation_localisationReady_yaml11_off.yml|localisation.availableLanguages|52:3": {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/no-network/localisation_localisationReady_yaml11_on.yml|localisation.localisationReady|51:3":   {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/no-network/localisation_localisationReady_yaml11_on.yml|localisation.availableLanguages|52:3":  {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/organisation_uri_missing.yml|organisation.uri|18:3":                                            {"organisation.uri", 16, 1, "missing-key-position"},
	"v0/invalid/outputTypes_wrong_type.yml|outputTypes.foobar|15:1":                                            {"outputTypes", 14, 1, "type-error-key"},
	"v0/invalid/platforms_wrong_type.yml|platforms|9:1#2":                                                      {"-", 0, 0, "one-finding-per-problem"},
	"v0/invalid/publiccodeYmlVersion_invalid.yml|publiccodeYmlVersion|0:0":                                     {"publiccodeYmlVersion", 2, 1, "version-position"},
	"v0/invalid/publiccodeYmlVersion_missing.yml|publiccodeYmlVersion|0:0":                                     {"publiccodeYmlVersion", 4, 1, "missing-key-position"},
	"v0/invalid/url_wrong_type.yml|url|6:1#2":                                                                  {"-", 0, 0, "one-finding-per-problem"},
}

// verdictDifferences are the conformance cases on which our verdict differs.
var verdictDifferences = map[string]string{
	"v0/invalid/logo_missing_url.yml": "network",
}

// ourAdvice are warnings we give that the reference does not, with their reason.
var ourAdvice = map[string]string{
	"not-checked":        "network",
	"version-unquoted":   "The standard types publiccodeYmlVersion as a string; the reference rejects an unquoted version, we accept it and say how to write it.",
	"license-deprecated": "SPDX deprecated GPL-3.0 and its like for -only and -or-later; the reference accepts them silently.",
}

// networkOnly matches the reference's findings that come from the network.
var networkOnly = regexp.MustCompile(`not reachable|HTTP GET|is not a valid code repository`)

func conformanceRoot(t testing.TB) string {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "conformance")
	if _, err := os.Stat(filepath.Join(root, "expected.json")); err != nil {
		t.Skip("../shared/corpus/conformance is not beside this clone: the conformance cases cannot be run")
	}
	return root
}

func TestCheck_AgreesWithTheReferenceConformanceCases(t *testing.T) {
	t.Parallel()
	root := conformanceRoot(t)
	expected := map[string][]refFinding{}
	var cases []struct {
		Dir      string       `json:"dir"`
		File     string       `json:"file"`
		Expected []refFinding `json:"expected"`
	}
	data, err := os.ReadFile(filepath.Join(root, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		expected[strings.TrimPrefix(c.Dir, "testdata/")+c.File] = c.Expected
	}
	used := map[string]bool{}
	n := 0
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(p) != ".yml" {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		n++
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			d := Check(data, Options{Files: os.DirFS(filepath.Dir(p))})
			checkConformanceCase(t, rel, d.Findings, expected[rel], used)
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("ran %d conformance cases; the corpus has more than 100", n)
	}
	for k, diff := range conformanceDifferences {
		if !used[k] {
			t.Errorf("listed difference %s no longer happens: remove it", k)
		}
		if differences[diff.because] == "" {
			t.Errorf("difference %s cites an unknown reason %q", k, diff.because)
		}
	}
	for k, because := range ourExtras {
		if !used[k] {
			t.Errorf("listed extra finding %s no longer happens: remove it", k)
		}
		if differences[because] == "" {
			t.Errorf("extra finding %s cites an unknown reason %q", k, because)
		}
	}
	for k, because := range verdictDifferences {
		if differences[because] == "" {
			t.Errorf("verdict difference %s cites an unknown reason %q", k, because)
		}
	}
}

func checkConformanceCase(t *testing.T, rel string, ours []Finding, ref []refFinding, used map[string]bool) {
	wantValid := !strings.HasPrefix(rel, "v0/invalid/")
	if because, listed := verdictDifferences[rel]; listed {
		wantValid = !wantValid
		used[rel] = true
		t.Logf("verdict differs: %s", differences[because])
	}
	if got := Valid(ours); got != wantValid {
		t.Errorf("valid = %v, want %v; findings:\n%s", got, wantValid, findingList(ours))
	}
	matched := make([]bool, len(ours))
	seen := map[string]int{}
	for _, r := range ref {
		if networkOnly.MatchString(r.Description) {
			continue
		}
		id := fmt.Sprintf("%s|%s|%d:%d", rel, r.Key, r.Line, r.Column)
		seen[id]++
		if seen[id] > 1 {
			id += fmt.Sprintf("#%d", seen[id])
		}
		// The reference reports type errors at column 1 (see "type-error-column").
		key, line, col, anyCol := r.Key, r.Line, r.Column, r.Description == "wrong type for this field"
		if diff, listed := conformanceDifferences[id]; listed {
			used[id] = true
			if diff.ourKey == "-" {
				continue
			}
			key, line, col, anyCol = diff.ourKey, diff.ourLine, diff.ourCol, false
		}
		i := slices.IndexFunc(ours, func(f Finding) bool {
			return f.Key == key && f.Line == line && (anyCol || f.Column == col) && string(f.Severity) == r.Type
		})
		if i < 0 {
			t.Errorf("the reference's %s %s at %d:%d (%q) has no counterpart; ours:\n%s", r.Type, r.Key, r.Line, r.Column, r.Description, findingList(ours))
			continue
		}
		matched[i] = true
	}
	for i, f := range ours {
		if matched[i] || (f.Severity == SeverityWarning && ourAdvice[f.Code] != "") {
			continue
		}
		if id := rel + "|" + f.Key + "|" + f.Code; ourExtras[id] != "" {
			used[id] = true
			continue
		}
		t.Errorf("we report %s that the reference does not, and no difference lists it", f)
	}
}

// corpusDisagreements are the real files on which our verdict differs from the
// reference's, with the reason.
var corpusDisagreements = map[string]string{}

func TestCheck_AgreesWithTheReferenceOnTheRealCorpus(t *testing.T) {
	t.Parallel()
	files, refValid := corpusFiles(t)
	agree := 0
	for _, p := range files {
		name := filepath.Base(p)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d := Check(data, Options{}) // the reference's verdicts were made without file checks
		ours := Valid(d.Findings)
		because, listed := corpusDisagreements[name]
		switch {
		case ours == refValid[name] && listed:
			t.Errorf("%s: listed as a disagreement (%s), but we agree now: remove it from the list", name, because)
		case ours == refValid[name]:
			agree++
		case !listed:
			t.Errorf("%s: valid = %v, the reference says %v, and no reason is listed; findings:\n%s", name, ours, refValid[name], findingList(d.Findings))
		}
	}
	if share := float64(agree) / float64(len(files)); share < 0.95 {
		t.Errorf("we agree with the reference on %d of %d real files (%.0f%%), below 95%%", agree, len(files), 100*share)
	}
	t.Logf("verdicts agree with the reference on %d of %d real files", agree, len(files))
}

func TestCheck_GivesEveryRealFileAVerdict(t *testing.T) {
	t.Parallel()
	files, _ := corpusFiles(t)
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d := Check(data, Options{})
		if d.File == nil && len(d.Findings) != 1 {
			t.Errorf("%s: nothing read, yet %d findings: an unreadable file gets one", filepath.Base(p), len(d.Findings))
		}
		if d.File != nil && !Valid(d.Findings) && Count(d.Findings).Errors == 0 {
			t.Errorf("%s: invalid without an error", filepath.Base(p))
		}
		for _, f := range d.Findings {
			if f.Code == "" || f.Message == "" || placeholder.MatchString(f.Message) {
				t.Errorf("%s: finding without a code or a finished message: %+v", filepath.Base(p), f)
			}
		}
	}
}
