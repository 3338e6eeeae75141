package publiccode

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// textKeys are the top-level keys of one text each, and their fields.
var textKeys = map[string]func(*File) *string{
	"name":              func(f *File) *string { return &f.Name },
	"applicationSuite":  func(f *File) *string { return &f.ApplicationSuite },
	"url":               func(f *File) *string { return &f.URL },
	"landingURL":        func(f *File) *string { return &f.LandingURL },
	"softwareVersion":   func(f *File) *string { return &f.SoftwareVersion },
	"releaseDate":       func(f *File) *string { return &f.ReleaseDate },
	"logo":              func(f *File) *string { return &f.Logo },
	"monochromeLogo":    func(f *File) *string { return &f.MonochromeLogo },
	"roadmap":           func(f *File) *string { return &f.Roadmap },
	"developmentStatus": func(f *File) *string { return &f.DevelopmentStatus },
	"softwareType":      func(f *File) *string { return &f.SoftwareType },
}

// listKeys are the top-level keys of a list of texts each, and their fields.
var listKeys = map[string]func(*File) *[]string{
	"isBasedOn":   func(f *File) *[]string { return &f.IsBasedOn },
	"inputTypes":  func(f *File) *[]string { return &f.InputTypes },
	"outputTypes": func(f *File) *[]string { return &f.OutputTypes },
	"platforms":   func(f *File) *[]string { return &f.Platforms },
	"categories":  func(f *File) *[]string { return &f.Categories },
	"usedBy":      func(f *File) *[]string { return &f.UsedBy },
}

// readFile fills f from the top-level mapping. Each case names a key of the
// schema in keys.go; fields has already reported keys the schema lacks and values
// of the wrong shape.
func (r *reader) readFile(n *yaml.Node, f *File) {
	var lowerIT *ItalianExtension
	r.fields(schema, "", n, func(k *keySpec, path string, v *yaml.Node) {
		if field, ok := textKeys[k.name]; ok {
			*field(f) = text(v)
			return
		}
		if field, ok := listKeys[k.name]; ok {
			*field(f) = r.list(path, v)
			return
		}
		switch k.name {
		case "publiccodeYmlVersion":
			f.Version = text(v)
			r.doc.versionTag = v.Tag
		case "organisation":
			r.fields(k, path, v, func(k *keySpec, _ string, v *yaml.Node) {
				switch k.name {
				case "uri":
					f.Organisation.URI = text(v)
				case "name":
					f.Organisation.Name = text(v)
				}
			})
		case "fundedBy":
			r.items(path, v, func(path string, v *yaml.Node) {
				var fu Funder
				r.fields(k, path, v, func(k *keySpec, _ string, v *yaml.Node) {
					switch k.name {
					case "name":
						fu.Name = text(v)
					case "uri":
						fu.URI = text(v)
					}
				})
				f.FundedBy = append(f.FundedBy, fu)
			})
		case "supports":
			r.items(path, v, func(path string, v *yaml.Node) {
				var s Support
				r.fields(k, path, v, func(k *keySpec, _ string, v *yaml.Node) {
					if k.name == "id" {
						s.ID = text(v)
					}
				})
				f.Supports = append(f.Supports, s)
			})
		case "intendedAudience":
			r.readAudience(k, path, v, &f.IntendedAudience)
		case "description":
			r.readDescriptions(k, path, v, f)
		case "legal":
			r.readLegal(k, path, v, &f.Legal)
		case "maintenance":
			r.readMaintenance(k, path, v, &f.Maintenance)
		case "localisation":
			r.readLocalisation(k, path, v, &f.Localisation)
		case "dependsOn":
			r.readDependsOn(k, path, v, &f.DependsOn)
		case "IT":
			f.IT = r.readItalian(k, path, v)
		case "it":
			lowerIT = r.readItalian(k, path, v)
		}
	})
	if f.IT == nil {
		f.IT = lowerIT
	}
	if f.Version == "" && !r.doc.Present["publiccodeYmlVersion"] {
		r.doc.draft = draftVersion(n)
	}
}

// draftVersion returns the `version` of a draft from before publiccodeYmlVersion
// existed (version: 0.0.1), or "". Any other `version` is just an unknown key.
func draftVersion(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := deref(n.Content[i]); k.Value == "version" {
			if v := text(deref(n.Content[i+1])); strings.HasPrefix(v, "0.0") || strings.Contains(v, "draft") {
				return v
			}
		}
	}
	return ""
}

func (r *reader) readAudience(spec *keySpec, path string, n *yaml.Node, a *IntendedAudience) {
	r.fields(spec, path, n, func(k *keySpec, path string, v *yaml.Node) {
		switch k.name {
		case "countries":
			a.Countries = r.list(path, v)
		case "unsupportedCountries":
			a.UnsupportedCountries = r.list(path, v)
		case "scope":
			a.Scope = r.list(path, v)
		}
	})
}

// readDescriptions reads the description section, one mapping per language.
func (r *reader) readDescriptions(spec *keySpec, path string, n *yaml.Node, f *File) {
	f.Description = make(map[string]Description, len(n.Content)/2)
	r.fields(spec, path, n, func(entry *keySpec, lp string, v *yaml.Node) {
		var d Description
		r.fields(entry, lp, v, func(k *keySpec, path string, v *yaml.Node) {
			switch k.name {
			case "localisedName":
				d.LocalisedName = text(v)
			case "genericName":
				d.GenericName = text(v)
			case "shortDescription":
				d.ShortDescription = text(v)
			case "longDescription":
				d.LongDescription = text(v)
			case "documentation":
				d.Documentation = text(v)
			case "apiDocumentation":
				d.APIDocumentation = text(v)
			case "features":
				d.Features = r.list(path, v)
			case "screenshots":
				d.Screenshots = r.list(path, v)
			case "videos":
				d.Videos = r.list(path, v)
			case "awards":
				d.Awards = r.list(path, v)
			}
		})
		lang := strings.TrimPrefix(lp, path+".")
		f.Languages = append(f.Languages, lang)
		f.Description[lang] = d
	})
}

func (r *reader) readLegal(spec *keySpec, path string, n *yaml.Node, l *Legal) {
	r.fields(spec, path, n, func(k *keySpec, _ string, v *yaml.Node) {
		switch k.name {
		case "license":
			l.License = text(v)
		case "mainCopyrightOwner":
			l.MainCopyrightOwner = text(v)
		case "repoOwner":
			l.RepoOwner = text(v)
		case "authorsFile":
			l.AuthorsFile = text(v)
		}
	})
}

func (r *reader) readMaintenance(spec *keySpec, path string, n *yaml.Node, m *Maintenance) {
	r.fields(spec, path, n, func(k *keySpec, path string, v *yaml.Node) {
		switch k.name {
		case "type":
			m.Type = text(v)
		case "contractors":
			r.items(path, v, func(path string, v *yaml.Node) {
				var c Contractor
				r.fields(k, path, v, func(k *keySpec, _ string, v *yaml.Node) {
					switch k.name {
					case "name":
						c.Name = text(v)
					case "email":
						c.Email = text(v)
					case "website":
						c.Website = text(v)
					case "until":
						c.Until = text(v)
					}
				})
				m.Contractors = append(m.Contractors, c)
			})
		case "contacts":
			r.items(path, v, func(path string, v *yaml.Node) {
				var c Contact
				r.fields(k, path, v, func(k *keySpec, _ string, v *yaml.Node) {
					switch k.name {
					case "name":
						c.Name = text(v)
					case "email":
						c.Email = text(v)
					case "phone":
						c.Phone = text(v)
					case "affiliation":
						c.Affiliation = text(v)
					}
				})
				m.Contacts = append(m.Contacts, c)
			})
		}
	})
}

func (r *reader) readLocalisation(spec *keySpec, path string, n *yaml.Node, l *Localisation) {
	r.fields(spec, path, n, func(k *keySpec, path string, v *yaml.Node) {
		switch k.name {
		case "localisationReady":
			l.LocalisationReady = boolean(v)
		case "availableLanguages":
			l.AvailableLanguages = r.list(path, v)
		}
	})
}

func (r *reader) readDependsOn(spec *keySpec, path string, n *yaml.Node, d *DependsOn) {
	r.fields(spec, path, n, func(k *keySpec, path string, v *yaml.Node) {
		var target *[]Dependency
		switch k.name {
		case "open":
			target = &d.Open
		case "proprietary":
			target = &d.Proprietary
		case "hardware":
			target = &d.Hardware
		}
		r.items(path, v, func(path string, v *yaml.Node) {
			var dep Dependency
			r.fields(k, path, v, func(k *keySpec, _ string, v *yaml.Node) {
				switch k.name {
				case "name":
					dep.Name = text(v)
				case "versionMin":
					dep.VersionMin = text(v)
				case "versionMax":
					dep.VersionMax = text(v)
				case "version":
					dep.Version = text(v)
				case "optional":
					dep.Optional = boolean(v)
				}
			})
			*target = append(*target, dep)
		})
	})
}

func (r *reader) readItalian(spec *keySpec, path string, n *yaml.Node) *ItalianExtension {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	it := &ItalianExtension{}
	flags := func(spec *keySpec, path string, v *yaml.Node) map[string]bool {
		m := map[string]bool{}
		r.fields(spec, path, v, func(k *keySpec, _ string, v *yaml.Node) {
			if b := boolean(v); b != nil {
				m[k.name] = *b
			}
		})
		return m
	}
	r.fields(spec, path, n, func(k *keySpec, path string, v *yaml.Node) {
		switch k.name {
		case "countryExtensionVersion":
			it.CountryExtensionVersion = text(v)
		case "conforme":
			it.Conforme = flags(k, path, v)
		case "piattaforme":
			it.Piattaforme = flags(k, path, v)
		case "riuso":
			it.Riuso = &Riuso{}
			r.fields(k, path, v, func(k *keySpec, _ string, v *yaml.Node) {
				if k.name == "codiceIPA" {
					it.Riuso.CodiceIPA = text(v)
				}
			})
		}
	})
	return it
}
