package ui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// templateCase is one branch of a page: the template's name and the view its
// handler would give it (signed in or not, valid or not, empty lists…). Each
// group of pages keeps its cases beside its tests; renderTemplateCases draws
// every case in every site language, so that a field a template names and its
// page type lacks fails here instead of rendering empty.
type templateCase struct {
	name string
	page string
	v    view
}

// renderTemplateCases executes each case's template in every site language and
// fails on any execution error or on an unfilled value.
func renderTemplateCases(t *testing.T, cases []templateCase) {
	t.Helper()
	pages, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	texts, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		tmpl, ok := pages[tc.page]
		if !ok {
			t.Errorf("%s: no template %q", tc.name, tc.page)
			continue
		}
		for _, lang := range i18n.Languages() {
			v := tc.v
			v.L = localiser{b: texts, Lang: lang}
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, v); err != nil {
				t.Errorf("%s (%s): %v", tc.name, lang, err)
				continue
			}
			if out := buf.String(); strings.Contains(out, "<no value>") {
				t.Errorf("%s (%s): the page shows <no value>", tc.name, lang)
			}
		}
	}
}
