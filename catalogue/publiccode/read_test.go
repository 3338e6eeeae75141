package publiccode

import (
	"os"
	"strings"
	"testing"
)

func TestRead_ListsWhatAdministrationsWrote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		yaml     string
		wantName string
		wantCode string // a finding code that must be present, if any
	}{
		{"minimal", "publiccodeYmlVersion: '0.2'\nname: Medusa\n", "Medusa", ""},
		{"unquoted date and number version", "publiccodeYmlVersion: 0.2\nname: M\nreleaseDate: 2017-04-15\n", "M", ""},
		{"crlf", "publiccodeYmlVersion: '0.2'\r\nname: Win\r\n", "Win", ""},
		{"bom", "\xef\xbb\xbfname: Bom\n", "Bom", ""},
		{"scalar where list expected", "name: X\nplatforms: web\n", "X", "wrong-type"},
		{"yaml 1.1 boolean", "name: X\nlocalisation:\n  localisationReady: yes\n", "X", "yaml11-boolean"},
		{"unknown key", "name: X\nnmae: Y\n", "X", "unknown-key"},
		{"duplicate key", "name: X\nname: Y\n", "X", "duplicate-key"},
		{"deprecated key", "name: X\nlegal:\n  repoOwner: Y\n", "X", "deprecated-key"},
		{"empty", "", "", "empty"},
		{"comments only", "# nothing\n", "", "empty"},
		{"not yaml", "name: [unclosed\n", "", "yaml-syntax"},
		{"tab indentation", "description:\n\ten:\n\t\tshortDescription: x\n", "", "yaml-syntax"},
		{"top-level list", "- name: X\n", "", "not-a-mapping"},
		{"invalid utf-8", "name: \xff\xfe\n", "", "not-utf8"},
		{"binary", "name: \x00\x01", "", "binary"},
		{"two documents", "name: A\n---\nname: B\n", "A", "multiple-documents"},
		{"billion laughs is not expanded", laughs(), "", "too-complex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Read([]byte(tt.yaml), Limits{})
			var name string
			if d.File != nil {
				name = d.File.Name
			}
			if name != tt.wantName {
				t.Errorf("name = %q, want %q", name, tt.wantName)
			}
			if tt.wantCode != "" && !hasCode(d.Findings, tt.wantCode) {
				t.Errorf("findings %v lack code %q", d.Findings, tt.wantCode)
			}
			if tt.wantCode == "" && len(d.Findings) > 0 {
				t.Errorf("unexpected findings %v", d.Findings)
			}
		})
	}
}

func TestRead_KeepsPositionsAndLanguageOrder(t *testing.T) {
	t.Parallel()
	src := "name: Medusa\ndescription:\n  it:\n    shortDescription: Breve\n  en:\n    shortDescription: Short\n    features:\n      - one\n      - two\n"
	d := Read([]byte(src), Limits{})
	if got := strings.Join(d.File.Languages, ","); got != "it,en" {
		t.Errorf("languages = %s, want it,en", got)
	}
	if p := d.Pos("description.en.features[1]"); p != (Pos{9, 9}) {
		t.Errorf("position of features[1] = %v, want 9:9", p)
	}
	if p := d.Pos("description.en.missing"); p != (Pos{5, 3}) {
		t.Errorf("position of a missing key = %v, want its parent's 5:3", p)
	}
	if lang, desc := d.File.PreferredDescription("fr"); lang != "it" || desc.ShortDescription != "Breve" {
		t.Errorf("fallback description = %s %q, want the first language", lang, desc.ShortDescription)
	}
}

func TestRead_MapsDeprecatedKeysOntoTheirReplacements(t *testing.T) {
	t.Parallel()
	src := `name: X
monochromeLogo: img/mono.svg
legal:
  repoOwner: Comune di Roma
it:
  riuso:
    codiceIPA: c_h501
  piattaforme:
    spid: true
    pagopa: false
  conforme:
    gdpr: true
`
	d := Read([]byte(src), Limits{})
	f := d.File
	if f.IT == nil || f.IT.Riuso == nil || f.IT.Riuso.CodiceIPA != "c_h501" {
		t.Errorf("the lower-case it section was not read as IT: %+v", f.IT)
	}
	if f.Organisation.URI != "urn:x-italian-pa:c_h501" || f.Organisation.Name != "Comune di Roma" {
		t.Errorf("organisation = %+v, want the iPA code and the repository owner", f.Organisation)
	}
	if f.Logo != "img/mono.svg" {
		t.Errorf("logo = %q, want the monochrome logo", f.Logo)
	}
	var ids []string
	for _, s := range f.Supports {
		ids = append(ids, s.ID)
	}
	if got := strings.Join(ids, ","); got != "alias:spid,alias:gdpr" {
		t.Errorf("supports = %s, want the Italian platforms and GDPR as aliases", got)
	}
	if n := Count(d.Findings).Warnings; n != 5 {
		t.Errorf("%d warnings, want one per deprecated key (it, monochromeLogo, repoOwner, codiceIPA, conforme):\n%s", n, findingList(d.Findings))
	}
}

func TestRead_PrefersTheUpperCaseItalianSection(t *testing.T) {
	t.Parallel()
	d := Read([]byte("name: X\nit:\n  countryExtensionVersion: '0.2'\nIT:\n  countryExtensionVersion: '1.0'\n"), Limits{})
	if got := d.File.IT.CountryExtensionVersion; got != "1.0" {
		t.Errorf("countryExtensionVersion = %q, want IT's", got)
	}
}

func TestRead_ListsMostRealFiles(t *testing.T) {
	t.Parallel()
	files, _ := corpusFiles(t)
	listable := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if d := Read(data, Limits{}); d.File.Listable() {
			listable++
		}
	}
	if listable < len(files)*3/4 {
		t.Errorf("only %d of %d real files are listable", listable, len(files))
	}
}
