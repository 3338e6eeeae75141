package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// editorValues are the editor's form values by field name. A field's name is
// its path with each list item and each language numbered:
// "legal.license", "maintenance.contacts[0].email", "description[1].features";
// a language's tag is "description[1]:lang". Lists hold one item a line.
type editorValues map[string]string

// langSuffix names the field of a language block that holds its tag.
const langSuffix = ":lang"

// maxEditorRows bounds the items of one list the form keeps.
const maxEditorRows = 200

// editorValuesFromForm reads the form's fields the tree knows; other names are
// ignored.
func editorValuesFromForm(tree editorSection, form url.Values) editorValues {
	out := editorValues{}
	kinds := map[string]fieldKind{}
	for _, f := range tree.allFields() {
		kinds[f.Path] = f.Kind
	}
	for name, vs := range form {
		g := genericName(name)
		if strings.HasSuffix(name, langSuffix) {
			out[name] = strings.TrimSpace(vs[0])
			continue
		}
		kind, ok := kinds[g]
		if !ok {
			continue
		}
		if kind == kindChoices {
			out[name] = strings.Join(vs, "\n")
		} else {
			out[name] = vs[0]
		}
	}
	return out
}

// genericName turns a field's name back into its path in the tree:
// "description[1].features" → "description.*.features",
// "maintenance.contacts[0].email" → "maintenance.contacts[].email".
func genericName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] != '[' {
			b.WriteByte(name[i])
			continue
		}
		j := strings.IndexByte(name[i:], ']')
		if j < 0 {
			b.WriteString(name[i:])
			break
		}
		b.WriteString("[]")
		i += j
	}
	return strings.Replace(b.String(), "description[]", "description.*", 1)
}

// rows lists the item numbers present under prefix ("maintenance.contacts"),
// in order.
func (v editorValues) rows(prefix string) []int {
	seen := map[int]bool{}
	for k := range v {
		rest, ok := strings.CutPrefix(k, prefix+"[")
		if !ok {
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			continue
		}
		if i, err := strconv.Atoi(rest[:end]); err == nil && i >= 0 {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	if len(out) > maxEditorRows {
		out = out[:maxEditorRows]
	}
	return out
}

// compact renumbers list items and languages from 0, dropping empty ones, so
// that the form's numbers are the YAML's.
func (s editorSection) compact(in editorValues) editorValues {
	out := editorValues{}
	s.copyInto(in, out, "", "")
	return out
}

func (s editorSection) copyInto(in, out editorValues, from, to string) bool {
	any := false
	for _, f := range s.Fields {
		if v := in[joinPath(from, f.Name)]; strings.TrimSpace(v) != "" {
			out[joinPath(to, f.Name)] = v
			any = true
		}
	}
	for _, sub := range s.Sections {
		src, dst := joinPath(from, sub.Name), joinPath(to, sub.Name)
		if !sub.Repeated && !sub.PerLanguage {
			any = sub.copyInto(in, out, src, dst) || any
			continue
		}
		n := 0
		for _, i := range in.rows(src) {
			row, into := fmt.Sprintf("%s[%d]", src, i), fmt.Sprintf("%s[%d]", dst, n)
			if sub.copyInto(in, out, row, into) {
				if sub.PerLanguage {
					out[into+langSuffix] = in[row+langSuffix]
				}
				n++
				any = true
			}
		}
	}
	return any
}

// yamlOf writes the values as a publiccode.yml, keys in the schema's order,
// empty values left out.
func (s editorSection) yamlOf(v editorValues) ([]byte, error) {
	root := s.node(v, "")
	if root == nil {
		root = &yaml.Node{Kind: yaml.MappingNode}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("editor yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("editor yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// node is the mapping of one section's values, or nil when all are empty.
func (s editorSection) node(v editorValues, at string) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, n *yaml.Node) {
		if n != nil {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, n)
		}
	}
	for _, f := range s.Fields {
		add(f.Name, f.node(v[joinPath(at, f.Name)]))
	}
	for _, sub := range s.Sections {
		p := joinPath(at, sub.Name)
		switch {
		case sub.Repeated:
			seq := &yaml.Node{Kind: yaml.SequenceNode}
			for _, i := range v.rows(p) {
				if item := sub.node(v, fmt.Sprintf("%s[%d]", p, i)); item != nil {
					seq.Content = append(seq.Content, item)
				}
			}
			if len(seq.Content) > 0 {
				add(sub.Name, seq)
			}
		case sub.PerLanguage:
			langs := &yaml.Node{Kind: yaml.MappingNode}
			for _, i := range v.rows(p) {
				row := fmt.Sprintf("%s[%d]", p, i)
				tag := strings.TrimSpace(v[row+langSuffix])
				if item := sub.node(v, row); item != nil && tag != "" {
					langs.Content = append(langs.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: tag}, item)
				}
			}
			if len(langs.Content) > 0 {
				add(sub.Name, langs)
			}
		default:
			add(sub.Name, sub.node(v, p))
		}
	}
	if len(m.Content) == 0 {
		return nil
	}
	return m
}

// node is a field's value in YAML, or nil when it is empty.
func (f editorField) node(value string) *yaml.Node {
	switch f.Kind {
	case kindList, kindChoices:
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, line := range strings.Split(value, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: line})
			}
		}
		if len(seq.Content) == 0 {
			return nil
		}
		return seq
	case kindBool:
		if value != "true" && value != "false" {
			return nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: value}
	}
	value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
	if value == "" {
		return nil
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	if strings.Contains(value, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// editorValuesOf fills the form from a file the reader read (with its limits:
// size, depth, aliases), through the normalised model, so that deprecated keys
// arrive under their replacements. It also says which keys the file wrote that
// the editor does not write.
func editorValuesOf(tree editorSection, d *publiccode.Document) (editorValues, []string, error) {
	out := editorValues{}
	if d.File == nil {
		return out, nil, nil
	}
	raw, err := json.Marshal(d.File)
	if err != nil {
		return nil, nil, fmt.Errorf("editor values: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, nil, fmt.Errorf("editor values: %w", err)
	}
	tree.flatten(doc, "", d.File.Languages, out)
	return out, leftOut(tree, d), nil
}

func (s editorSection) flatten(doc map[string]any, at string, langs []string, out editorValues) {
	for _, f := range s.Fields {
		if text := valueText(doc[f.Name]); text != "" {
			out[joinPath(at, f.Name)] = text
		}
	}
	for _, sub := range s.Sections {
		p := joinPath(at, sub.Name)
		switch {
		case sub.Repeated:
			items, _ := doc[sub.Name].([]any)
			for i, it := range items {
				if m, ok := it.(map[string]any); ok {
					sub.flatten(m, fmt.Sprintf("%s[%d]", p, i), langs, out)
				}
			}
		case sub.PerLanguage:
			m, _ := doc[sub.Name].(map[string]any)
			for i, tag := range languageOrder(m, langs) {
				row := fmt.Sprintf("%s[%d]", p, i)
				out[row+langSuffix] = tag
				if entry, ok := m[tag].(map[string]any); ok {
					sub.flatten(entry, row, langs, out)
				}
			}
		default:
			if m, ok := doc[sub.Name].(map[string]any); ok {
				sub.flatten(m, p, langs, out)
			}
		}
	}
}

// languageOrder lists m's keys in the file's order, then any others sorted.
func languageOrder(m map[string]any, order []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range order {
		if _, ok := m[l]; ok && !seen[l] {
			out, seen[l] = append(out, l), true
		}
	}
	var rest []string
	for l := range m {
		if !seen[l] {
			rest = append(rest, l)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func valueText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		lines := make([]string, 0, len(v))
		for _, x := range v {
			if t := valueText(x); t != "" {
				lines = append(lines, strings.ReplaceAll(t, "\n", " "))
			}
		}
		return strings.Join(lines, "\n")
	}
	return ""
}

// leftOut lists the keys a file wrote that the editor has no field for
// (deprecated keys whose value has no replacement, unknown keys), so that the
// page can say they will not be in what it writes.
func leftOut(tree editorSection, d *publiccode.Document) []string {
	known := map[string]bool{}
	var walk func(s editorSection)
	walk = func(s editorSection) {
		known[s.Path] = true
		known[strings.TrimSuffix(strings.TrimSuffix(s.Path, "[]"), ".*")] = true
		for _, f := range s.Fields {
			known[f.Path] = true
		}
		for _, sub := range s.Sections {
			walk(sub)
		}
	}
	walk(tree)
	var out []string
	for key := range d.Present {
		g := schemaPathOfKey(key)
		if !known[g] && !known[strings.TrimSuffix(g, "[]")] {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

// schemaPathOfKey turns a finding's or the reader's key path
// ("description.en.features[2]", "maintenance.contacts[0].email") into the
// tree's ("description.*.features[]", "maintenance.contacts[].email").
func schemaPathOfKey(key string) string {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		if j := strings.IndexByte(p, '['); j >= 0 {
			parts[i] = p[:j] + "[]"
		}
		if i == 1 && parts[0] == "description" {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, ".")
}
