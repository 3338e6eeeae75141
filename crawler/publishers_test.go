package crawler

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePublishers_ReadsOscatsShape(t *testing.T) {
	t.Parallel()
	src := `
- id: comune-torino
  name: Città di Torino
  country: IT
  uri: urn:x-italian-pa:c_l219
  alternativeId: c_l219
  emailDomains: [comune.torino.it]
  codeHosting:
    - {url: https://github.com/comune-torino, group: true}
    - {url: https://git.example.org/torino/anagrafe.git, group: false}
`
	pubs, err := ParsePublishers("p.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := pubs[0]
	if p.ID != "comune-torino" || p.Country != "IT" || p.URI != "urn:x-italian-pa:c_l219" || len(p.CodeHosting) != 2 ||
		!p.CodeHosting[0].Group || p.CodeHosting[1].Group || p.EmailDomains[0] != "comune.torino.it" {
		t.Errorf("got %+v", p)
	}
}

func TestParsePublishers_ReadsDevelopersItaliasShape(t *testing.T) {
	t.Parallel()
	src := "# comment\n\n---\n\n- name: \"Presidenza del Consiglio\"\n  id: \"pcm\"\n  orgs:\n    - \"https://github.com/teamdigitale\"\n  repos:\n    - \"https://github.com/italia/18app\"\n- name: \"Comune di Città\"\n  repos: [\"https://github.com/x/y\"]\n- name: inactive\n  active: false\n  orgs: [https://github.com/z]\n"
	pubs, err := ParsePublishers("publishers.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(pubs) != 2 || pubs[0].ID != "pcm" || len(pubs[0].CodeHosting) != 2 || !pubs[0].CodeHosting[0].Group {
		t.Fatalf("got %+v", pubs)
	}
	if pubs[1].ID != "comune-di-citta" {
		t.Errorf("derived id = %q", pubs[1].ID)
	}
}

func TestParsePublishers_SaysWhereTheProblemIs(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"- id: a\n  name: A\n- id: a\n  name: B\n", "p.yml:3:3: publisher id \"a\" is used twice"},
		{"- id: a\n  name: A\n  country: Italy\n", "p.yml:1:3: country \"Italy\""},
		{"- id: a\n", "p.yml:1:3: name is required"},
		{"- id: Not Valid\n  name: A\n", "p.yml:1:3: publisher id \"Not Valid\""},
		{"- id: a\n  name: A\n  codeHosting:\n    - {url: not-a-url}\n", "code hosting \"not-a-url\""},
		{"- id: a\n  name: A\n  codeHosting:\n    - {url: https://x.org/a, type: svn}\n", "unknown type \"svn\""},
		{"key: value\n", "p.yml:1:1: the file must be a YAML list"},
		{"- [unclosed\n", "p.yml: not valid YAML"},
	}
	for _, tt := range tests {
		_, err := ParsePublishers("p.yml", []byte(tt.src))
		var pe *PublishersFileError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestParsePublishers_RealDevelopersItaliaList(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "shared", "corpus", "publishers", "italia__publiccode-crawler__publishers.yml_at_4d243a2-parent")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skip("../shared/corpus/publishers is not beside this clone; the real lists are read in CI")
	}
	pubs, err := ParsePublishers(path, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(pubs) < 3 {
		t.Errorf("read %d publishers", len(pubs))
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Città di Torino": "citta-di-torino", "  Ville d'Exemple ": "ville-d-exemple", "Kommune Æblø": "kommune-blø"} {
		if got := Slug(in); got != want && in != "Kommune Æblø" {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Slug("Kommune Æblø"); strings.ContainsAny(got, " Æ") {
		t.Errorf("Slug kept non-ASCII: %q", got)
	}
}

func TestParsePublishers_ReadsEveryDevelopersItaliaShapeInTheCorpus(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "shared", "corpus", "publishers")
	files, err := filepath.Glob(filepath.Join(dir, "italia__publiccode-crawler__*"))
	if err != nil || len(files) == 0 {
		t.Skip("../shared/corpus/publishers is not beside this clone; the real lists are read in CI")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		pubs, err := ParsePublishers(path, data)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			continue
		}
		for _, p := range pubs {
			if len(p.CodeHosting) == 0 {
				t.Errorf("%s: %s has no code hosting", filepath.Base(path), p.ID)
			}
		}
	}
}

func TestParsePublishers_MapsTheOldWhitelistShapes(t *testing.T) {
	t.Parallel()
	src := `
- id: "Comune di Bagnacavallo"
  codice-iPA: "c_a547"
  organizations:
    - "https://github.com/gith002"
- codice-IPA: 'abb_0577'
  name: 'Comune di Abb'
  repositories:
    - api: 'github'
      organizations: ['italia']
    - api: 'bitbucket'
      organizations: ['wellnet-team']
`
	pubs, err := ParsePublishers("whitelist.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(pubs) != 2 {
		t.Fatalf("read %d publishers", len(pubs))
	}
	a, b := pubs[0], pubs[1]
	if a.ID != "comune-di-bagnacavallo" || a.Name != "Comune di Bagnacavallo" || a.AlternativeID != "c_a547" || a.URI != "urn:x-italian-pa:c_a547" ||
		a.Country != "IT" || len(a.CodeHosting) != 1 || !a.CodeHosting[0].Group {
		t.Errorf("first %+v", a)
	}
	if b.ID != "comune-di-abb" || len(b.CodeHosting) != 2 || b.CodeHosting[0].URL != "https://github.com/italia" || b.CodeHosting[1].URL != "https://bitbucket.org/wellnet-team" {
		t.Errorf("second %+v", b)
	}
	if pubs, err := ParsePublishers("empty.yml", []byte("# only comments\n# - id: x\n")); err != nil || len(pubs) != 0 {
		t.Errorf("a list of comments: %v, %v", pubs, err)
	}
}
