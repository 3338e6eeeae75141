package publiccode

import (
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"

	"github.com/oscat-eu/oscat/catalogue/publiccode/ipa"
)

// Length limits, counted in grapheme clusters (what a reader sees as one
// character: "é" written as e and a combining accent is one).
const (
	maxGenericName      = 35
	maxShortDescription = 150
	minLongDescription  = 150
	maxLongDescription  = 10_000
)

func (v *validator) checkTopLevel() {
	f := v.f
	v.requireText("name", f.Name)
	if v.requireText("url", f.URL) {
		v.url("url", f.URL)
	}
	v.httpURL("landingURL", f.LandingURL)
	for i, u := range f.IsBasedOn {
		key := "isBasedOn"
		if _, listed := v.d.Positions[index(key, 0)]; listed {
			key = v.item(key, i)
		}
		v.url(key, u)
	}
	if v.checked("releaseDate") {
		if f.ReleaseDate == "" {
			// `releaseDate: ""` is no date (`releaseDate:` alone is no key).
			v.add(SeverityError, "invalid-date", "releaseDate", "invalid-date.empty", arg("name", "releaseDate"))
		} else {
			v.date("releaseDate", f.ReleaseDate)
		}
	}
	if v.checked("logo") {
		v.file("logo", f.Logo, logoFile)
	}
	if v.checked("monochromeLogo") {
		v.file("monochromeLogo", f.MonochromeLogo, logoFile)
	}
	v.mimeTypes("inputTypes", f.InputTypes)
	v.mimeTypes("outputTypes", f.OutputTypes)
	if v.requireList("platforms", f.Platforms) && v.checked("platforms") {
		v.platformSpelling(f.Platforms)
	}
	v.listOf("categories", f.Categories, categories, "invalid-category")
	v.httpURL("roadmap", f.Roadmap)
	if v.requireText("developmentStatus", f.DevelopmentStatus) {
		v.oneOf("developmentStatus", f.DevelopmentStatus, developmentStatuses)
	}
	if v.requireText("softwareType", f.SoftwareType) {
		v.oneOf("softwareType", f.SoftwareType, softwareTypes)
	}
	if v.checked("organisation") {
		if v.requireText("organisation.uri", v.written("organisation.uri", f.Organisation.URI)) {
			v.organisationURI("organisation.uri", f.Organisation.URI)
		}
	}
	for i, fu := range f.FundedBy {
		key := v.item("fundedBy", i) + ".uri"
		if v.requireText(key, fu.URI) {
			v.organisationURI(key, fu.URI)
		}
	}
	for i, s := range f.Supports {
		entry := v.item("supports", i)
		if _, written := v.d.Positions[entry]; !written {
			break // carried over from the Italian section by normalise
		}
		key := entry + ".id"
		if v.requireText(key, s.ID) {
			v.supportID(key, s.ID)
		}
	}
}

// written returns value if the file wrote key itself, "" if value was carried
// over from a deprecated key.
func (v *validator) written(key, value string) string {
	if v.d.Present[key] {
		return value
	}
	return ""
}

// platformSpelling warns about the standard's platform names written in
// another case ("Web" for web); other names are allowed as they are.
func (v *validator) platformSpelling(platforms []string) {
	for i, s := range platforms {
		if contains(platformValues, s) {
			continue
		}
		for _, known := range platformValues {
			if strings.EqualFold(s, known) {
				v.add(SeverityWarning, "platform-spelling", v.item("platforms", i), "platform-case", arg("value", s), arg("suggestion", known))
			}
		}
	}
}

// listOf reports the values of a list that are not in the vocabulary.
func (v *validator) listOf(key string, values, vocabulary []string, code string) {
	if !v.checked(key) {
		return
	}
	for i, s := range values {
		if contains(vocabulary, s) {
			continue
		}
		item := v.item(key, i)
		if code == "invalid-category" && contains(scopes, s) {
			v.add(SeverityError, code, item, code+".scope", arg("value", s))
		} else if sug := closest(s, vocabulary); sug != "" {
			v.add(SeverityError, code, item, code+".typo", arg("value", s), arg("suggestion", sug))
		} else {
			v.add(SeverityError, code, item, code, arg("value", s))
		}
	}
}

func (v *validator) checkAudience() {
	a := v.f.IntendedAudience
	v.countries("intendedAudience.countries", a.Countries)
	v.countries("intendedAudience.unsupportedCountries", a.UnsupportedCountries)
	v.listOf("intendedAudience.scope", a.Scope, scopes, "invalid-scope")
}

// countries checks ISO 3166-1 alpha-2 codes. Lower-case codes were the rule in
// early versions and are deprecated; mixed case never was.
func (v *validator) countries(key string, codes []string) {
	if !v.checked(key) {
		return
	}
	for i, c := range codes {
		item := v.item(key, i)
		upper := strings.ToUpper(c)
		switch {
		case c == upper && isCountry(c):
		case c == strings.ToLower(c) && isCountry(upper):
			v.add(SeverityWarning, "lowercase-country", item, "lowercase-country", arg("value", c), arg("suggestion", upper))
		default:
			v.add(SeverityError, "invalid-country", item, "invalid-country", arg("value", c))
		}
	}
}

func (v *validator) checkDescriptions() {
	f := v.f
	if len(f.Languages) == 0 {
		if !v.d.reported["description"] && !v.anyMisshapenUnder("description.") {
			v.required("description")
		}
		return
	}
	for _, lang := range f.Languages {
		p := "description." + lang
		if v.d.reported[p] {
			continue
		}
		if !isLanguageTag(lang) {
			v.add(SeverityError, "invalid-language", p, "invalid-language", arg("value", lang), arg("suggestion", suggestLanguage(lang)))
		}
		d := f.Description[lang]
		if v.requireText(p+".shortDescription", d.ShortDescription) {
			v.maxLength(p+".shortDescription", d.ShortDescription, maxShortDescription)
		}
		if v.requireText(p+".longDescription", d.LongDescription) {
			v.minLength(p+".longDescription", d.LongDescription, minLongDescription)
			v.maxLength(p+".longDescription", d.LongDescription, maxLongDescription)
		}
		v.maxLength(p+".genericName", d.GenericName, maxGenericName)
		v.httpURL(p+".documentation", d.Documentation)
		v.httpURL(p+".apiDocumentation", d.APIDocumentation)
		v.requireList(p+".features", d.Features)
		if v.checked(p + ".screenshots") {
			for i, s := range d.Screenshots {
				v.file(v.item(p+".screenshots", i), s, screenshotFile)
			}
		}
		if v.checked(p + ".videos") {
			for i, u := range d.Videos {
				v.video(v.item(p+".videos", i), u)
			}
		}
	}
}

func (v *validator) anyMisshapenUnder(prefix string) bool {
	for k := range v.d.reported {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func (v *validator) checkLegal() {
	l := v.f.Legal
	if v.requireText("legal.license", l.License) {
		v.license("legal.license", l.License)
	}
	if v.checked("legal.authorsFile") && l.AuthorsFile != "" {
		v.file("legal.authorsFile", l.AuthorsFile, authorsFile)
	}
}

// license checks an SPDX licence expression ("EUPL-1.2", "MIT OR Apache-2.0").
func (v *validator) license(key, expr string) {
	if strings.TrimSpace(expr) != expr {
		v.add(SeverityError, "invalid-license", key, "invalid-license.spaces", arg("suggestion", strings.TrimSpace(expr)))
		return
	}
	if ok, _ := spdxexp.ValidateLicenses([]string{expr}); !ok {
		v.add(SeverityError, "invalid-license", key, "invalid-license", arg("value", expr))
		return
	}
	if ok, _ := spdxexp.ValidateLicensesWithOptions([]string{expr}, spdxexp.ValidateLicensesOptions{FailDeprecatedLicenses: true}); !ok {
		v.add(SeverityWarning, "license-deprecated", key, "license-deprecated", arg("value", expr))
	}
}

func (v *validator) checkMaintenance() {
	m := v.f.Maintenance
	const typ = "maintenance.type"
	if !v.requireText(typ, m.Type) {
		return
	}
	if !contains(maintenanceTypes, m.Type) {
		// Which of contractors and contacts it needs depends on a type it lacks.
		v.oneOf(typ, m.Type, maintenanceTypes)
		return
	}
	switch m.Type {
	case "contract":
		if len(m.Contractors) == 0 && !v.d.reported["maintenance.contractors"] {
			v.add(SeverityError, "required-if", "maintenance.contractors", "required-if",
				arg("name", "contractors"), arg("value", m.Type), arg("example", specAt("maintenance.contractors").example))
		}
	case "internal", "community":
		if len(m.Contacts) == 0 && !v.d.reported["maintenance.contacts"] {
			v.add(SeverityError, "required-if", "maintenance.contacts", "required-if",
				arg("name", "contacts"), arg("value", m.Type), arg("example", specAt("maintenance.contacts").example))
		}
	}
	if m.Type != "contract" && len(m.Contractors) > 0 {
		// Contractors have no place here: their details are beside the point.
		v.add(SeverityError, "not-allowed", "maintenance.contractors", "not-allowed.contractors", arg("value", m.Type))
		m.Contractors = nil
	}
	for i, c := range m.Contractors {
		p := v.item("maintenance.contractors", i)
		v.requireText(p+".name", c.Name)
		if v.requireText(p+".until", c.Until) {
			v.date(p+".until", c.Until)
		}
		v.email(p+".email", c.Email)
		v.httpURL(p+".website", c.Website)
	}
	for i, c := range m.Contacts {
		p := v.item("maintenance.contacts", i)
		v.requireText(p+".name", c.Name)
		v.email(p+".email", c.Email)
	}
}

func (v *validator) checkLocalisation() {
	l := v.f.Localisation
	if l.LocalisationReady == nil && !v.d.reported["localisation.localisationReady"] {
		v.required("localisation.localisationReady")
	}
	if !v.requireList("localisation.availableLanguages", l.AvailableLanguages) || !v.checked("localisation.availableLanguages") {
		return
	}
	for i, lang := range l.AvailableLanguages {
		if !isLanguageTag(lang) {
			v.add(SeverityError, "invalid-language", v.item("localisation.availableLanguages", i), "invalid-language",
				arg("value", lang), arg("suggestion", suggestLanguage(lang)))
		}
	}
}

func (v *validator) checkDependencies() {
	for _, group := range []struct {
		key  string
		deps []Dependency
	}{{"dependsOn.open", v.f.DependsOn.Open}, {"dependsOn.proprietary", v.f.DependsOn.Proprietary}, {"dependsOn.hardware", v.f.DependsOn.Hardware}} {
		for i, dep := range group.deps {
			v.requireText(v.item(group.key, i)+".name", dep.Name)
		}
	}
}

// checkItalian checks the Italian section, under whichever name the file gave it.
func (v *validator) checkItalian() {
	it := v.f.IT
	if it == nil {
		return
	}
	section := "IT"
	if !v.d.Present["IT"] {
		section = "it"
	}
	if v.d.Present["IT"] && v.d.Present["it"] {
		v.add(SeverityError, "duplicate-section", "it", "duplicate-section")
	}
	if key := section + ".countryExtensionVersion"; v.checked(key) {
		v.oneOf(key, it.CountryExtensionVersion, countryExtensionVersions)
	}
	if key := section + ".riuso.codiceIPA"; it.Riuso != nil && it.Riuso.CodiceIPA != "" && v.checked(key) {
		switch code := it.Riuso.CodiceIPA; {
		case !isIPACode(code):
			v.add(SeverityError, "invalid-ipa", key, "invalid-ipa", arg("value", code))
		case !ipa.Known(code):
			v.add(SeverityError, "invalid-ipa", key, "invalid-ipa.unknown", arg("value", code), arg("date", ipa.SnapshotDate))
		}
	}
}
