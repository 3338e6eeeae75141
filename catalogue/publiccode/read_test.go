package publiccode

import (
	"os"
	"path/filepath"
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
		{"empty", "", "", "empty"},
		{"comments only", "# nothing\n", "", "empty"},
		{"not yaml", "name: [unclosed\n", "", "yaml-syntax"},
		{"tab indentation", "description:\n\ten:\n\t\tshortDescription: x\n", "", "yaml-syntax"},
		{"top-level list", "- name: X\n", "", "not-a-mapping"},
		{"invalid utf-8", "name: \xff\xfe\n", "", "not-utf8"},
		{"binary", "name: \x00\x01", "", "binary"},
		{"two documents", "name: A\n---\nname: B\n", "A", "multiple-documents"},
		{"billion laughs is not expanded", laughs(), "", "wrong-type"},
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

func TestRead_MapsItalianIPACodeOntoOrganisation(t *testing.T) {
	t.Parallel()
	d := Read([]byte("name: X\nit:\n  riuso:\n    codiceIPA: c_l219\n"), Limits{})
	if got := d.File.Organisation.URI; got != "urn:x-italian-pa:c_l219" {
		t.Errorf("organisation.uri = %q", got)
	}
}

func TestRead_TooLarge(t *testing.T) {
	t.Parallel()
	d := Read(make([]byte, 2<<20), Limits{})
	if d.File != nil || !hasCode(d.Findings, "too-large") {
		t.Fatalf("got %v", d.Findings)
	}
}

func TestRead_RealCorpusNeverPanics(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "publiccode")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(files) == 0 {
		t.Skip("../shared/corpus/publiccode is not beside this clone; the real corpus is checked in CI")
	}
	listable := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
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

func hasCode(fs []Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func laughs() string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(n + ": &" + n + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	b.WriteString("platforms: *i\n")
	return b.String()
}
