package publiccode

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// reader walks the YAML tree along the schema, filling a File, recording where
// each key stood, and reporting what does not fit the schema. It is lenient: a
// value of a near-miss shape (one scalar where a list belongs, `yes` for true) is
// still read, so that listing does not hinge on it, and reported all the same.
type reader struct {
	doc *Document
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// finding records a finding at the position of key, or of node when the key has
// none yet.
func (r *reader) finding(sev Severity, code, key string, n *yaml.Node, msgID string, args ...argument) {
	p, ok := r.doc.Positions[key]
	if !ok && n != nil {
		p = Pos{n.Line, n.Column}
	}
	r.doc.Findings = append(r.doc.Findings, newFinding(sev, code, key, p, msgID, args...))
}

// findingAt records a finding at the position of node n.
func (r *reader) findingAt(sev Severity, code, key string, n *yaml.Node, msgID string, args ...argument) {
	r.doc.Findings = append(r.doc.Findings, newFinding(sev, code, key, Pos{n.Line, n.Column}, msgID, args...))
}

// misshapen reports a value of the wrong shape and remembers the key, so that the
// validator does not report it again as missing or invalid.
func (r *reader) misshapen(key string, n *yaml.Node, msgID string) {
	r.doc.markReported(key)
	r.finding(SeverityError, "wrong-type", key, n, msgID, arg("name", lastKey(key)))
}

// fields walks a mapping described by spec: it records each key's position,
// reports duplicate, unknown, deprecated and misshapen keys, and calls fn for
// every known key whose value can be read. In a language map every key is a
// language, and fn is called with the spec of the mapping under it.
func (r *reader) fields(spec *keySpec, prefix string, n *yaml.Node, fn func(k *keySpec, path string, v *yaml.Node)) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		path := join(prefix, k.Value)
		if first, dup := r.doc.Positions[path]; dup {
			r.findingAt(SeverityError, "duplicate-key", path, k, "duplicate-key",
				arg("name", k.Value), arg("line", strconv.Itoa(first.Line)))
			continue
		}
		r.doc.Positions[path] = Pos{k.Line, k.Column}
		r.doc.Present[path] = true
		if isNull(v) {
			if r.doc.empty == nil {
				r.doc.empty = map[string]bool{}
			}
			r.doc.empty[path] = true
		}
		c := spec.child(k.Value)
		if spec.shape == shapeLangMap {
			if c != nil {
				// description: {shortDescription: …}, without the language level.
				r.doc.markReported(path)
				r.finding(SeverityError, "wrong-type", path, k, "wrong-type.language-level", arg("name", k.Value))
				continue
			}
			c = spec.entry
		}
		if c == nil || k.Kind != yaml.ScalarNode {
			r.unknown(spec, path, k)
			continue
		}
		if c.replacedBy != "" || c.drop {
			r.deprecated(c, path, v)
		}
		if r.shapeFits(c, path, v) {
			fn(c, path, v)
		}
	}
}

// shapeFits checks v against the shape k expects, reports a mismatch, and says
// whether v can still be read.
func (r *reader) shapeFits(k *keySpec, path string, v *yaml.Node) bool {
	if isNull(v) {
		return true
	}
	switch k.shape {
	case shapeText:
		if v.Kind != yaml.ScalarNode {
			r.misshapen(path, v, "wrong-type.text")
			return false
		}
	case shapeBool:
		quoted := v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!bool":
		case v.Kind == yaml.ScalarNode && !quoted && yaml11Bool(v.Value) != "":
			// yes, on, y: booleans to YAML 1.1, text to YAML 1.2.
			r.doc.markReported(path)
			r.finding(SeverityError, "yaml11-boolean", path, v, "yaml11-boolean",
				arg("name", lastKey(path)), arg("value", v.Value), arg("suggestion", yaml11Bool(v.Value)))
		case v.Kind == yaml.ScalarNode && yaml11Bool(v.Value) != "":
			r.misshapen(path, v, "wrong-type.boolean") // "true", quoted: still read
		default:
			r.misshapen(path, v, "wrong-type.boolean")
			return false
		}
	case shapeTextList:
		switch v.Kind {
		case yaml.SequenceNode:
		case yaml.ScalarNode:
			r.misshapen(path, v, "wrong-type.list")
			return true
		default:
			r.misshapen(path, v, "wrong-type.list")
			return false
		}
	case shapeTextOrList:
		if v.Kind != yaml.ScalarNode && v.Kind != yaml.SequenceNode {
			r.misshapen(path, v, "wrong-type.text-or-list")
			return false
		}
	case shapeMap, shapeBoolMap, shapeLangMap:
		if v.Kind != yaml.MappingNode {
			r.misshapen(path, v, "wrong-type.mapping")
			return false
		}
	case shapeMapList:
		if v.Kind != yaml.SequenceNode {
			r.misshapen(path, v, "wrong-type.mapping-list")
			return false
		}
	}
	return true
}

func (d *Document) markReported(key string) {
	if d.reported == nil {
		d.reported = map[string]bool{}
	}
	d.reported[key] = true
}

// yaml11Bool returns "true" or "false" for the words YAML 1.1 read as booleans
// (yes, no, on, off, y, n, in any case, and true/false themselves), or "".
func yaml11Bool(s string) string {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "on":
		return "true"
	case "false", "no", "n", "off":
		return "false"
	}
	return ""
}

// deprecated warns about a deprecated key that the file wrote.
func (r *reader) deprecated(k *keySpec, path string, v *yaml.Node) {
	if k.drop {
		r.finding(SeverityWarning, "deprecated-key", path, nil, "deprecated-key.drop", arg("name", path))
		return
	}
	replacement := k.replacedBy
	if k.name == "codiceIPA" && v.Kind == yaml.ScalarNode && v.Value != "" {
		replacement = "organisation.uri: urn:x-italian-pa:" + v.Value
	}
	r.finding(SeverityWarning, "deprecated-key", path, nil, "deprecated-key", arg("name", path), arg("replacement", replacement))
}

// text reads a scalar as text. Whatever YAML typed it as (a number, a date, a
// boolean), the text as written is kept.
func text(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return ""
	}
	return n.Value
}

// boolean reads true or false, understanding YAML 1.1's spellings (yes, on).
func boolean(n *yaml.Node) *bool {
	if n.Kind != yaml.ScalarNode {
		return nil
	}
	switch yaml11Bool(n.Value) {
	case "true":
		t := true
		return &t
	case "false":
		f := false
		return &f
	}
	return nil
}

// list reads a list of scalars, recording each item's position. A lone scalar is
// read as a one-item list (shapeFits has reported it).
func (r *reader) list(path string, n *yaml.Node) []string {
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		return []string{n.Value}
	case n.Kind != yaml.SequenceNode:
		return nil
	}
	out := make([]string, 0, len(n.Content))
	var kept []int
	for i, c := range n.Content {
		c = deref(c)
		ip := index(path, i)
		r.doc.Positions[ip] = Pos{c.Line, c.Column}
		if c.Kind != yaml.ScalarNode {
			r.misshapen(ip, c, "wrong-type.text")
			kept = skip(kept, i)
			continue
		}
		if s := text(c); s != "" {
			out = append(out, s)
			kept = keep(kept, i)
		} else {
			kept = skip(kept, i)
		}
	}
	r.keptItems(path, kept)
	return out
}

// keptItems records which of a list's items its File slice holds, when it
// does not hold them all.
func (r *reader) keptItems(path string, kept []int) {
	if kept == nil {
		return
	}
	if r.doc.items == nil {
		r.doc.items = map[string][]int{}
	}
	r.doc.items[path] = kept
}

// skip notes that item i of a list was left out of the File's slice: from then
// on the file's index of each value kept is recorded (see Document.items).
func skip(kept []int, i int) []int {
	if kept != nil {
		return kept
	}
	kept = make([]int, i, i+4) // items 0 to i-1 were all kept
	for j := range kept {
		kept[j] = j
	}
	return kept
}

// keep records the file's index of a value kept, once something was skipped.
func keep(kept []int, i int) []int {
	if kept != nil {
		kept = append(kept, i)
	}
	return kept
}

// items calls fn for each mapping in a list of mappings, recording each item's
// position and reporting items that are not mappings.
func (r *reader) items(path string, n *yaml.Node, fn func(path string, v *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		return
	}
	var kept []int
	for i, c := range n.Content {
		c = deref(c)
		ip := index(path, i)
		r.doc.Positions[ip] = Pos{c.Line, c.Column}
		if c.Kind != yaml.MappingNode {
			if !isNull(c) {
				r.misshapen(ip, c, "wrong-type.mapping")
			}
			kept = skip(kept, i)
			continue
		}
		kept = keep(kept, i)
		fn(ip, c)
	}
	r.keptItems(path, kept)
}

func lastKey(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	if i := strings.IndexByte(key, '['); i > 0 {
		key = key[:i]
	}
	return key
}
