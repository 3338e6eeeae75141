package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/oscat-eu/oscat/schemas"
)

// fieldKind is how the editor asks for a key's value.
type fieldKind string

const (
	kindText    fieldKind = "text"    // one line
	kindLong    fieldKind = "long"    // several lines of text (longDescription)
	kindBool    fieldKind = "bool"    // yes, no or unset
	kindChoice  fieldKind = "choice"  // one of the standard's values
	kindList    fieldKind = "list"    // texts, one a line
	kindChoices fieldKind = "choices" // any of the standard's values
)

// editorField is one key of the standard the editor writes: a value, never a
// mapping.
type editorField struct {
	// Path is the key in the schema's terms: "legal.license",
	// "description.*.features" ("*" a language tag),
	// "maintenance.contacts[].email" ("[]" an item of a list).
	Path     string
	Name     string
	Kind     fieldKind
	Choices  []string
	Required bool
}

// editorSection is a mapping of keys: the file's top level, an object
// ("legal"), the item of a list of objects ("maintenance.contacts[]") or a
// language's description ("description.*").
type editorSection struct {
	Path     string
	Name     string
	Fields   []editorField
	Sections []editorSection
	// Repeated marks a list of objects, PerLanguage a mapping from language
	// tags: the form shows one block per item, and one more to add.
	Repeated, PerLanguage bool
	Required              bool
}

// schemaNode is the part of a JSON Schema the editor reads.
type schemaNode struct {
	Ref                  string          `json:"$ref"`
	Type                 any             `json:"type"`
	Enum                 []any           `json:"enum"`
	AnyOf                []schemaNode    `json:"anyOf"`
	Items                *schemaNode     `json:"items"`
	Properties           json.RawMessage `json:"properties"`
	AdditionalProperties json.RawMessage `json:"additionalProperties"`
	Required             []string        `json:"required"`
	Deprecated           bool            `json:"deprecated"`
	MinLength            int             `json:"minLength"`
	MaxLength            int             `json:"maxLength"`
}

// editorSchema is the form's tree, read from schemas/publiccode.schema.json:
// every key of the standard 0.7 that is not deprecated, in the schema's order.
// Reading it from the schema, which a test keeps in agreement with the
// validator's key table, means a key the standard gains shows in the editor
// without a hand list to update.
func editorSchema() (editorSection, error) {
	raw, err := schemas.Read("publiccode.schema.json")
	if err != nil {
		return editorSection{}, fmt.Errorf("editor schema: %w", err)
	}
	var doc struct {
		schemaNode
		Defs map[string]schemaNode `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return editorSection{}, fmt.Errorf("editor schema: %w", err)
	}
	w := schemaWalker{defs: doc.Defs}
	return w.section("", "", doc.schemaNode)
}

type schemaWalker struct{ defs map[string]schemaNode }

// resolve follows $ref and drops the null alternative of anyOf, so that what
// is left says what the key holds.
func (w schemaWalker) resolve(n schemaNode) schemaNode {
	for range 8 {
		switch {
		case n.Ref != "":
			d, ok := w.defs[strings.TrimPrefix(n.Ref, "#/$defs/")]
			if !ok {
				return n
			}
			n = d
		case len(n.AnyOf) > 0 && n.Properties == nil && n.Enum == nil && n.Type == nil:
			alts := make([]schemaNode, 0, len(n.AnyOf))
			for _, a := range n.AnyOf {
				if !schemaHasType(a, "null") || len(a.AnyOf) > 0 || a.Ref != "" {
					alts = append(alts, a)
				}
			}
			if len(alts) != 1 {
				return n
			}
			n = alts[0]
		default:
			return n
		}
	}
	return n
}

func schemaHasType(n schemaNode, t string) bool {
	switch v := n.Type.(type) {
	case string:
		return v == t
	case []any:
		for _, x := range v {
			if x == t {
				return true
			}
		}
	}
	return false
}

// section reads an object's properties, in the schema's order.
func (w schemaWalker) section(path, name string, n schemaNode) (editorSection, error) {
	sec := editorSection{Path: path, Name: name}
	names, props, err := orderedProperties(n.Properties)
	if err != nil {
		return sec, fmt.Errorf("editor schema %s: %w", path, err)
	}
	for _, key := range names {
		p := props[key]
		if p.Deprecated {
			continue
		}
		required := contains(n.Required, key)
		kp := joinPath(path, key)
		r := w.resolve(p)
		switch {
		case r.Properties != nil:
			sub, err := w.section(kp, key, r)
			if err != nil {
				return sec, err
			}
			sub.Required = required
			if len(sub.Fields) > 0 || len(sub.Sections) > 0 {
				sec.Sections = append(sec.Sections, sub)
			}
		case len(r.AdditionalProperties) > 0 && string(r.AdditionalProperties) != "false":
			var item schemaNode
			if err := json.Unmarshal(r.AdditionalProperties, &item); err != nil {
				return sec, fmt.Errorf("editor schema %s: %w", kp, err)
			}
			sub, err := w.section(kp+".*", key, w.resolve(item))
			if err != nil {
				return sec, err
			}
			sub.PerLanguage, sub.Required = true, required
			sec.Sections = append(sec.Sections, sub)
		case r.Items != nil && w.resolve(*r.Items).Properties != nil:
			sub, err := w.section(kp+"[]", key, w.resolve(*r.Items))
			if err != nil {
				return sec, err
			}
			sub.Repeated, sub.Required = true, required
			sec.Sections = append(sec.Sections, sub)
		default:
			sec.Fields = append(sec.Fields, w.field(kp, key, r, required))
		}
	}
	return sec, nil
}

// field says how to ask for a value.
func (w schemaWalker) field(path, name string, n schemaNode, required bool) editorField {
	f := editorField{Path: path, Name: name, Kind: kindText, Required: required}
	switch {
	case schemaHasType(n, "boolean"):
		f.Kind = kindBool
	case n.Items != nil || w.listAlternative(n):
		f.Kind = kindList
		if n.Items == nil {
			break
		}
		if choices := w.choices(*n.Items); choices != nil {
			f.Kind, f.Choices = kindChoices, choices
		}
	case n.Enum != nil || len(n.AnyOf) > 0:
		f.Choices = w.choices(n)
		if f.Choices != nil {
			f.Kind = kindChoice
		}
	case n.MinLength > 1 || n.MaxLength > 1000:
		f.Kind = kindLong
	}
	return f
}

// listAlternative reports whether one of n's alternatives is a list, as for
// isBasedOn (a URL or a list of them): the editor always writes the list.
func (w schemaWalker) listAlternative(n schemaNode) bool {
	for _, a := range n.AnyOf {
		if w.resolve(a).Items != nil {
			return true
		}
	}
	return false
}

// choices are the texts an enum allows, when it allows nothing else; the
// first alternative of an anyOf of enums (the version "0" rather than 0).
func (w schemaWalker) choices(n schemaNode) []string {
	n = w.resolve(n)
	if len(n.AnyOf) > 0 {
		first := w.resolve(n.AnyOf[0])
		for _, a := range n.AnyOf[1:] {
			if a := w.resolve(a); a.Enum == nil {
				return nil // another value is allowed too: a text field says so
			}
		}
		n = first
	}
	var out []string
	for _, v := range n.Enum {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// orderedProperties decodes a "properties" object keeping its keys' order.
func orderedProperties(raw json.RawMessage) ([]string, map[string]schemaNode, error) {
	if len(raw) == 0 {
		return nil, nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	var names []string
	props := map[string]schemaNode{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := t.(string)
		var n schemaNode
		if err := dec.Decode(&n); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", key, err)
		}
		names, props[key] = append(names, key), n
	}
	return names, props, nil
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// allFields lists every field of the tree, depth first.
func (s editorSection) allFields() []editorField {
	out := append([]editorField(nil), s.Fields...)
	for _, sub := range s.Sections {
		out = append(out, sub.allFields()...)
	}
	return out
}
