package publiccode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits bound the work done on one file, so that a hostile file costs a finding,
// not the crawler's memory. The zero value means the defaults.
type Limits struct {
	// MaxBytes is the largest file read (default 1 MiB; real files are under 20 KiB).
	MaxBytes int
	// MaxNodes caps the YAML nodes visited, counting every expansion of an alias
	// (default 100,000), which defeats "billion laughs" files.
	MaxNodes int
}

const (
	defaultMaxBytes = 1 << 20
	defaultMaxNodes = 100_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = defaultMaxBytes
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = defaultMaxNodes
	}
	return l
}

// Pos is a 1-based line and column in the file.
type Pos struct{ Line, Column int }

// Document is what reading a file produced: the normalised model, where each key
// stood, and the findings the reader itself made (syntax, types). A nil File means
// nothing could be read.
type Document struct {
	File     *File
	Findings []Finding
	// Positions maps key paths ("description.en.features[2]") to where the key was.
	Positions map[string]Pos
	// Present records which key paths the file wrote, even with an empty value.
	Present map[string]bool
}

// Pos returns where key stood, falling back to its nearest written parent, then to
// the start of the file.
func (d *Document) Pos(key string) Pos {
	for k := key; k != ""; k = parentKey(k) {
		if p, ok := d.Positions[k]; ok {
			return p
		}
	}
	return Pos{}
}

func parentKey(k string) string {
	if strings.HasSuffix(k, "]") {
		if i := strings.LastIndexByte(k, '['); i >= 0 {
			return k[:i]
		}
	}
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i]
	}
	return ""
}

var errBudget = errors.New("too many YAML nodes")

// Read parses data as a publiccode.yml. It never fails: what it cannot read becomes
// a finding, and the File holds whatever could be read.
func Read(data []byte, lim Limits) *Document {
	lim = lim.withDefaults()
	d := &Document{Positions: map[string]Pos{}, Present: map[string]bool{}}
	fail := func(code, msg string, line int) *Document {
		d.Findings = append(d.Findings, Finding{Severity: SeverityError, Code: code, Line: line, Column: min(line, 1), Message: msg})
		return d
	}
	if len(data) > lim.MaxBytes {
		return fail("too-large", fmt.Sprintf("the file is %d bytes; at most %d are read: a publiccode.yml is usually under 20 KB", len(data), lim.MaxBytes), 0)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, 0) >= 0 {
		return fail("binary", "the file contains NUL bytes: it is not a text file", 0)
	}
	if !utf8.Valid(data) {
		return fail("not-utf8", "the file is not valid UTF-8: save it as UTF-8", 0)
	}
	if len(bytes.TrimSpace(stripComments(data))) == 0 {
		return fail("empty", "the file is empty: write at least publiccodeYmlVersion and name", 0)
	}

	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		line, msg := yamlError(err)
		return fail("yaml-syntax", "the file is not valid YAML: "+msg, line)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.Findings = append(d.Findings, Finding{Severity: SeverityError, Code: "multiple-documents", Line: extra.Line, Column: 1,
			Message: "the file holds several YAML documents (separated by ---); only the first is read: keep one"})
	} else if !errors.Is(err, io.EOF) {
		line, msg := yamlError(err)
		d.Findings = append(d.Findings, Finding{Severity: SeverityError, Code: "yaml-syntax", Line: line, Column: min(line, 1),
			Message: "the file is not valid YAML after its first document: " + msg})
	}

	top := &root
	if top.Kind == yaml.DocumentNode && len(top.Content) > 0 {
		top = top.Content[0]
	}
	r := &reader{doc: d, budget: lim.MaxNodes}
	top, err := r.resolve(top)
	if err != nil || top.Kind != yaml.MappingNode {
		return fail("not-a-mapping", "the file must be a YAML mapping of keys (name: …, url: …) at its top level", top.Line)
	}
	f := &File{}
	if err := r.readFile(top, f); err != nil {
		d.Findings = append(d.Findings, Finding{Severity: SeverityError, Code: "too-complex",
			Message: fmt.Sprintf("the file expands to more than %d YAML nodes (aliases included): it is not a plausible publiccode.yml", lim.MaxNodes)})
		return d
	}
	normalise(f)
	d.File = f
	return d
}

// normalise maps deprecated keys onto their replacements.
func normalise(f *File) {
	if f.Organisation.URI == "" && f.IT != nil && f.IT.Riuso != nil && f.IT.Riuso.CodiceIPA != "" {
		f.Organisation.URI = "urn:x-italian-pa:" + f.IT.Riuso.CodiceIPA
	}
}

// stripComments drops comment-only lines, so that a file of comments counts as empty.
func stripComments(data []byte) []byte {
	var out []byte
	for line := range bytes.Lines(data) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
		}
	}
	return out
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(err error) (int, string) {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		hint := m[2]
		if strings.Contains(hint, "found character that cannot start any token") || strings.Contains(hint, "found a tab") {
			hint += " (tabs are not allowed for indentation in YAML: use spaces)"
		}
		return n, hint
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// reader walks the YAML tree, filling a File and recording positions and findings.
type reader struct {
	doc    *Document
	budget int
}

func (r *reader) resolve(n *yaml.Node) (*yaml.Node, error) {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
		r.budget--
	}
	r.budget--
	if r.budget < 0 {
		return nil, errBudget
	}
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, nil
	}
	return n, nil
}

func (r *reader) finding(sev Severity, code, key string, n *yaml.Node, msg string) {
	f := Finding{Severity: sev, Code: code, Key: key, Message: msg}
	if p, ok := r.doc.Positions[key]; ok {
		f.Line, f.Column = p.Line, p.Column
	} else if n != nil {
		f.Line, f.Column = n.Line, n.Column
	}
	r.doc.Findings = append(r.doc.Findings, f)
}

func (r *reader) wrongType(key string, n *yaml.Node, want string) {
	r.finding(SeverityError, "wrong-type", key, n, fmt.Sprintf("%s must be %s, not %s", lastKey(key), want, describe(n)))
}

func lastKey(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return "a single value"
	}
	return "something else"
}

// fields calls fn for each key of a mapping node, recording each key's position
// under prefix.
func (r *reader) fields(prefix string, n *yaml.Node, fn func(key, path string, v *yaml.Node) error) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := r.resolve(n.Content[i])
		if err != nil {
			return err
		}
		v, err := r.resolve(n.Content[i+1])
		if err != nil {
			return err
		}
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		if _, dup := r.doc.Positions[path]; !dup {
			r.doc.Positions[path] = Pos{k.Line, k.Column}
		}
		r.doc.Present[path] = true
		if err := fn(k.Value, path, v); err != nil {
			return err
		}
	}
	return nil
}

// mapping returns n when it is a mapping, else records a type finding.
func (r *reader) mapping(path string, n *yaml.Node) bool {
	if n.Kind == yaml.MappingNode {
		return true
	}
	if !isNull(n) {
		r.wrongType(path, n, "a mapping of keys")
	}
	return false
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" && (n.Value == "" || n.Value == "~" || n.Value == "null"))
}

// str reads a scalar as text. Whatever YAML typed it as (a number, a date, a
// boolean), the text as written is kept.
func (r *reader) str(path string, n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		if isNull(n) {
			return ""
		}
		return n.Value
	}
	r.wrongType(path, n, "a single value")
	return ""
}

// list reads a sequence of scalars. A lone scalar where a list is expected is read
// as a one-element list, with a finding.
func (r *reader) list(path string, n *yaml.Node) ([]string, error) {
	switch {
	case isNull(n):
		return nil, nil
	case n.Kind == yaml.ScalarNode:
		r.wrongType(path, n, "a list")
		return []string{n.Value}, nil
	case n.Kind != yaml.SequenceNode:
		r.wrongType(path, n, "a list")
		return nil, nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		c, err := r.resolve(c)
		if err != nil {
			return nil, err
		}
		ip := fmt.Sprintf("%s[%d]", path, i)
		r.doc.Positions[ip] = Pos{c.Line, c.Column}
		if s := r.str(ip, c); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// items calls fn for each element of a sequence.
func (r *reader) items(path string, n *yaml.Node, fn func(path string, v *yaml.Node) error) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.wrongType(path, n, "a list")
		return nil
	}
	for i, c := range n.Content {
		c, err := r.resolve(c)
		if err != nil {
			return err
		}
		ip := fmt.Sprintf("%s[%d]", path, i)
		r.doc.Positions[ip] = Pos{c.Line, c.Column}
		if err := fn(ip, c); err != nil {
			return err
		}
	}
	return nil
}

// boolean reads true/false. YAML 1.1 spellings (yes, no, on, off) are understood,
// so that listing does not depend on them; the validator reports them.
func (r *reader) boolean(path string, n *yaml.Node) *bool {
	if isNull(n) {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "true", "yes", "y", "on":
			t := true
			return &t
		case "false", "no", "n", "off":
			f := false
			return &f
		}
	}
	r.wrongType(path, n, "true or false")
	return nil
}
