package ui

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// hasType says whether a JSON-LD node is typed typ (alone or among others).
func hasType(node map[string]any, typ string) bool {
	switch v := node["@type"].(type) {
	case string:
		return v == typ
	case []any:
		return slices.Contains(v, any(typ))
	}
	return false
}

// strings of a JSON-LD value that must be a list of strings, or nil.
func stringList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

const planner = `publiccodeYmlVersion: "0.4"
name: Roosterplanner
url: https://git.example.org/stad/rooster
softwareVersion: "2.3.1"
releaseDate: "2024-03-05"
developmentStatus: stable
softwareType: standalone/web
platforms: [web]
categories: [appointment-scheduling, workflow-management]
legal:
  license: EUPL-1.2 OR MIT
maintenance: {type: internal, contacts: [{name: Jan}]}
localisation: {localisationReady: true, availableLanguages: [en]}
description:
  en:
    shortDescription: Plan staff rosters
    longDescription: "Rosters for every team of a municipality: shifts, leave and swaps, planned together and published at once to everyone concerned, on any device."
    features: [Shift swaps, Leave requests]
`

// Search engines read the page's schema.org description: a SoftwareApplication
// with its licence as a URL, its categories and features as lists, and the
// software's own dates.
func TestSoftwarePage_SchemaOrgDescribesTheSoftware(t *testing.T) {
	t.Parallel()
	store := testStore(t, catalogue.Publisher{ID: "stad", Name: "Stad", Country: "NL"})
	repo := "https://git.example.org/stad/rooster"
	if err := store.RegisterRepository(t.Context(), "stad", repo); err != nil {
		t.Fatal(err)
	}
	last := time.Date(2025, 11, 20, 9, 30, 0, 0, time.UTC)
	d := publiccode.Check([]byte(planner), publiccode.Options{})
	if _, err := store.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: repo, Raw: []byte(planner), Path: "publiccode.yml", File: d.File, Findings: d.Findings,
		Activity: &catalogue.Activity{Commits: 3, LastCommit: &last}}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(storeSources(store), testIndex(t, store), Options{Logger: quiet, PublicURL: "https://oscat.example.eu"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	id := idOf(t, store, "Roosterplanner")
	_, body := get(t, ts.URL+"/software/"+id)
	script := find(parse(t, body), "script", "type", "application/ld+json")
	var ld map[string]any
	if script == nil || json.Unmarshal([]byte(text(script)), &ld) != nil {
		t.Fatalf("no JSON-LD on the page: %v", script)
	}
	if !hasType(ld, "SoftwareApplication") || !hasType(ld, "SoftwareSourceCode") {
		t.Errorf("@type = %v; the application properties need a SoftwareApplication", ld["@type"])
	}
	if ld["@id"] != "https://oscat.example.eu/software/"+id+"#software" || ld["url"] != "https://oscat.example.eu/software/"+id {
		t.Errorf("@id %v, url %v", ld["@id"], ld["url"])
	}
	if got := stringList(ld["license"]); !slices.Equal(got, []string{"https://spdx.org/licenses/EUPL-1.2.html", "https://spdx.org/licenses/MIT.html"}) {
		t.Errorf("license = %v; want the SPDX pages of EUPL-1.2 and MIT", ld["license"])
	}
	if got := stringList(ld["applicationCategory"]); !slices.Equal(got, []string{"appointment-scheduling", "workflow-management"}) {
		t.Errorf("applicationCategory = %#v; want a list", ld["applicationCategory"])
	}
	if got := stringList(ld["featureList"]); !slices.Equal(got, []string{"Shift swaps", "Leave requests"}) {
		t.Errorf("featureList = %#v", ld["featureList"])
	}
	if _, ok := ld["keywords"]; ok {
		t.Errorf("keywords = %v; features belong in featureList", ld["keywords"])
	}
	if ld["softwareVersion"] != "2.3.1" || ld["datePublished"] != "2024-03-05" || ld["dateModified"] != "2025-11-20" {
		t.Errorf("version %v, published %v, modified %v; want the file's release and the last commit", ld["softwareVersion"], ld["datePublished"], ld["dateModified"])
	}
	if _, ok := ld["dateCreated"]; ok {
		t.Errorf("dateCreated = %v: that is when we first crawled it", ld["dateCreated"])
	}
}

func TestSPDXLicenceURLs_NameEveryLicenceOfAnExpression(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want []string
	}{
		{"EUPL-1.2", []string{"https://spdx.org/licenses/EUPL-1.2.html"}},
		{"(AGPL-3.0-or-later OR EUPL-1.2) AND MIT", []string{"https://spdx.org/licenses/AGPL-3.0-or-later.html", "https://spdx.org/licenses/EUPL-1.2.html", "https://spdx.org/licenses/MIT.html"}},
		{"GPL-2.0-only WITH Classpath-exception-2.0", []string{"https://spdx.org/licenses/GPL-2.0-only.html"}},
		{"LicenseRef-ours", nil},
		{"Licenza proprietaria del Comune", nil},
		{"eupl-1.2", []string{"https://spdx.org/licenses/EUPL-1.2.html"}},
	}
	for _, tt := range tests {
		if got := spdxLicenceURLs(tt.expr); !slices.Equal(got, tt.want) {
			t.Errorf("spdxLicenceURLs(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}
