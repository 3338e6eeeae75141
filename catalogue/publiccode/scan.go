package publiccode

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// precheck looks at the raw bytes before any YAML parsing and returns the one
// finding for input that is not a plausible publiccode.yml, or nil.
func precheck(data []byte, lim Limits) *Finding {
	var f Finding
	switch {
	case len(data) > lim.MaxBytes:
		// Only the limit is named: a reader that stopped at it knows no more.
		f = fileFinding(SeverityError, "too-large", 0, "too-large", arg("limit", strconv.Itoa(lim.MaxBytes)))
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		f = fileFinding(SeverityError, "not-utf8", 0, "not-utf8.utf16")
	case bytes.IndexByte(data, 0) >= 0:
		f = fileFinding(SeverityError, "binary", 0, "binary")
	case !utf8.Valid(data):
		line := invalidUTF8Line(data)
		f = fileFinding(SeverityError, "not-utf8", line, "not-utf8", arg("line", strconv.Itoa(line)))
	case blank(data):
		f = fileFinding(SeverityError, "empty", 0, "empty")
	default:
		if depth := nesting(data); depth > lim.MaxDepth {
			f = fileFinding(SeverityError, "too-deep", 0, "too-deep", arg("limit", strconv.Itoa(lim.MaxDepth)))
		} else if n := valueBound(data); n > lim.MaxNodes/valuesPerMark {
			f = fileFinding(SeverityError, "too-complex", 0, "too-many-values", arg("limit", strconv.Itoa(lim.MaxNodes)))
		} else {
			return nil
		}
	}
	return &f
}

// valuesPerMark bounds the YAML nodes per mark (see valueBound) that the
// limit allows for: most marks open one or two nodes, none more than three
// (`[a: b]` opens a mapping, a key and a value), so refusing files with more
// than MaxNodes/valuesPerMark marks keeps the tree the parser may build under
// 1.5 × MaxNodes before the exact count after parsing.
const valuesPerMark = 2

// marks are the bytes that can open a YAML node: flow entries and collections,
// mapping values, sequence entries, complex keys, aliases, and line breaks
// (a line can hold one more scalar, a `---` one more document).
var marks = [256]bool{',': true, '[': true, '{': true, ':': true, '-': true, '?': true, '*': true, '\n': true}

// valueBound counts the marks in data. Every node of the YAML tree but the
// first needs a mark in the text, so the count bounds what parsing would build,
// from the raw bytes, in linear time, before the parser allocates anything. It
// ignores quoting and comments, so it errs high (a comma in a description
// counts), and no text can hide a mark from it; real files have a few
// thousand marks, far below the limit.
func valueBound(data []byte) int {
	n := 0
	for _, c := range data {
		if marks[c] {
			n++
		}
	}
	return n
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// blank reports whether data holds nothing but white space, comments and
// document markers.
func blank(data []byte) bool {
	for line := range bytes.Lines(data) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) && !bytes.Equal(t, []byte("...")) {
			return false
		}
	}
	return true
}

// nesting estimates, from above, how deeply data nests: block indentation levels
// plus sequence dashes opening a line plus open flow brackets. It errs high by a
// few levels on odd text (a block scalar indented in steps, a bracket in a plain
// scalar), which is harmless against a limit tens of levels above what real
// files use; what matters is that it is linear, and never recurses.
func nesting(data []byte) int {
	var indents []int // the block indentation levels open at this line
	flow, deepest := 0, 0
	for line := range bytes.Lines(data) {
		i := 0
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i == len(line) || line[i] == '\n' || line[i] == '\r' || line[i] == '#' {
			continue
		}
		if flow == 0 {
			for len(indents) > 0 && indents[len(indents)-1] >= i {
				indents = indents[:len(indents)-1]
			}
			indents = append(indents, i)
		}
		dashes := 0
		for i+1 < len(line) && line[i] == '-' && (line[i+1] == ' ' || line[i+1] == '\t') {
			dashes++
			i += 2
			for i < len(line) && line[i] == ' ' {
				i++
			}
		}
		flow = flowDepth(line[i:], flow, func(d int) {
			deepest = max(deepest, len(indents)+dashes+d)
		})
		deepest = max(deepest, len(indents)+dashes+flow)
	}
	return deepest
}

// flowDepth follows flow brackets through one line, starting at depth, calling
// seen with each depth reached, and returns the depth at the end of the line.
// Quoted scalars and comments are skipped.
func flowDepth(line []byte, depth int, seen func(int)) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				if quote == '\'' && i+1 < len(line) && line[i+1] == '\'' {
					i++ // '' is an escaped quote
				} else {
					quote = 0
				}
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return depth
		case (c == '"' || c == '\'') && (i == 0 || strings.IndexByte(" \t[{,:", line[i-1]) >= 0):
			quote = c
		case c == '[' || c == '{':
			depth++
			seen(depth)
		case (c == ']' || c == '}') && depth > 0:
			depth--
		}
	}
	return depth
}
