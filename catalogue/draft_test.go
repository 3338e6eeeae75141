package catalogue

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

func TestMakeDraft_OnlyEvidencedValuesAndErrorsOnlyOnTodoKeys(t *testing.T) {
	t.Parallel()
	long := "Scripts waarmee het team applicatiebeheer van de gemeente de servers bijwerkt, certificaten controleert en nachtelijke back-ups maakt naar de tweede locatie, met meldingen bij fouten."
	cases := []struct {
		name      string
		in        DraftInput
		guessed   []string // keys the draft must fill, marked "guessed"
		todo      []string // keys among the to-dos
		notInTodo []string
	}{
		{"everything a repository can show",
			DraftInput{Name: "beheerscripts", URL: "https://git.example.org/v/beheerscripts.git", Description: "Servers bijwerken", Readme: long,
				License: "EUPL-1.2", LicenseFile: "LICENSE", Release: &Release{Name: "v1.4.0", Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}},
			[]string{"name:", "softwareVersion:", "releaseDate:", "license:", "shortDescription:", "longDescription:"},
			[]string{"platforms", "developmentStatus", "softwareType", "maintenance.type", "description.en.features"},
			[]string{"legal.license", "description.en.longDescription"}},
		{"nothing but a URL",
			DraftInput{Name: "x", URL: "https://git.example.org/v/x.git"},
			[]string{"name:"},
			[]string{"legal.license", "description.en.shortDescription", "description.en.longDescription", "platforms"},
			nil},
		{"an Android app",
			DraftInput{Name: "app", URL: "https://git.example.org/v/app.git", Platforms: []string{"android"}, Readme: "Een app voor het melden van kapotte lantaarnpalen."},
			[]string{"platforms:", "shortDescription:"},
			[]string{"description.en.longDescription"},
			[]string{"platforms", "description.en.shortDescription"}},
		{"a README sentence too long for a short description",
			DraftInput{Name: "y", URL: "https://git.example.org/v/y.git", Readme: strings.Repeat("lang ", 40)},
			nil,
			[]string{"description.en.shortDescription"},
			nil},
		{"a guessed value the validator refuses becomes a to-do",
			DraftInput{Name: "z", URL: "https://git.example.org/v/z.git", License: "Not-A-Licence"},
			nil,
			[]string{"legal.license"},
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := MakeDraft(c.in)
			for _, f := range d.Findings {
				if f.Severity != publiccode.SeverityError {
					continue
				}
				if !slices.ContainsFunc(d.Todo, func(k string) bool { return f.Key == k || strings.HasPrefix(f.Key, k+".") }) {
					t.Errorf("error finding on %q, which is not a to-do (%v): %s\n%s", f.Key, d.Todo, f.Message, d.PubliccodeYml)
				}
			}
			for _, k := range c.todo {
				if !slices.Contains(d.Todo, k) {
					t.Errorf("todo %v lacks %s", d.Todo, k)
				}
			}
			for _, k := range c.notInTodo {
				if slices.Contains(d.Todo, k) {
					t.Errorf("todo %v has %s, which the repository evidences", d.Todo, k)
				}
			}
			for _, g := range c.guessed {
				found := false
				for _, line := range strings.Split(d.PubliccodeYml, "\n") {
					if strings.Contains(line, g) && !strings.HasPrefix(strings.TrimSpace(line), "#") {
						found = true
						if !strings.Contains(line, "# guessed:") {
							t.Errorf("the value %s is not marked as guessed: %q", g, line)
						}
					}
				}
				if !found {
					t.Errorf("the draft does not fill %s:\n%s", g, d.PubliccodeYml)
				}
			}
			if strings.Contains("\n"+d.PubliccodeYml, "\nmaintenance:") {
				t.Error("the draft fills maintenance, which is the maintainer's to say")
			}
		})
	}
}
