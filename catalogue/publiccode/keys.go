package publiccode

import "strings"

// shape is what a key's value must look like in YAML.
type shape uint8

const (
	shapeText       shape = iota + 1 // one scalar, read as text whatever YAML typed it as
	shapeBool                        // true or false
	shapeTextList                    // a list of scalars
	shapeTextOrList                  // one scalar or a list of them
	shapeMap                         // a mapping of known keys
	shapeMapList                     // a list of mappings of known keys
	shapeLangMap                     // a mapping from language tags to mappings of known keys
	shapeBoolMap                     // a mapping of known keys, each true or false
)

// keySpec is one key of the standard: its name, the shape of its value, the keys
// beneath it, and whether it is deprecated. The tree rooted at schema is the one
// list of key names: the reader walks it, the validator suggests from it, and a
// test keeps schemas/publiccode.schema.json in agreement with it.
type keySpec struct {
	name  string
	shape shape
	keys  []*keySpec
	// example is what to write when the key is required and missing.
	example string
	// replacedBy names the key to write instead of a deprecated one; drop marks a
	// deprecated key with no replacement.
	replacedBy string
	drop       bool
	// entry is, for a language map, the mapping under each language.
	entry *keySpec
}

func (k *keySpec) child(name string) *keySpec {
	for _, c := range k.keys {
		if c.name == name {
			return c
		}
	}
	return nil
}

var dependencyKeys = []*keySpec{
	{name: "name", shape: shapeText, example: "name: PostgreSQL"},
	{name: "versionMin", shape: shapeText},
	{name: "versionMax", shape: shapeText},
	{name: "version", shape: shapeText},
	{name: "optional", shape: shapeBool},
}

// descriptionKeys are the keys under each language of the description.
var descriptionKeys = []*keySpec{
	{name: "localisedName", shape: shapeText},
	{name: "genericName", shape: shapeText, drop: true},
	{name: "shortDescription", shape: shapeText, example: "shortDescription: One line saying what the software does"},
	{name: "longDescription", shape: shapeText, example: "longDescription: 150 to 10,000 characters for the software's users"},
	{name: "documentation", shape: shapeText},
	{name: "apiDocumentation", shape: shapeText},
	{name: "features", shape: shapeTextList, example: "features: [What a user can do with it]"},
	{name: "screenshots", shape: shapeTextList},
	{name: "videos", shape: shapeTextList},
	{name: "awards", shape: shapeTextList},
}

var italianKeys = []*keySpec{
	{name: "countryExtensionVersion", shape: shapeText},
	{name: "conforme", shape: shapeBoolMap, drop: true, keys: []*keySpec{
		{name: "lineeGuidaDesign", shape: shapeBool},
		{name: "modelloInteroperabilita", shape: shapeBool},
		{name: "misureMinimeSicurezza", shape: shapeBool},
		{name: "gdpr", shape: shapeBool},
	}},
	{name: "piattaforme", shape: shapeBoolMap, keys: []*keySpec{
		{name: "spid", shape: shapeBool},
		{name: "pagopa", shape: shapeBool},
		{name: "cie", shape: shapeBool},
		{name: "anpr", shape: shapeBool},
		{name: "io", shape: shapeBool},
	}},
	{name: "riuso", shape: shapeMap, keys: []*keySpec{
		{name: "codiceIPA", shape: shapeText, replacedBy: "organisation.uri"},
	}},
}

// schema is publiccode.yml version 0 (0.2 to 0.7) and its Italian section.
var schema = &keySpec{shape: shapeMap, keys: []*keySpec{
	{name: "publiccodeYmlVersion", shape: shapeText, example: `publiccodeYmlVersion: "0"`},
	{name: "name", shape: shapeText, example: "name: Medusa"},
	{name: "applicationSuite", shape: shapeText},
	{name: "url", shape: shapeText, example: "url: https://example.org/medusa.git"},
	{name: "landingURL", shape: shapeText},
	{name: "isBasedOn", shape: shapeTextOrList},
	{name: "softwareVersion", shape: shapeText},
	{name: "releaseDate", shape: shapeText},
	{name: "logo", shape: shapeText},
	{name: "monochromeLogo", shape: shapeText, replacedBy: "logo"},
	{name: "organisation", shape: shapeMap, keys: []*keySpec{
		{name: "name", shape: shapeText},
		{name: "uri", shape: shapeText, example: "uri: https://example.org"},
	}},
	{name: "inputTypes", shape: shapeTextList, drop: true},
	{name: "outputTypes", shape: shapeTextList, drop: true},
	{name: "platforms", shape: shapeTextList, example: "platforms: [web]"},
	{name: "categories", shape: shapeTextList},
	{name: "usedBy", shape: shapeTextList},
	{name: "fundedBy", shape: shapeMapList, keys: []*keySpec{
		{name: "name", shape: shapeText},
		{name: "uri", shape: shapeText, example: "uri: https://example.org"},
	}},
	{name: "roadmap", shape: shapeText},
	{name: "developmentStatus", shape: shapeText, example: "developmentStatus: stable"},
	{name: "softwareType", shape: shapeText, example: "softwareType: standalone/web"},
	{name: "supports", shape: shapeMapList, keys: []*keySpec{
		{name: "id", shape: shapeText, example: "id: alias:gdpr"},
	}},
	{name: "intendedAudience", shape: shapeMap, keys: []*keySpec{
		{name: "countries", shape: shapeTextList},
		{name: "unsupportedCountries", shape: shapeTextList},
		{name: "scope", shape: shapeTextList},
	}},
	{name: "description", shape: shapeLangMap, example: "description: {en: {shortDescription: …, longDescription: …, features: [ … ]}}",
		keys: descriptionKeys, entry: &keySpec{shape: shapeMap, keys: descriptionKeys}},
	{name: "legal", shape: shapeMap, keys: []*keySpec{
		{name: "license", shape: shapeText, example: "license: EUPL-1.2"},
		{name: "mainCopyrightOwner", shape: shapeText},
		{name: "repoOwner", shape: shapeText, replacedBy: "organisation.name"},
		{name: "authorsFile", shape: shapeText, drop: true},
	}},
	{name: "maintenance", shape: shapeMap, keys: []*keySpec{
		{name: "type", shape: shapeText, example: "type: internal"},
		{name: "contractors", shape: shapeMapList, example: "contractors: [{name: Example Ltd, until: 2030-12-31}]", keys: []*keySpec{
			{name: "name", shape: shapeText, example: "name: Example Ltd"},
			{name: "email", shape: shapeText},
			{name: "website", shape: shapeText},
			{name: "until", shape: shapeText, example: "until: 2030-12-31"},
		}},
		{name: "contacts", shape: shapeMapList, example: "contacts: [{name: Maria Rossi, email: maria.rossi@example.org}]", keys: []*keySpec{
			{name: "name", shape: shapeText, example: "name: Maria Rossi"},
			{name: "email", shape: shapeText},
			{name: "phone", shape: shapeText},
			{name: "affiliation", shape: shapeText},
		}},
	}},
	{name: "localisation", shape: shapeMap, keys: []*keySpec{
		{name: "localisationReady", shape: shapeBool, example: "localisationReady: true"},
		{name: "availableLanguages", shape: shapeTextList, example: "availableLanguages: [en]"},
	}},
	{name: "dependsOn", shape: shapeMap, keys: []*keySpec{
		{name: "open", shape: shapeMapList, keys: dependencyKeys},
		{name: "proprietary", shape: shapeMapList, keys: dependencyKeys},
		{name: "hardware", shape: shapeMapList, keys: dependencyKeys},
	}},
	{name: "IT", shape: shapeMap, keys: italianKeys},
	{name: "it", shape: shapeMap, keys: italianKeys, replacedBy: "IT"},
}}

// specAt returns the spec of a key path such as "maintenance.contacts[0].email"
// or "description.en.features", or nil.
func specAt(path string) *keySpec {
	k := schema
	for path != "" && k != nil {
		var part string
		part, path, _ = strings.Cut(path, ".")
		if i := strings.IndexByte(part, '['); i >= 0 {
			part = part[:i]
		}
		if k.shape == shapeLangMap {
			k = k.entry // the language tag is one level; its keys follow
			continue
		}
		k = k.child(part)
	}
	return k
}

// whereIs lists the paths of every key named name in the schema, with "*" for a
// language tag: the places a misplaced key belongs.
func whereIs(name string) []string {
	var found []string
	var walk func(prefix string, k *keySpec)
	walk = func(prefix string, k *keySpec) {
		for _, c := range k.keys {
			p := c.name
			if prefix != "" {
				p = prefix + "." + c.name
			}
			if c.name == name && c.replacedBy == "" && !c.drop {
				found = append(found, p)
			}
			if c.shape == shapeLangMap {
				walk(p+".*", c)
			} else {
				walk(p, c)
			}
		}
	}
	walk("", schema)
	return found
}
