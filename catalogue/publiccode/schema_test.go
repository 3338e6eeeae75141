package publiccode

// These tests keep schemas/publiccode.schema.json, which editors use for
// completion, in agreement with the validator: the same keys, the same
// vocabularies, the same required keys, and never an error on a file the
// validator accepts. A JSON Schema library (santhosh-tekuri/jsonschema) runs
// the schema, so that what is tested is what an editor will do with it.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/oscat-eu/oscat/schemas"
)

const schemaName = "publiccode.schema.json"

// schemaDoc returns the schema as plain JSON values, for reading its structure.
func schemaDoc(t testing.TB) map[string]any {
	t.Helper()
	data, err := schemas.Read(schemaName)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// compiledSchema returns the schema compiled against the 2020-12 meta-schema,
// asserting formats as an editor would.
func compiledSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	data, err := schemas.Read(schemaName)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	id := doc.(map[string]any)["$id"].(string)
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// resolve follows a local $ref ("#/$defs/date"), and looks through the
// "or null" that optional keys carry (the validator treats `key:` with no value
// as absent).
func resolve(doc, node map[string]any) map[string]any {
	for {
		if alts, ok := node["anyOf"].([]any); ok && len(alts) == 2 && alts[1].(map[string]any)["type"] == "null" {
			node = alts[0].(map[string]any)
			continue
		}
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		target := doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			target = target[part].(map[string]any)
		}
		node = target
	}
}

func TestSchema_NamesTheValidatorsKeys(t *testing.T) {
	t.Parallel()
	doc := schemaDoc(t)
	var walk func(path string, spec *keySpec, node map[string]any)
	walk = func(path string, spec *keySpec, node map[string]any) {
		node = resolve(doc, node)
		switch spec.shape {
		case shapeMapList:
			node = resolve(doc, node["items"].(map[string]any))
		case shapeLangMap:
			node = resolve(doc, node["additionalProperties"].(map[string]any))
		}
		props, _ := node["properties"].(map[string]any)
		var inSchema, inSpec []string
		for name := range props {
			inSchema = append(inSchema, name)
		}
		for _, k := range spec.keys {
			inSpec = append(inSpec, k.name)
		}
		slices.Sort(inSchema)
		slices.Sort(inSpec)
		if !slices.Equal(inSchema, inSpec) {
			t.Errorf("%s: the schema has keys %v, the validator %v", cmpOr(path, "the top level"), inSchema, inSpec)
			return
		}
		if node["additionalProperties"] != false {
			t.Errorf("%s: the schema allows keys the validator reports as unknown", cmpOr(path, "the top level"))
		}
		for _, k := range spec.keys {
			p := join(path, k.name)
			child := props[k.name].(map[string]any)
			if deprecated := child["deprecated"] == true || resolve(doc, child)["deprecated"] == true; deprecated != (k.replacedBy != "" || k.drop) {
				t.Errorf("%s: deprecated in the schema: %v; in the validator: %v", p, deprecated, !deprecated)
			}
			if want := schemaType(k.shape); want != "" && !hasType(doc, child, want) {
				t.Errorf("%s: the schema does not make it %s", p, want)
			}
			if len(k.keys) > 0 {
				walk(p, k, child)
			}
		}
	}
	walk("", schema, doc)
}

func cmpOr(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

func schemaType(s shape) string {
	switch s {
	case shapeBool:
		return "boolean"
	case shapeTextList, shapeMapList:
		return "array"
	case shapeMap, shapeLangMap, shapeBoolMap:
		return "object"
	}
	return "" // text: a string, or a number the validator reads as text
}

// hasType reports whether a schema node admits values of type t and no other
// structured type.
func hasType(doc, node map[string]any, t string) bool {
	node = resolve(doc, node)
	switch typ := node["type"].(type) {
	case string:
		return typ == t
	case []any:
		return slices.Contains(typ, any(t))
	}
	return false
}

func TestSchema_HasTheValidatorsVocabularies(t *testing.T) {
	t.Parallel()
	doc := schemaDoc(t)
	props := doc["properties"].(map[string]any)
	at := func(path ...string) map[string]any {
		node := doc
		for _, p := range path {
			node = resolve(doc, node)[p].(map[string]any)
		}
		return resolve(doc, node)
	}
	enum := func(node map[string]any) []string {
		var out []string
		for _, v := range node["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	var aliases []string
	for _, a := range supportAliases {
		aliases = append(aliases, "alias:"+a)
	}
	tests := []struct {
		name        string
		schema, got []string
	}{
		{"categories", enum(at("properties", "categories", "items")), categories},
		{"scopes", enum(at("properties", "intendedAudience", "properties", "scope", "items")), scopes},
		{"development statuses", enum(props["developmentStatus"].(map[string]any)), developmentStatuses},
		{"software types", enum(props["softwareType"].(map[string]any)), softwareTypes},
		{"maintenance types", enum(at("properties", "maintenance", "properties", "type")), maintenanceTypes},
		{"countries", enum(at("$defs", "country")), countries},
		{"supports aliases", enum(at("properties", "supports", "items", "properties", "id")["anyOf"].([]any)[0].(map[string]any)), aliases},
		{"versions", enum(props["publiccodeYmlVersion"].(map[string]any)["anyOf"].([]any)[0].(map[string]any)), append(slices.Clone(currentVersions), olderVersions...)},
	}
	for _, tt := range tests {
		a, b := slices.Sorted(slices.Values(tt.schema)), slices.Sorted(slices.Values(tt.got))
		if !slices.Equal(a, b) {
			t.Errorf("%s: the schema lists %v, the validator %v", tt.name, a, b)
		}
	}
}

// yamlToJSON converts a publiccode.yml to the JSON an editor's YAML plugin
// validates: YAML 1.2 scalars, unquoted dates as text.
func yamlToJSON(t testing.TB, src []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		n = deref(n)
		switch n.Kind {
		case yaml.DocumentNode:
			return conv(n.Content[0])
		case yaml.MappingNode:
			m := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				m[n.Content[i].Value] = conv(n.Content[i+1])
			}
			return m
		case yaml.SequenceNode:
			s := []any{}
			for _, c := range n.Content {
				s = append(s, conv(c))
			}
			return s
		}
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool":
			return strings.EqualFold(n.Value, "true")
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return json.Number(n.Value)
			}
		}
		return n.Value
	}
	return conv(&n)
}

func TestSchema_AcceptsEveryFileTheValidatorAccepts(t *testing.T) {
	t.Parallel()
	s := compiledSchema(t)
	files := []string{"testdata/files/publiccode.yml"}
	root := filepath.Join("..", "..", "..", "shared", "corpus")
	for _, pattern := range []string{"publiccode/*.yml", "conformance/v0/*/*.yml", "conformance/v0/*/no-network/*.yml"} {
		more, _ := filepath.Glob(filepath.Join(root, pattern))
		files = append(files, more...)
	}
	accepted := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !Valid(Check(data, Options{}).Findings) {
			continue
		}
		accepted++
		if err := s.Validate(yamlToJSON(t, data)); err != nil {
			t.Errorf("%s: valid to the validator, but the schema says:\n%v", p, err)
		}
	}
	t.Logf("the schema accepts all %d files the validator accepts", accepted)
}

// TestSchema_RejectsWhatTheValidatorRejects removes each key of the test file
// in turn, empties it, and changes its vocabularies' values, and asks the validator and
// the schema whether the result is still valid. Both must say the same.
func TestSchema_RejectsWhatTheValidatorRejects(t *testing.T) {
	t.Parallel()
	s := compiledSchema(t)
	base := []byte(validFile(t))
	var n yaml.Node
	if err := yaml.Unmarshal(base, &n); err != nil {
		t.Fatal(err)
	}
	var variants []struct{ name, src string }
	var walk func(path string, m *yaml.Node)
	walk = func(path string, m *yaml.Node) {
		switch m.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(m.Content); i += 2 {
				p := join(path, m.Content[i].Value)
				saved := slices.Clone(m.Content)
				m.Content = slices.Delete(m.Content, i, i+2)
				variants = append(variants, struct{ name, src string }{"without " + p, encode(t, &n)})
				m.Content = saved
				value := m.Content[i+1]
				m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
				variants = append(variants, struct{ name, src string }{"with " + p + " empty", encode(t, &n)})
				m.Content[i+1] = value
				walk(p, value)
			}
		case yaml.SequenceNode:
			for i, c := range m.Content {
				walk(index(path, i), c)
			}
		}
	}
	walk("", n.Content[0])
	for _, change := range []struct{ old, new string }{
		{"  - online-booking", "  - booking"},
		{"    - transportation", "    - transport"},
		{"developmentStatus: stable", "developmentStatus: released"},
		{`softwareType: "standalone/web"`, "softwareType: website"},
		{"type: contract", "type: commercial"},
		{"type: contract", "type: internal"},
		{"    - NL", "    - NLD"},
		{"id: alias:gdpr", "id: alias:dsgvo"},
		{"localisationReady: true", "localisationReady: yes"},
		{`releaseDate: "2024-11-05"`, `releaseDate: "5 November 2024"`},
		{`publiccodeYmlVersion: "0"`, `publiccodeYmlVersion: "2"`},
		{`publiccodeYmlVersion: "0"`, `publiccodeYmlVersion: "0.6"`},
		{`publiccodeYmlVersion: "0"`, `publiccodeYmlVersion: 0.6`},
		{`releaseDate: "2024-11-05"`, `releaseDate: ""`},
		{"roadmap:", "roadmapp:"},
		{"platforms:\n  - web\n  - android", "platforms: []"},
		{`landingURL: "https://example.org/parkeervergunning"`, `landingURL: "example.org/parkeervergunning"`},
		{`uri: "https://www.example.org"`, `uri: "www.example.org"`},
		{"  nl:\n", "  nl_NL:\n"},
	} {
		variants = append(variants, struct{ name, src string }{change.new, edit(t, string(base), change.old, change.new)})
	}
	for _, v := range variants {
		validatorSays := Valid(Check([]byte(v.src), Options{}).Findings)
		schemaSays := s.Validate(yamlToJSON(t, []byte(v.src))) == nil
		if validatorSays != schemaSays {
			t.Errorf("%s: valid to the validator: %v; to the schema: %v", v.name, validatorSays, schemaSays)
		}
	}
}

func encode(t testing.TB, n *yaml.Node) string {
	t.Helper()
	var b bytes.Buffer
	e := yaml.NewEncoder(&b)
	if err := e.Encode(n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
