package publiccode

import (
	"go.yaml.in/yaml/v3"
)

// readFile fills f from the top-level mapping. Unknown keys are left to the
// validator; the reader only takes what it understands.
func (r *reader) readFile(n *yaml.Node, f *File) error {
	return r.fields("", n, func(key, path string, v *yaml.Node) error {
		var err error
		switch key {
		case "publiccodeYmlVersion":
			f.Version = r.str(path, v)
		case "name":
			f.Name = r.str(path, v)
		case "applicationSuite":
			f.ApplicationSuite = r.str(path, v)
		case "url":
			f.URL = r.str(path, v)
		case "landingURL":
			f.LandingURL = r.str(path, v)
		case "isBasedOn":
			f.IsBasedOn, err = r.listOrOne(path, v)
		case "softwareVersion":
			f.SoftwareVersion = r.str(path, v)
		case "releaseDate":
			f.ReleaseDate = r.str(path, v)
		case "logo":
			f.Logo = r.str(path, v)
		case "platforms":
			f.Platforms, err = r.list(path, v)
		case "categories":
			f.Categories, err = r.list(path, v)
		case "usedBy":
			f.UsedBy, err = r.list(path, v)
		case "roadmap":
			f.Roadmap = r.str(path, v)
		case "developmentStatus":
			f.DevelopmentStatus = r.str(path, v)
		case "softwareType":
			f.SoftwareType = r.str(path, v)
		case "intendedAudience":
			err = r.readAudience(path, v, &f.IntendedAudience)
		case "description":
			err = r.readDescriptions(path, v, f)
		case "legal":
			err = r.readLegal(path, v, &f.Legal)
		case "maintenance":
			err = r.readMaintenance(path, v, &f.Maintenance)
		case "localisation":
			err = r.readLocalisation(path, v, &f.Localisation)
		case "dependsOn":
			err = r.readDependsOn(path, v, &f.DependsOn)
		case "organisation":
			if r.mapping(path, v) {
				err = r.fields(path, v, func(key, path string, v *yaml.Node) error {
					switch key {
					case "uri":
						f.Organisation.URI = r.str(path, v)
					case "name":
						f.Organisation.Name = r.str(path, v)
					}
					return nil
				})
			}
		case "fundedBy":
			err = r.items(path, v, func(path string, v *yaml.Node) error {
				if !r.mapping(path, v) {
					return nil
				}
				var fu Funder
				err := r.fields(path, v, func(key, path string, v *yaml.Node) error {
					switch key {
					case "name":
						fu.Name = r.str(path, v)
					case "uri":
						fu.URI = r.str(path, v)
					}
					return nil
				})
				f.FundedBy = append(f.FundedBy, fu)
				return err
			})
		case "IT", "it":
			err = r.readItalian(path, v, f)
		}
		return err
	})
}

// listOrOne reads a key the standard allows as either one value or a list.
func (r *reader) listOrOne(path string, n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		if s := r.str(path, n); s != "" {
			return []string{s}, nil
		}
		return nil, nil
	}
	return r.list(path, n)
}

func (r *reader) readAudience(path string, n *yaml.Node, a *IntendedAudience) error {
	if !r.mapping(path, n) {
		return nil
	}
	return r.fields(path, n, func(key, path string, v *yaml.Node) error {
		var err error
		switch key {
		case "countries":
			a.Countries, err = r.list(path, v)
		case "unsupportedCountries":
			a.UnsupportedCountries, err = r.list(path, v)
		case "scope":
			a.Scope, err = r.list(path, v)
		}
		return err
	})
}

func (r *reader) readDescriptions(path string, n *yaml.Node, f *File) error {
	if !r.mapping(path, n) {
		return nil
	}
	f.Description = map[string]Description{}
	return r.fields(path, n, func(lang, path string, v *yaml.Node) error {
		if !r.mapping(path, v) {
			return nil
		}
		var d Description
		err := r.fields(path, v, func(key, path string, v *yaml.Node) error {
			var err error
			switch key {
			case "localisedName":
				d.LocalisedName = r.str(path, v)
			case "genericName":
				d.GenericName = r.str(path, v)
			case "shortDescription":
				d.ShortDescription = r.str(path, v)
			case "longDescription":
				d.LongDescription = r.str(path, v)
			case "documentation":
				d.Documentation = r.str(path, v)
			case "apiDocumentation":
				d.APIDocumentation = r.str(path, v)
			case "features":
				d.Features, err = r.list(path, v)
			case "screenshots":
				d.Screenshots, err = r.list(path, v)
			case "videos":
				d.Videos, err = r.list(path, v)
			case "awards":
				d.Awards, err = r.list(path, v)
			}
			return err
		})
		if _, dup := f.Description[lang]; !dup {
			f.Languages = append(f.Languages, lang)
		}
		f.Description[lang] = d
		return err
	})
}

func (r *reader) readLegal(path string, n *yaml.Node, l *Legal) error {
	if !r.mapping(path, n) {
		return nil
	}
	return r.fields(path, n, func(key, path string, v *yaml.Node) error {
		switch key {
		case "license":
			l.License = r.str(path, v)
		case "mainCopyrightOwner":
			l.MainCopyrightOwner = r.str(path, v)
		case "repoOwner":
			l.RepoOwner = r.str(path, v)
		case "authorsFile":
			l.AuthorsFile = r.str(path, v)
		}
		return nil
	})
}

func (r *reader) readMaintenance(path string, n *yaml.Node, m *Maintenance) error {
	if !r.mapping(path, n) {
		return nil
	}
	return r.fields(path, n, func(key, path string, v *yaml.Node) error {
		switch key {
		case "type":
			m.Type = r.str(path, v)
		case "contractors":
			return r.items(path, v, func(path string, v *yaml.Node) error {
				if !r.mapping(path, v) {
					return nil
				}
				var c Contractor
				err := r.fields(path, v, func(key, path string, v *yaml.Node) error {
					switch key {
					case "name":
						c.Name = r.str(path, v)
					case "email":
						c.Email = r.str(path, v)
					case "website":
						c.Website = r.str(path, v)
					case "until":
						c.Until = r.str(path, v)
					}
					return nil
				})
				m.Contractors = append(m.Contractors, c)
				return err
			})
		case "contacts":
			return r.items(path, v, func(path string, v *yaml.Node) error {
				if !r.mapping(path, v) {
					return nil
				}
				var c Contact
				err := r.fields(path, v, func(key, path string, v *yaml.Node) error {
					switch key {
					case "name":
						c.Name = r.str(path, v)
					case "email":
						c.Email = r.str(path, v)
					case "phone":
						c.Phone = r.str(path, v)
					case "affiliation":
						c.Affiliation = r.str(path, v)
					}
					return nil
				})
				m.Contacts = append(m.Contacts, c)
				return err
			})
		}
		return nil
	})
}

func (r *reader) readLocalisation(path string, n *yaml.Node, l *Localisation) error {
	if !r.mapping(path, n) {
		return nil
	}
	return r.fields(path, n, func(key, path string, v *yaml.Node) error {
		var err error
		switch key {
		case "localisationReady":
			l.LocalisationReady = r.boolean(path, v)
		case "availableLanguages":
			l.AvailableLanguages, err = r.list(path, v)
		}
		return err
	})
}

func (r *reader) readDependsOn(path string, n *yaml.Node, d *DependsOn) error {
	if !r.mapping(path, n) {
		return nil
	}
	return r.fields(path, n, func(key, path string, v *yaml.Node) error {
		var target *[]Dependency
		switch key {
		case "open":
			target = &d.Open
		case "proprietary":
			target = &d.Proprietary
		case "hardware":
			target = &d.Hardware
		default:
			return nil
		}
		return r.items(path, v, func(path string, v *yaml.Node) error {
			if !r.mapping(path, v) {
				return nil
			}
			var dep Dependency
			err := r.fields(path, v, func(key, path string, v *yaml.Node) error {
				switch key {
				case "name":
					dep.Name = r.str(path, v)
				case "versionMin":
					dep.VersionMin = r.str(path, v)
				case "versionMax":
					dep.VersionMax = r.str(path, v)
				case "version":
					dep.Version = r.str(path, v)
				case "optional":
					dep.Optional = r.boolean(path, v)
				}
				return nil
			})
			*target = append(*target, dep)
			return err
		})
	})
}

func (r *reader) readItalian(path string, n *yaml.Node, f *File) error {
	if !r.mapping(path, n) {
		return nil
	}
	if f.IT == nil {
		f.IT = &ItalianExtension{}
	}
	it := f.IT
	flags := func(path string, v *yaml.Node) (map[string]bool, error) {
		if !r.mapping(path, v) {
			return nil, nil
		}
		m := map[string]bool{}
		err := r.fields(path, v, func(key, path string, v *yaml.Node) error {
			if b := r.boolean(path, v); b != nil {
				m[key] = *b
			}
			return nil
		})
		return m, err
	}
	return r.fields(path, n, func(key, path string, v *yaml.Node) error {
		var err error
		switch key {
		case "countryExtensionVersion":
			it.CountryExtensionVersion = r.str(path, v)
		case "conforme":
			it.Conforme, err = flags(path, v)
		case "piattaforme":
			it.Piattaforme, err = flags(path, v)
		case "riuso":
			if r.mapping(path, v) {
				it.Riuso = &Riuso{}
				err = r.fields(path, v, func(key, path string, v *yaml.Node) error {
					if key == "codiceIPA" {
						it.Riuso.CodiceIPA = r.str(path, v)
					}
					return nil
				})
			}
		}
		return err
	})
}
