package publiccode

import (
	"cmp"
	"io/fs"
	"slices"
)

// Options configure a check.
type Options struct {
	Limits Limits
	// Files is the repository's tree (a git tree in a crawl, the file's folder for
	// `oscat validate`). When set, relative files the publiccode.yml names (logo,
	// screenshots, authors file) are checked in it; nil turns those checks off.
	Files fs.FS
	// Folder is the file's folder in Files ("" or "." for its root): relative
	// paths resolve from it, and may not leave Files (see ResolvePath).
	Folder string
}

// Check reads data and validates it against the standard's rules. The returned
// document holds every finding, ordered by position; its File is listable or nil.
// Check needs no network: what only the network could tell (whether a URL
// answers, what a remote logo holds) is left unchecked, and said so where the
// standard requires it.
func Check(data []byte, opts Options) *Document {
	d := Read(data, opts.Limits)
	if d.File != nil {
		v := &validator{d: d, f: d.File, files: opts.Files, folder: opts.Folder}
		v.validate()
	}
	slices.SortStableFunc(d.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return d
}

// validator applies the standard's rules to a document the reader produced.
type validator struct {
	d      *Document
	f      *File
	files  fs.FS
	folder string
}

func (v *validator) validate() {
	if !v.checkVersion() {
		// A version this validator does not know has other keys, or the same
		// keys with other meanings: the one finding worth making is the version.
		v.d.Findings = v.d.Findings[len(v.d.Findings)-1:]
		return
	}
	v.checkTopLevel()
	v.checkAudience()
	v.checkDescriptions()
	v.checkLegal()
	v.checkMaintenance()
	v.checkLocalisation()
	v.checkDependencies()
	v.checkItalian()
}

// add records a finding at key's position (its parent's when it is missing).
func (v *validator) add(sev Severity, code, key, msgID string, args ...argument) {
	v.d.Findings = append(v.d.Findings, newFinding(sev, code, key, v.d.Pos(key), msgID, args...))
}

// item returns the key of the i-th value the File holds for a list: the file's
// i-th item, unless the reader left out some before it. An index past the
// file's items gives "".
func (v *validator) item(list string, i int) string {
	if kept, ok := v.d.items[list]; ok {
		if i >= len(kept) {
			return ""
		}
		i = kept[i]
	}
	return index(list, i)
}

// checked reports whether key holds a value the rules should look at: written,
// not empty, and not already reported by the reader.
func (v *validator) checked(key string) bool {
	return v.d.Present[key] && !v.d.empty[key] && !v.d.reported[key]
}

// required reports key as missing, unless the reader already reported its value
// as misshapen.
func (v *validator) required(key string) {
	if v.d.reported[key] {
		return
	}
	example := ""
	if k := specAt(key); k != nil {
		example = k.example
	}
	v.add(SeverityError, "required", key, "required", arg("name", lastKey(key)), arg("example", example))
}

// requireText reports key as missing when value is empty.
func (v *validator) requireText(key, value string) bool {
	if value == "" {
		v.required(key)
		return false
	}
	return true
}

// requireList reports key as missing, or as empty, when list has no items.
func (v *validator) requireList(key string, list []string) bool {
	if len(list) > 0 {
		return true
	}
	if v.d.reported[key] {
		return false
	}
	if !v.d.Present[key] || v.d.empty[key] {
		v.required(key)
		return false
	}
	example := ""
	if k := specAt(key); k != nil {
		example = k.example
	}
	v.add(SeverityError, "empty-list", key, "empty-list", arg("name", lastKey(key)), arg("example", example))
	return false
}

// oneOf reports value when it is not one of the allowed values.
func (v *validator) oneOf(key, value string, allowed []string) {
	if value == "" || contains(allowed, value) {
		return
	}
	if s := closest(value, allowed); s != "" {
		v.add(SeverityError, "invalid-value", key, "invalid-value.typo", arg("name", lastKey(key)), arg("value", value), arg("suggestion", s))
		return
	}
	v.add(SeverityError, "invalid-value", key, "invalid-value", arg("name", lastKey(key)), arg("value", value), arg("values", quoteList(allowed)))
}

func quoteList(values []string) string {
	out := make([]byte, 0, 16*len(values))
	for i, s := range values {
		if i > 0 {
			out = append(out, ", "...)
		}
		out = append(out, '`')
		out = append(out, s...)
		out = append(out, '`')
	}
	return string(out)
}
