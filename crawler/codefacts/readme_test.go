package codefacts

import "testing"

func TestFirstParagraph_SkipsTitlesBadgesAndMarkup(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		text     string
		markdown bool
		want     string
	}{
		{"heading then prose", "# Beheerscripts\n\nScripts die het team **applicatiebeheer** gebruikt om [servers](https://example.org) bij te werken.\n\nMore.", true,
			"Scripts die het team applicatiebeheer gebruikt om servers bij te werken."},
		{"badges first", "# X\n\n[![build](https://ci/x.svg)](https://ci) ![cov](c.svg)\n\nA tool for `zaak` handling in municipalities.\n", true,
			"A tool for zaak handling in municipalities."},
		{"raw HTML block skipped", "<p align=\"center\"><img src=\"logo.png\"></p>\n\nBooks rooms for the town hall.\n", true,
			"Books rooms for the town hall."},
		{"code block and list skipped", "```\nmake\n```\n\n- one two three\n\nThe real description of it.\n", true,
			"The real description of it."},
		{"plain text with underline", "Parking permits\n===============\n\nIssues and renews parking permits\nfor residents.\n", false,
			"Issues and renews parking permits for residents."},
		{"nothing readable", "# Title\n\n![logo](l.png)\n", true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := FirstParagraph([]byte(c.text), c.markdown); got != c.want {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestLanguages_ByFilesSkippingVendorAndDocs(t *testing.T) {
	t.Parallel()
	files := []string{"main.go", "cmd/x/main.go", "internal/a.go", "web/app.ts", "web/style.css", "README.md", "docs/guide.md",
		"vendor/github.com/y/z.go", "node_modules/q/index.js", "node_modules/q/b.js", "node_modules/q/c.js", "node_modules/q/d.js", ".github/workflows/ci.yml", "Makefile"}
	got := Languages(files)
	if len(got) == 0 || got[0] != "Go" {
		t.Fatalf("languages = %v, want Go first", got)
	}
	for _, l := range got {
		if l == "JavaScript" || l == "Markdown" || l == "YAML" {
			t.Errorf("languages = %v: %s should not count (vendored, prose or configuration)", got, l)
		}
	}
}
