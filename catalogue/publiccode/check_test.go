package publiccode

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// repo is a repository folder holding a valid publiccode.yml and the files it
// names (testdata/files).
var repo = os.DirFS("testdata/files")

func validFile(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("testdata/files/publiccode.yml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// edit replaces old, which must occur in src, with new.
func edit(t testing.TB, src, old, new string) string {
	t.Helper()
	if !strings.Contains(src, old) {
		t.Fatalf("the test file lacks %q", old)
	}
	return strings.Replace(src, old, new, 1)
}

func TestCheck_ValidFileHasNoFindings(t *testing.T) {
	t.Parallel()
	for _, files := range []Options{{Files: repo}, {}} {
		d := Check([]byte(validFile(t)), files)
		if len(d.Findings) > 0 {
			t.Errorf("findings on a valid file (file checks %v):\n%s", files.Files != nil, findingList(d.Findings))
		}
		if !d.File.Listable() {
			t.Error("a valid file is not listable")
		}
	}
}

// finding is what a rule must report: a code at a key, with a severity, and
// optionally a position and words the message must contain.
type finding struct {
	code, key string
	sev       Severity
	line, col int
	says      string
}

// everyRule are the changes to a valid file that each break one rule, and the
// finding each gives.
var everyRule = []struct {
	name string
	src  func(t *testing.T, s string) string
	want finding
}{
	// Required keys, reported at their parent key, or where the file starts.
	{"name missing", func(t *testing.T, s string) string { return edit(t, s, "name: Parkeervergunning\n", "") },
		finding{"required", "name", SeverityError, 2, 1, "name: Medusa"}},
	{"license missing", func(t *testing.T, s string) string { return edit(t, s, "  license: EUPL-1.2\n", "") },
		finding{"required", "legal.license", SeverityError, 82, 1, "license: EUPL-1.2"}},
	{"type missing", func(t *testing.T, s string) string { return edit(t, s, "  type: contract\n", "") },
		finding{"required", "maintenance.type", SeverityError, 86, 1, ""}},
	{"contractor's end date missing", func(t *testing.T, s string) string { return edit(t, s, "      until: \"2027-12-31\"\n", "") },
		finding{"required", "maintenance.contractors[0].until", SeverityError, 89, 7, "until: 2030-12-31"}},
	{"no features", func(t *testing.T, s string) string {
		return edit(t, s, "    features:\n      - Een bewoners- of bezoekersvergunning aanvragen\n", "    features: []\n")
	}, finding{"empty-list", "description.nl.features", SeverityError, 79, 5, ""}},
	{"no platforms", func(t *testing.T, s string) string {
		return edit(t, s, "platforms:\n  - web\n  - android\n", "platforms: []\n")
	},
		finding{"empty-list", "platforms", SeverityError, 14, 1, "platforms: [web]"}},
	{"platforms with no value", func(t *testing.T, s string) string {
		return edit(t, s, "platforms:\n  - web\n  - android\n", "platforms:\n")
	},
		finding{"required", "platforms", SeverityError, 14, 1, "platforms: [web]"}},
	{"a language with no text", func(t *testing.T, s string) string {
		return s[:strings.Index(s, "  nl:\n")] + "  nl:\n" + s[strings.Index(s, "legal:"):]
	}, finding{"required", "description.nl.shortDescription", SeverityError, 72, 3, ""}},
	{"localisationReady missing", func(t *testing.T, s string) string { return edit(t, s, "  localisationReady: true\n", "") },
		finding{"required", "localisation.localisationReady", SeverityError, 99, 1, ""}},
	{"organisation without uri", func(t *testing.T, s string) string { return edit(t, s, "  uri: \"https://www.example.org\"\n", "") },
		finding{"required", "organisation.uri", SeverityError, 44, 1, ""}},
	{"contacts missing for internal maintenance", func(t *testing.T, s string) string {
		s = edit(t, s, "  type: contract\n", "  type: internal\n")
		return s[:strings.Index(s, "  contractors:")] + s[strings.Index(s, "localisation:"):]
	}, finding{"required-if", "maintenance.contacts", SeverityError, 86, 1, "internal"}},
	{"contractors missing for a contract", func(t *testing.T, s string) string {
		return s[:strings.Index(s, "  contractors:")] + s[strings.Index(s, "  contacts:"):]
	}, finding{"required-if", "maintenance.contractors", SeverityError, 86, 1, "contract"}},
	{"contractors without a contract", func(t *testing.T, s string) string { return edit(t, s, "  type: contract\n", "  type: community\n") },
		finding{"not-allowed", "maintenance.contractors", SeverityError, 88, 3, "type: contract"}},

	// Types.
	{"a scalar where a list belongs", func(t *testing.T, s string) string {
		return edit(t, s, "platforms:\n  - web\n  - android\n", "platforms: web\n")
	},
		finding{"wrong-type", "platforms", SeverityError, 14, 1, "- "}},
	{"a list where text belongs", func(t *testing.T, s string) string {
		return edit(t, s, "name: Parkeervergunning", "name: [Parkeervergunning]")
	},
		finding{"wrong-type", "name", SeverityError, 4, 1, ""}},
	{"a YAML 1.1 boolean", func(t *testing.T, s string) string {
		return edit(t, s, "localisationReady: true", "localisationReady: yes")
	},
		finding{"yaml11-boolean", "localisation.localisationReady", SeverityError, 100, 3, "localisationReady: true"}},
	{"a quoted boolean", func(t *testing.T, s string) string {
		return edit(t, s, "      optional: true", "      optional: \"true\"")
	},
		finding{"wrong-type", "dependsOn.hardware[0].optional", SeverityError, 112, 7, "without quotes"}},
	{"a description without its language", func(t *testing.T, s string) string {
		return edit(t, s, "description:\n  en:\n", "description:\n  shortDescription: Parking permits\n  en:\n")
	}, finding{"wrong-type", "description.shortDescription", SeverityError, 53, 3, "`en:`"}},
	{"a key written twice", func(t *testing.T, s string) string {
		return edit(t, s, "softwareType: \"standalone/web\"\n", "softwareType: \"standalone/web\"\nsoftwareType: library\n")
	},
		finding{"duplicate-key", "softwareType", SeverityError, 29, 1, "line 28"}},

	// Keys the standard does not have.
	{"a misspelt key", func(t *testing.T, s string) string { return edit(t, s, "developmentStatus:", "developmentstatus:") },
		finding{"unknown-key", "developmentstatus", SeverityError, 27, 1, "did you mean `developmentStatus`?"}},
	{"a transposition", func(t *testing.T, s string) string { return edit(t, s, "landingURL:", "landingRUL:") },
		finding{"unknown-key", "landingRUL", SeverityError, 7, 1, "did you mean `landingURL`?"}},
	{"a top-level key nested in a description", func(t *testing.T, s string) string {
		return edit(t, s, "    localisedName: Parking permits\n", "    localisedName: Parking permits\n    usedBy: [Gemeente X]\n")
	}, finding{"unknown-key", "description.en.usedBy", SeverityError, 55, 5, "top level"}},
	{"a description key at the top level", func(t *testing.T, s string) string { return edit(t, s, "roadmap:", "features: [a]\nroadmap:") },
		finding{"unknown-key", "features", SeverityError, 26, 1, "description.<language>"}},
	{"a key that belongs in several places", func(t *testing.T, s string) string { return edit(t, s, "roadmap:", "email: a@example.org\nroadmap:") },
		finding{"unknown-key", "email", SeverityError, 26, 1, "remove it"}},
	{"an unknown key", func(t *testing.T, s string) string { return edit(t, s, "roadmap:", "x-custom: 1\nroadmap:") },
		finding{"unknown-key", "x-custom", SeverityError, 26, 1, "remove it"}},

	// Values.
	{"url with spaces", func(t *testing.T, s string) string { return edit(t, s, `url: "https://git`, `url: " https://git`) },
		finding{"invalid-url", "url", SeverityError, 6, 1, "write `https://git.example.org/gemeente/parkeervergunning.git`"}},
	{"url without scheme", func(t *testing.T, s string) string { return edit(t, s, `url: "https://git`, `url: "git`) },
		finding{"invalid-url", "url", SeverityError, 6, 1, ""}},
	{"landing page without scheme", func(t *testing.T, s string) string {
		return edit(t, s, `landingURL: "https://example.org`, `landingURL: "example.org`)
	},
		finding{"invalid-url", "landingURL", SeverityError, 7, 1, "write `https://example.org/parkeervergunning`"}},
	{"website that is not a web address", func(t *testing.T, s string) string {
		return edit(t, s, `website: "https://example.com"`, `website: "ftp://example.com"`)
	},
		finding{"invalid-url", "maintenance.contractors[0].website", SeverityError, 91, 7, "https://"}},
	{"a date in another format", func(t *testing.T, s string) string {
		return edit(t, s, `releaseDate: "2024-11-05"`, `releaseDate: "05/11/2024"`)
	},
		finding{"invalid-date", "releaseDate", SeverityError, 11, 1, "write `2024-11-05`"}},
	{"an empty date", func(t *testing.T, s string) string { return edit(t, s, `releaseDate: "2024-11-05"`, `releaseDate: ""`) },
		finding{"invalid-date", "releaseDate", SeverityError, 11, 1, "or remove the key"}},
	{"a date and time", func(t *testing.T, s string) string {
		return edit(t, s, `releaseDate: "2024-11-05"`, `releaseDate: 2024-11-05T10:00:00Z`)
	},
		finding{"invalid-date", "releaseDate", SeverityError, 11, 1, "write `2024-11-05`"}},
	{"an impossible date", func(t *testing.T, s string) string { return edit(t, s, `until: "2027-12-31"`, `until: "2027-02-30"`) },
		finding{"invalid-date", "maintenance.contractors[0].until", SeverityError, 92, 7, "YYYY-MM-DD"}},
	{"an e-mail address with a name", func(t *testing.T, s string) string {
		return edit(t, s, "email: anna.devries@example.org", `email: "Anna <anna@example.org>"`)
	},
		finding{"invalid-email", "maintenance.contacts[0].email", SeverityError, 95, 7, "someone@example.org"}},
	{"a misspelt category", func(t *testing.T, s string) string { return edit(t, s, "  - online-booking", "  - online-boking") },
		finding{"invalid-category", "categories[1]", SeverityError, 20, 5, "did you mean `online-booking`?"}},
	{"a scope among the categories", func(t *testing.T, s string) string { return edit(t, s, "  - online-booking", "  - healthcare") },
		finding{"invalid-category", "categories[1]", SeverityError, 20, 5, "intendedAudience.scope"}},
	{"an unknown scope", func(t *testing.T, s string) string { return edit(t, s, "    - transportation", "    - parking") },
		finding{"invalid-scope", "intendedAudience.scope[1]", SeverityError, 37, 7, "scope-list"}},
	{"a development status in capitals", func(t *testing.T, s string) string {
		return edit(t, s, "developmentStatus: stable", "developmentStatus: Stable")
	},
		finding{"invalid-value", "developmentStatus", SeverityError, 27, 1, "did you mean `stable`?"}},
	{"a platform in capitals", func(t *testing.T, s string) string { return edit(t, s, "  - web\n", "  - Web\n") },
		finding{"platform-spelling", "platforms[0]", SeverityWarning, 15, 5, "`web`"}},
	{"an unknown software type", func(t *testing.T, s string) string {
		return edit(t, s, `softwareType: "standalone/web"`, "softwareType: website")
	},
		finding{"invalid-value", "softwareType", SeverityError, 28, 1, "`configurationFiles`"}},
	{"an unknown maintenance type", func(t *testing.T, s string) string { return edit(t, s, "type: contract", "type: commercial") },
		finding{"invalid-value", "maintenance.type", SeverityError, 87, 3, "`internal`"}},
	{"a lower-case country", func(t *testing.T, s string) string { return edit(t, s, "    - NL\n", "    - nl\n") },
		finding{"lowercase-country", "intendedAudience.countries[0]", SeverityWarning, 39, 7, "write `NL`"}},
	{"a country name", func(t *testing.T, s string) string { return edit(t, s, "    - NL\n", "    - Netherlands\n") },
		finding{"invalid-country", "intendedAudience.countries[0]", SeverityError, 39, 7, ""}},
	{"a POSIX locale as a language", func(t *testing.T, s string) string { return edit(t, s, "  nl:\n", "  nl_NL:\n") },
		finding{"invalid-language", "description.nl_NL", SeverityError, 72, 3, "`nl-NL`"}},
	{"a three-letter language code", func(t *testing.T, s string) string {
		return edit(t, s, "    - nl\n    - en\n", "    - nl\n    - eng\n")
	},
		finding{"invalid-language", "localisation.availableLanguages[1]", SeverityError, 103, 7, ""}},
	{"a short description too long", func(t *testing.T, s string) string {
		return edit(t, s, "shortDescription: Residents and visitors apply for parking permits online.", "shortDescription: "+strings.Repeat("x", 151))
	}, finding{"too-long", "description.en.shortDescription", SeverityError, 55, 5, "151 characters"}},
	{"a long description too short", func(t *testing.T, s string) string {
		return s[:strings.Index(s, "      Met Parkeervergunning")] + "      Parkeervergunningen online aanvragen.\n" +
			s[strings.Index(s, "    features:\n      - Een"):]
	}, finding{"too-short", "description.nl.longDescription", SeverityError, 74, 5, "fewer than the 150"}},
	{"a generic name too long", func(t *testing.T, s string) string {
		return edit(t, s, "    localisedName: Parking permits\n", "    localisedName: Parking permits\n    genericName: "+strings.Repeat("é", 36)+"\n")
	}, finding{"too-long", "description.en.genericName", SeverityError, 55, 5, "36 characters"}},
	{"a licence that is not SPDX", func(t *testing.T, s string) string {
		return edit(t, s, "license: EUPL-1.2", "license: European Union Public Licence")
	},
		finding{"invalid-license", "legal.license", SeverityError, 83, 3, "EUPL-1.2"}},
	{"a deprecated SPDX identifier", func(t *testing.T, s string) string { return edit(t, s, "license: EUPL-1.2", "license: GPL-3.0") },
		finding{"license-deprecated", "legal.license", SeverityWarning, 83, 3, "GPL-3.0-or-later"}},
	{"a video on no oEmbed site", func(t *testing.T, s string) string {
		return edit(t, s, "https://www.youtube.com/watch?v=aqz-KE-bpKQ", "https://example.org/video.mp4")
	},
		finding{"invalid-video", "description.en.videos[0]", SeverityError, 71, 9, "YouTube"}},
	{"an iPA code as an organisation's URI", func(t *testing.T, s string) string {
		return edit(t, s, `uri: "https://www.example.org"`, "uri: c_h501")
	},
		finding{"invalid-uri", "organisation.uri", SeverityError, 46, 3, "urn:x-italian-pa:c_h501"}},
	{"a funder's URI that is no URI", func(t *testing.T, s string) string { return edit(t, s, `uri: "urn:x-example:provincie"`, `uri: "1"`) },
		finding{"invalid-uri", "fundedBy[0].uri", SeverityError, 50, 5, ""}},
	{"a malformed Italian administration URN", func(t *testing.T, s string) string {
		return edit(t, s, `uri: "https://www.example.org"`, "uri: urn:x-italian-pa:c h501")
	},
		finding{"invalid-ipa", "organisation.uri", SeverityError, 46, 3, ""}},
	{"an Italian administration URN whose code is not in the iPA index", func(t *testing.T, s string) string {
		return edit(t, s, `uri: "https://www.example.org"`, "uri: urn:x-italian-pa:no_such_pa")
	},
		finding{"invalid-ipa", "organisation.uri", SeverityError, 46, 3, "not in the iPA index (as of 2026-08-17)"}},
	{"a funder whose iPA code is not in the index", func(t *testing.T, s string) string {
		return edit(t, s, `uri: "urn:x-example:provincie"`, `uri: "urn:x-italian-pa:c_zz99"`)
	},
		finding{"invalid-ipa", "fundedBy[0].uri", SeverityError, 50, 5, "as of 2026-08-17"}},
	{"an Italian iPA code that is not in the index", func(t *testing.T, s string) string { return s + "  riuso:\n    codiceIPA: c_zz99\n" },
		finding{"invalid-ipa", "IT.riuso.codiceIPA", SeverityError, 119, 5, "not in the iPA index (as of 2026-08-17)"}},
	{"an unknown supports alias", func(t *testing.T, s string) string { return edit(t, s, "id: alias:gdpr", "id: alias:gpdr") },
		finding{"unknown-alias", "supports[0].id", SeverityError, 31, 5, "did you mean `alias:gdpr`?"}},
	{"a MIME type that is none", func(t *testing.T, s string) string { return edit(t, s, "roadmap:", "inputTypes: [csv]\nroadmap:") },
		finding{"invalid-mime", "inputTypes[0]", SeverityError, 26, 14, "text/csv"}},
	{"an unknown Italian extension version", func(t *testing.T, s string) string {
		return edit(t, s, `countryExtensionVersion: "1.0"`, `countryExtensionVersion: "2.0"`)
	},
		finding{"invalid-value", "IT.countryExtensionVersion", SeverityError, 115, 3, "`1.0`"}},

	// Versions.
	{"an older version", func(t *testing.T, s string) string {
		return edit(t, s, `publiccodeYmlVersion: "0"`, `publiccodeYmlVersion: "0.2"`)
	},
		finding{"version-old", "publiccodeYmlVersion", SeverityWarning, 2, 1, `publiccodeYmlVersion: "0"`}},
	{"an older version as a number", func(t *testing.T, s string) string {
		return edit(t, s, `publiccodeYmlVersion: "0"`, `publiccodeYmlVersion: 0.4`)
	},
		finding{"version-old", "publiccodeYmlVersion", SeverityWarning, 2, 1, "0.4"}},
	{"the current version as a number", func(t *testing.T, s string) string {
		return edit(t, s, `publiccodeYmlVersion: "0"`, `publiccodeYmlVersion: 0.7`)
	},
		finding{"version-unquoted", "publiccodeYmlVersion", SeverityWarning, 2, 1, `"0.7"`}},
	{"no version", func(t *testing.T, s string) string { return edit(t, s, "publiccodeYmlVersion: \"0\"\n", "") },
		finding{"required", "publiccodeYmlVersion", SeverityError, 3, 1, ""}},

	// Deprecated keys.
	{"the lower-case Italian section", func(t *testing.T, s string) string { return edit(t, s, "\nIT:\n", "\nit:\n") },
		finding{"deprecated-key", "it", SeverityWarning, 114, 1, "`IT`"}},
	{"both Italian sections", func(t *testing.T, s string) string { return s + "it:\n  countryExtensionVersion: \"1.0\"\n" },
		finding{"duplicate-section", "it", SeverityError, 118, 1, "keep `IT`"}},
	{"the repository owner", func(t *testing.T, s string) string {
		return edit(t, s, "  mainCopyrightOwner:", "  repoOwner: X\n  mainCopyrightOwner:")
	},
		finding{"deprecated-key", "legal.repoOwner", SeverityWarning, 84, 3, "organisation.name"}},
	{"the Italian iPA code", func(t *testing.T, s string) string { return s + "  riuso:\n    codiceIPA: c_h501\n" },
		finding{"deprecated-key", "IT.riuso.codiceIPA", SeverityWarning, 119, 5, "organisation.uri: urn:x-italian-pa:c_h501"}},
	{"an authors file", func(t *testing.T, s string) string {
		return edit(t, s, "  mainCopyrightOwner:", "  authorsFile: AUTHORS\n  mainCopyrightOwner:")
	},
		finding{"deprecated-key", "legal.authorsFile", SeverityWarning, 84, 3, "remove it"}},

	// Files, checked in the repository.
	{"a logo that is not there", func(t *testing.T, s string) string { return edit(t, s, "logo: img/logo.svg", "logo: img/missing.svg") },
		finding{"file-missing", "logo", SeverityError, 12, 1, "img/missing.svg"}},
	{"a logo that is no image", func(t *testing.T, s string) string { return edit(t, s, "logo: img/logo.svg", "logo: img/fake.png") },
		finding{"not-an-image", "logo", SeverityError, 12, 1, "SVG, SVGZ, PNG"}},
	{"a logo too small", func(t *testing.T, s string) string { return edit(t, s, "logo: img/logo.svg", "logo: img/small.png") },
		finding{"image-too-small", "logo", SeverityError, 12, 1, "60 pixels"}},
	{"a logo in another format", func(t *testing.T, s string) string { return edit(t, s, "logo: img/logo.svg", "logo: img/logo.gif") },
		finding{"file-extension", "logo", SeverityError, 12, 1, "`.svg`"}},
	{"a logo at an absolute path", func(t *testing.T, s string) string { return edit(t, s, "logo: img/logo.svg", "logo: /img/logo.svg") },
		finding{"absolute-path", "logo", SeverityError, 12, 1, ""}},
	{"a logo at a file URL", func(t *testing.T, s string) string {
		return edit(t, s, "logo: img/logo.svg", "logo: file:///img/logo.svg")
	},
		finding{"file-url", "logo", SeverityError, 12, 1, ""}},
	{"a logo outside the repository", func(t *testing.T, s string) string { return edit(t, s, "logo: img/logo.svg", "logo: ../logo.svg") },
		finding{"file-missing", "logo", SeverityError, 12, 1, "outside"}},
	{"a logo that is a folder", func(t *testing.T, s string) string { return edit(t, s, "logo: img/logo.svg", "logo: folder.svg") },
		finding{"file-missing", "logo", SeverityError, 12, 1, "a folder"}},
	{"a logo on the web", func(t *testing.T, s string) string {
		return edit(t, s, "logo: img/logo.svg", "logo: https://example.org/logo.svg")
	},
		finding{"not-checked", "logo", SeverityWarning, 12, 1, "network"}},
	{"a screenshot that is not there", func(t *testing.T, s string) string { return edit(t, s, "img/screenshot.png", "img/screenshot2.jpg") },
		finding{"file-missing", "description.en.screenshots[0]", SeverityError, 69, 9, ""}},
	{"an authors file that is not there", func(t *testing.T, s string) string {
		return edit(t, s, "  mainCopyrightOwner:", "  authorsFile: CREDITS\n  mainCopyrightOwner:")
	},
		finding{"file-missing", "legal.authorsFile", SeverityError, 84, 3, "CREDITS"}},
}

func TestCheck_AppliesEveryRule(t *testing.T) {
	t.Parallel()
	base := validFile(t)
	// Changes that make more than one error (or none, for a warning).
	manyErrors := map[string]int{"a language with no text": 3}
	for _, tt := range everyRule {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Check([]byte(tt.src(t, base)), Options{Files: repo})
			w := tt.want
			i := slices.IndexFunc(d.Findings, func(f Finding) bool { return f.Code == w.code && f.Key == w.key })
			if i < 0 {
				t.Fatalf("no %s finding at %s; findings:\n%s", w.code, w.key, findingList(d.Findings))
			}
			f := d.Findings[i]
			if f.Severity != w.sev || f.Line != w.line || f.Column != w.col {
				t.Errorf("got %s, want a %s at %d:%d", f, w.sev, w.line, w.col)
			}
			if !strings.Contains(f.Message, w.says) {
				t.Errorf("message %q does not say %q", f.Message, w.says)
			}
			want, listed := manyErrors[tt.name]
			if !listed && w.sev == SeverityError {
				want = 1
			}
			if errs := Count(d.Findings).Errors; errs != want {
				t.Errorf("the change made %d errors, want %d:\n%s", errs, want, findingList(d.Findings))
			}
		})
	}
}

func TestCheck_CountsLengthsInGraphemeClusters(t *testing.T) {
	t.Parallel()
	// 150 clusters, each an e and a combining acute accent: 300 runes.
	short := strings.Repeat("e\u0301", 150)
	src := edit(t, validFile(t), "shortDescription: Residents and visitors apply for parking permits online.", "shortDescription: "+short)
	if d := Check([]byte(src), Options{}); len(d.Findings) > 0 {
		t.Errorf("150 clusters were counted as more:\n%s", findingList(d.Findings))
	}
	src = edit(t, validFile(t), "shortDescription: Residents and visitors apply for parking permits online.", "shortDescription: "+short+"👍🏽")
	if d := Check([]byte(src), Options{}); !hasCode(d.Findings, "too-long") || !strings.Contains(d.Findings[0].Message, "151 characters") {
		t.Errorf("151 clusters were not reported as 151:\n%s", findingList(d.Findings))
	}
}

func TestCheck_ReportsUnsupportedVersionsWithOneFinding(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"publiccodeYmlVersion: \"0.1\"\nname: X\nunknownKey: 1\n",
		"publiccodeYmlVersion: \"1\"\nname: X\n",
		"publiccodeYmlVersion: \"0.6\"\nname: X\n", // never released
		"publiccodeYmlVersion: 0.6.0\nname: X\n",
		"version: 0.0.1\nlegal:\n  owner: X\nmaintainance: []\n",
	} {
		d := Check([]byte(src), Options{})
		if len(d.Findings) != 1 || d.Findings[0].Code != "version-unsupported" {
			t.Errorf("%q: want one version-unsupported finding, got:\n%s", src, findingList(d.Findings))
		}
	}
	if d := Check([]byte("name: X\nversion: 1.2\n"), Options{}); hasCode(d.Findings, "version-unsupported") {
		t.Errorf("a software version was taken for a draft of the standard:\n%s", findingList(d.Findings))
	}
	if d := Check([]byte("publiccodeYmlVersion: \"0.1\"\nname: X\n"), Options{}); !d.File.Listable() {
		t.Error("a 0.1 file with a name is not listable")
	}
}

func TestCheck_OrdersFindingsByPosition(t *testing.T) {
	t.Parallel()
	src := "publiccodeYmlVersion: \"0.2\"\nname: X\nplatforms: web\nnmae: Y\n"
	d := Check([]byte(src), Options{})
	if !slices.IsSortedFunc(d.Findings, func(a, b Finding) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	}) {
		t.Errorf("findings out of order:\n%s", findingList(d.Findings))
	}
}

func TestReport_HasTheAPIShape(t *testing.T) {
	t.Parallel()
	d := Check([]byte("publiccodeYmlVersion: \"0.2\"\nname: X\n"), Options{})
	r := NewReport("-", d)
	if r.File != "-" || r.Valid || r.Version != "0.2" || len(r.Findings) == 0 {
		t.Errorf("report = %+v", r)
	}
	if r := NewReport("ok.yml", Check([]byte(validFile(t)), Options{})); r.Findings == nil || !r.Valid {
		t.Errorf("a valid file's report must have an empty, non-null list of findings: %+v", r)
	}
}

func TestCheck_NamesListItemsAsTheFileNumbersThem(t *testing.T) {
	t.Parallel()
	base := validFile(t)
	tests := []struct {
		name, old, new, key string
	}{
		{"a text list after a misshapen item", "  - digital-citizenship\n", "  - [digital-citizenship]\n", "categories[1]"},
		{"a text list after an empty item", "  - digital-citizenship\n", "  - \"\"\n", "categories[1]"},
		{"a list of entries after a misshapen one", "  contacts:\n", "  contacts:\n    - Anna\n", "maintenance.contacts[1].email"},
	}
	for _, tt := range tests {
		src := edit(t, base, tt.old, tt.new)
		src = edit(t, src, "  - online-booking", "  - online-boking")
		src = edit(t, src, "email: anna.devries@example.org", "email: anna.devries")
		d := Check([]byte(src), Options{})
		if !slices.ContainsFunc(d.Findings, func(f Finding) bool { return f.Key == tt.key }) {
			t.Errorf("%s: no finding at %s:\n%s", tt.name, tt.key, findingList(d.Findings))
		}
	}
}
