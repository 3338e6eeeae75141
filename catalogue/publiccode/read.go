package publiccode

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits bound the work done on one file, so that a hostile file costs one
// finding, not the crawler's memory or time. The zero value means the defaults.
type Limits struct {
	// MaxBytes is the largest file read (default 1 MiB; real files are under 20 KiB).
	MaxBytes int
	// MaxNodes caps the YAML nodes a file may expand to, counting every expansion
	// of an alias (default 100,000), which defeats "billion laughs" files.
	MaxNodes int
	// MaxDepth caps how deeply the file nests (default 64; the standard nests 5
	// levels). It is checked on the raw text before the YAML parser, which would
	// otherwise recurse as deep as the file asks.
	MaxDepth int
}

// Default limits.
const (
	DefaultMaxBytes = 1 << 20
	DefaultMaxNodes = 100_000
	DefaultMaxDepth = 64
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// Pos is a 1-based line and column in the file.
type Pos struct{ Line, Column int }

// Document is what reading a file produced: the normalised model, where each key
// stood, and the findings the reader itself made (the file's encoding and syntax,
// the shape of each value, unknown and deprecated keys). A nil File means nothing
// could be read.
type Document struct {
	File     *File
	Findings []Finding
	// Positions maps key paths ("description.en.features[2]") to where the key was.
	Positions map[string]Pos
	// Present records which key paths the file wrote, even with an empty value.
	Present map[string]bool
	// empty records the keys written with no value (`key:`), which the rules
	// treat as absent.
	empty map[string]bool
	// items maps a list whose File slice skipped some of the file's items (a
	// mapping among texts, an empty item) to the file's index of each value.
	items map[string][]int

	// root is where the top-level mapping starts: where a missing top-level key
	// is reported.
	root Pos
	// reported records the keys the reader has reported already (a value of the
	// wrong shape, a misspelling of the key), so that the validator neither calls
	// them missing nor checks their values: one problem, one finding.
	reported map[string]bool
	// versionTag is the YAML tag of publiccodeYmlVersion ("!!str", "!!float").
	versionTag string
	// draft is the value of a pre-0.1 draft's `version` key, when the file has
	// one and no publiccodeYmlVersion.
	draft string
}

// Pos returns where key stood, falling back to its nearest written parent, then
// to the start of the top-level mapping.
func (d *Document) Pos(key string) Pos {
	for k := key; k != ""; k = parentKey(k) {
		if p, ok := d.Positions[k]; ok {
			return p
		}
	}
	return d.root
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

// Read parses data as a publiccode.yml. It never fails: what it cannot read
// becomes a finding, and the File holds whatever could be read. Input that is not
// a plausible publiccode.yml at all (too large, binary, not UTF-8, empty, not
// YAML, nested or aliased beyond the limits) gets exactly one finding and no File;
// a file of several YAML documents gets one finding, and its first document read.
func Read(data []byte, lim Limits) *Document {
	lim = lim.withDefaults()
	d := &Document{}
	if f := precheck(data, lim); f != nil {
		d.Findings = []Finding{*f}
		return d
	}
	data = bytes.TrimPrefix(data, utf8BOM)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		line, detail := yamlError(err)
		line = problemLine(data, line, detail)
		d.Findings = []Finding{fileFinding(SeverityError, "yaml-syntax", line, "yaml-syntax", arg("detail", detail))}
		return d
	}
	// A second document is reported, and the first still read: it is usually
	// the whole publiccode.yml, followed by a stray `---` and something else.
	extra := secondDocument(dec)

	top := &root
	if top.Kind == yaml.DocumentNode && len(top.Content) > 0 {
		top = deref(top.Content[0])
	}
	switch {
	case isNull(top):
		d.Findings = []Finding{fileFinding(SeverityError, "empty", 0, "empty")}
		return d
	case top.Kind != yaml.MappingNode:
		d.Findings = []Finding{fileFinding(SeverityError, "not-a-mapping", top.Line, "not-a-mapping")}
		return d
	}
	// Without an anchor (&name) there is no alias, and nodes need no memo.
	if expandsBeyond(top, lim.MaxNodes, bytes.IndexByte(data, '&') >= 0) {
		d.Findings = []Finding{fileFinding(SeverityError, "too-complex", 0, "too-complex", arg("limit", strconv.Itoa(lim.MaxNodes)))}
		return d
	}

	if extra != nil {
		d.Findings = append(d.Findings, *extra)
	}
	d.Positions = make(map[string]Pos, 64)
	d.Present = make(map[string]bool, 64)
	d.root = Pos{top.Line, top.Column}
	f := &File{}
	r := &reader{doc: d}
	r.readFile(top, f)
	normalise(f)
	d.File = f
	return d
}

var utf8BOM = []byte("\xef\xbb\xbf")

// secondDocument reports a second YAML document after the first, which the
// standard does not allow. A lone `---` or a trailing comment after the first
// document is no document.
func secondDocument(dec *yaml.Decoder) *Finding {
	for {
		var extra yaml.Node
		err := dec.Decode(&extra)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			line, detail := yamlError(err)
			f := fileFinding(SeverityError, "yaml-syntax", line, "yaml-syntax", arg("detail", detail))
			return &f
		case len(extra.Content) == 0 || (extra.Content[0].Kind == yaml.ScalarNode && extra.Content[0].Tag == "!!null"):
			continue // an empty document: look further, without recursing
		}
		f := fileFinding(SeverityError, "multiple-documents", extra.Line, "multiple-documents", arg("line", strconv.Itoa(extra.Line)))
		return &f
	}
}

// expandsBeyond reports whether the tree under n, with every alias expanded,
// has more than limit nodes. With aliases, sizes are memoised per node, so the
// count costs one visit of each node however often it is aliased.
func expandsBeyond(n *yaml.Node, limit int, aliases bool) bool {
	if !aliases {
		count := 0
		var walk func(n *yaml.Node) bool
		walk = func(n *yaml.Node) bool {
			if count++; count > limit {
				return true
			}
			for _, c := range n.Content {
				if walk(c) {
					return true
				}
			}
			return false
		}
		return walk(n)
	}
	sizes := map[*yaml.Node]int{}
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if n == nil {
			return 0
		}
		if n.Kind == yaml.AliasNode {
			n = n.Alias
			if n == nil {
				return 1
			}
		}
		if s, ok := sizes[n]; ok {
			return s
		}
		sizes[n] = limit + 1 // an alias to itself, or to an ancestor, is infinite
		s := 1
		for _, c := range n.Content {
			if s += size(c); s > limit {
				break
			}
		}
		sizes[n] = s
		return s
	}
	return size(n) > limit
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError extracts the line and the parser's explanation from a yaml.v3 error.
func yamlError(err error) (int, string) {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, m[2] + yamlHint(m[2])
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return 0, msg + yamlHint(msg)
}

// yamlHints explain the YAML parser's commonest complaints in terms of what to
// change in the file.
var yamlHints = []struct{ problem, hint string }{
	{"found character that cannot start any token", "YAML does not allow tabs for indentation: use spaces"},
	{"found a tab", "YAML does not allow tabs for indentation: use spaces"},
	{"did not find expected key", "check this line's indentation: a key must line up with the keys beside it"},
	{"did not find expected '-' indicator", "check this list's indentation: each item starts with `- `, lined up with the others"},
	{"could not find expected ':'", "a line of text stands where a key was expected: indent it under its key, or add the missing `:`"},
	{"mapping values are not allowed in this context", "a value contains `: `, or a key is indented under a value: put the value in quotes, or fix the indentation"},
	{"found unexpected end of stream", "a quote or a bracket is not closed"},
}

func yamlHint(problem string) string {
	for _, h := range yamlHints {
		if strings.Contains(problem, h.problem) {
			return " (" + h.hint + ")"
		}
	}
	return ""
}

// problemLine finds the line a YAML parser error is about. For errors in block
// structure ("did not find expected key") yaml.v3 names the line where the
// enclosing block starts, which can be dozens of lines above the line to fix.
// The first prefix of the file that fails with the same error ends on that line;
// prefixes fail with it from that line on, so a binary search finds it.
func problemLine(data []byte, line int, detail string) int {
	if line <= 0 || !strings.Contains(detail, "did not find expected") {
		return line
	}
	var ends []int // ends[i] is the offset just past line i+1
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	ends = append(ends, len(data))
	fails := func(lines int) bool {
		var n yaml.Node
		err := yaml.Unmarshal(data[:ends[lines-1]], &n)
		if err == nil {
			return false
		}
		l, d := yamlError(err)
		return l == line && d == detail
	}
	lo, hi := line, len(ends) // fails(hi) holds: it is the whole file
	if !fails(hi) {
		return line
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
