package search

import (
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

// Facet is a keyword field results can be filtered and counted by, named after
// the publiccode.yml key it comes from.
type Facet int

// The facets, in the order they are reported.
const (
	FacetCategories Facet = iota
	FacetSoftwareType
	FacetDevelopmentStatus
	FacetLicense
	FacetPlatforms
	FacetMaintenanceType
	FacetCountry
	FacetPublisher
	FacetLanguages
	FacetScope
	FacetArchived
	FacetValid
	FacetUsedBy
	FacetOpenToJoin
	// FacetProgrammingLanguages is a facet of code entries only (see KindCode).
	FacetProgrammingLanguages
	// FacetContributingAdministrations buckets the administrations with commits
	// to the software like usedBy: 0, 1, 2-4, 5-9, 10+.
	FacetContributingAdministrations
	numFacets
)

var facetNames = [numFacets]string{
	"categories", "softwareType", "developmentStatus", "license", "platforms", "maintenanceType",
	"country", "publisher", "languages", "scope", "archived", "valid", "usedBy", "openToJoin", "programmingLanguages",
	"contributingAdministrations",
}

func (f Facet) String() string { return facetNames[f] }

// FacetNamed returns the software facet with that API name.
func FacetNamed(name string) (Facet, bool) { return FacetOf(KindSoftware, name) }

// FacetNames lists every software facet's API name.
func FacetNames() []string { return FacetNamesOf(KindSoftware) }

// facetValues extracts each facet's values from a software entry. countries maps
// publisher IDs to their country.
func facetValues(sw catalogue.Software, countries map[string]string) [numFacets][]string {
	var v [numFacets][]string
	v[FacetValid] = []string{boolString(sw.Valid)}
	v[FacetArchived] = []string{boolString(sw.Archived)}
	v[FacetPublisher] = sw.Publishers
	v[FacetUsedBy] = []string{UsersBucket(sw.Users)}
	v[FacetOpenToJoin] = []string{boolString(sw.OpenToJoin)}
	v[FacetContributingAdministrations] = []string{UsersBucket(sw.Contributions.ContributingAdministrations())}
	var country []string
	for _, p := range sw.Publishers {
		if c := countries[p]; c != "" {
			country = append(country, c)
		}
	}
	f := sw.File
	if f == nil {
		v[FacetCountry] = dedupe(country)
		return v
	}
	v[FacetCategories] = dedupe(f.Categories)
	v[FacetSoftwareType] = nonEmpty(f.SoftwareType)
	v[FacetDevelopmentStatus] = nonEmpty(f.DevelopmentStatus)
	v[FacetLicense] = LicenseIDs(f.Legal.License)
	v[FacetPlatforms] = dedupe(f.Platforms)
	v[FacetMaintenanceType] = nonEmpty(f.Maintenance.Type)
	for _, c := range f.IntendedAudience.Countries {
		country = append(country, strings.ToUpper(c))
	}
	v[FacetCountry] = dedupe(country)
	langs := f.Localisation.AvailableLanguages
	if len(langs) == 0 {
		langs = f.Languages
	}
	v[FacetLanguages] = dedupe(langs)
	v[FacetScope] = dedupe(f.IntendedAudience.Scope)
	return v
}

// UsersBucket is the usedBy facet's value for a count of administrations that
// use a software: 0, 1, 2-4, 5-9 or 10+.
func UsersBucket(n int) string {
	switch {
	case n <= 0:
		return "0"
	case n == 1:
		return "1"
	case n <= 4:
		return "2-4"
	case n <= 9:
		return "5-9"
	}
	return "10+"
}

// LicenseIDs splits an SPDX expression into its licence identifiers:
// "(GPL-3.0-only OR MIT) AND Apache-2.0 WITH LLVM-exception" gives GPL-3.0-only,
// MIT and Apache-2.0.
func LicenseIDs(expr string) []string {
	fields := strings.FieldsFunc(expr, func(r rune) bool { return r == '(' || r == ')' || r == ' ' || r == '\t' || r == '\n' })
	var out []string
	for i := 0; i < len(fields); i++ {
		switch strings.ToUpper(fields[i]) {
		case "AND", "OR":
			continue
		case "WITH":
			i++ // skip the exception
			continue
		}
		out = append(out, strings.TrimSuffix(fields[i], "+"))
	}
	return dedupe(out)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func nonEmpty(s string) []string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return []string{s}
}

func dedupe(xs []string) []string {
	if len(xs) < 2 {
		return xs
	}
	seen := make(map[string]bool, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
