// Package publiccode reads publiccode.yml files, of every version administrations
// actually wrote, into one normalised model, and reports what it found wrong with them.
//
// Read is lenient, for listing: it reads what it can and reports the file's
// encoding, syntax and shape. Check adds the standard's rules, offline. The keys
// of the standard are one table (keys.go); messages live in messages/*.json, one
// file per language, for catalogue/i18n; where the rules deliberately differ from
// the reference validator (publiccode-parser-go), reference_test.go lists the
// differences with their reasons.
package publiccode

// File is the normalised content of one publiccode.yml, whatever version it declared.
// Keys the standard deprecated are mapped onto their replacements while reading, so
// the rest of the system only ever sees this shape. Fields hold what the file said,
// as text; a value the reader could not understand is left empty and reported as a
// finding.
type File struct {
	// Version is the publiccodeYmlVersion as written ("0.2", "0", "0.5.0"), or empty.
	Version string `json:"publiccodeYmlVersion,omitempty"`

	Name             string   `json:"name,omitempty"`
	ApplicationSuite string   `json:"applicationSuite,omitempty"`
	URL              string   `json:"url,omitempty"`
	LandingURL       string   `json:"landingURL,omitempty"`
	IsBasedOn        []string `json:"isBasedOn,omitempty"`
	SoftwareVersion  string   `json:"softwareVersion,omitempty"`
	ReleaseDate      string   `json:"releaseDate,omitempty"`
	Logo             string   `json:"logo,omitempty"`
	// MonochromeLogo is deprecated; a file with no logo has it copied into Logo.
	MonochromeLogo string `json:"monochromeLogo,omitempty"`
	// InputTypes and OutputTypes are deprecated MIME type lists.
	InputTypes  []string `json:"inputTypes,omitempty"`
	OutputTypes []string `json:"outputTypes,omitempty"`

	Platforms  []string `json:"platforms,omitempty"`
	Categories []string `json:"categories,omitempty"`
	UsedBy     []string `json:"usedBy,omitempty"`
	Roadmap    string   `json:"roadmap,omitempty"`

	DevelopmentStatus string `json:"developmentStatus,omitempty"`
	SoftwareType      string `json:"softwareType,omitempty"`

	// Supports lists the standards, regulations and platforms the software
	// supports. The Italian section's platforms (piattaforme) and GDPR compliance
	// are carried over as their aliases.
	Supports []Support `json:"supports,omitempty"`

	IntendedAudience IntendedAudience `json:"intendedAudience"`

	// Description holds one entry per language, keyed by the BCP-47 tag as written.
	// Languages keeps the order in which the file listed them, so that "the file's
	// first language" means something.
	Description map[string]Description `json:"description,omitempty"`
	Languages   []string               `json:"-"`

	Legal        Legal        `json:"legal"`
	Maintenance  Maintenance  `json:"maintenance"`
	Localisation Localisation `json:"localisation"`
	DependsOn    DependsOn    `json:"dependsOn"`
	Organisation Organisation `json:"organisation"`
	FundedBy     []Funder     `json:"fundedBy,omitempty"`

	// IT is the Italian country extension (`IT`, or the deprecated `it` when the
	// file has no `IT`).
	IT *ItalianExtension `json:"IT,omitempty"`
}

// IntendedAudience says where and for whom the software is meant.
type IntendedAudience struct {
	Countries            []string `json:"countries,omitempty"`
	UnsupportedCountries []string `json:"unsupportedCountries,omitempty"`
	Scope                []string `json:"scope,omitempty"`
}

// Description is the text of one language.
type Description struct {
	LocalisedName    string   `json:"localisedName,omitempty"`
	GenericName      string   `json:"genericName,omitempty"`
	ShortDescription string   `json:"shortDescription,omitempty"`
	LongDescription  string   `json:"longDescription,omitempty"`
	Documentation    string   `json:"documentation,omitempty"`
	APIDocumentation string   `json:"apiDocumentation,omitempty"`
	Features         []string `json:"features,omitempty"`
	Screenshots      []string `json:"screenshots,omitempty"`
	Videos           []string `json:"videos,omitempty"`
	Awards           []string `json:"awards,omitempty"`
}

// Legal is the licensing section.
type Legal struct {
	License            string `json:"license,omitempty"`
	MainCopyrightOwner string `json:"mainCopyrightOwner,omitempty"`
	RepoOwner          string `json:"repoOwner,omitempty"`
	AuthorsFile        string `json:"authorsFile,omitempty"`
}

// Maintenance says who keeps the software alive.
type Maintenance struct {
	Type        string       `json:"type,omitempty"`
	Contractors []Contractor `json:"contractors,omitempty"`
	Contacts    []Contact    `json:"contacts,omitempty"`
}

// Contractor is a company paid to maintain the software.
type Contractor struct {
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Website string `json:"website,omitempty"`
	Until   string `json:"until,omitempty"`
}

// Contact is a person who maintains the software.
type Contact struct {
	Name        string `json:"name,omitempty"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
}

// Localisation says which languages the software speaks.
type Localisation struct {
	LocalisationReady  *bool    `json:"localisationReady,omitempty"`
	AvailableLanguages []string `json:"availableLanguages,omitempty"`
}

// DependsOn lists what the software needs to run.
type DependsOn struct {
	Open        []Dependency `json:"open,omitempty"`
	Proprietary []Dependency `json:"proprietary,omitempty"`
	Hardware    []Dependency `json:"hardware,omitempty"`
}

// Dependency is one thing the software needs.
type Dependency struct {
	Name       string `json:"name,omitempty"`
	VersionMin string `json:"versionMin,omitempty"`
	VersionMax string `json:"versionMax,omitempty"`
	Version    string `json:"version,omitempty"`
	Optional   *bool  `json:"optional,omitempty"`
}

// Support names one standard, regulation or platform: alias:NAME for the
// standard's aliases (alias:gdpr, alias:spid), else a URI.
type Support struct {
	ID string `json:"id,omitempty"`
}

// Organisation is the administration that owns the software.
type Organisation struct {
	URI  string `json:"uri,omitempty"`
	Name string `json:"name,omitempty"`
}

// Funder is an organisation that paid for the software.
type Funder struct {
	Name string `json:"name,omitempty"`
	URI  string `json:"uri,omitempty"`
}

// ItalianExtension is the `IT` section.
type ItalianExtension struct {
	CountryExtensionVersion string          `json:"countryExtensionVersion,omitempty"`
	Conforme                map[string]bool `json:"conforme,omitempty"`
	Piattaforme             map[string]bool `json:"piattaforme,omitempty"`
	Riuso                   *Riuso          `json:"riuso,omitempty"`
}

// Riuso is the deprecated Italian reuse section; its iPA code now lives in
// organisation.uri.
type Riuso struct {
	CodiceIPA string `json:"codiceIPA,omitempty"`
}

// Listable reports whether the file can be listed in the catalogue: it parsed and
// named the software.
func (f *File) Listable() bool { return f != nil && f.Name != "" }

// PreferredDescription returns the description in lang when the file has it, else in
// the file's first language, with the language it chose.
func (f *File) PreferredDescription(lang string) (string, Description) {
	if d, ok := f.Description[lang]; ok {
		return lang, d
	}
	for _, l := range f.Languages {
		if d, ok := f.Description[l]; ok {
			return l, d
		}
	}
	return "", Description{}
}
