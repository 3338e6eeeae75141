package ui

import (
	"strings"

	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// findingView is a finding in the visitor's language (or in English, marked
// as such, when its message has no translation).
type findingView struct {
	Severity, Code, Key string
	Line, Column        int
	Message, Lang       string
}

type findingKey struct {
	code, key    string
	line, column int
}

// Findings renders findings in the visitor's language. Findings read back from
// the store carry only their English message; their text is recovered by
// checking the raw file again offline and matching code, key and position.
func (l localiser) Findings(fs []publiccode.Finding, raw string) []findingView {
	if len(fs) == 0 {
		return nil
	}
	var texts map[findingKey]i18n.Message
	if l.Lang != i18n.English && raw != "" {
		for _, f := range fs {
			if f.Text.ID == "" {
				texts = map[findingKey]i18n.Message{}
				for _, g := range publiccode.Check([]byte(raw), publiccode.Options{}).Findings {
					texts[findingKey{g.Code, g.Key, g.Line, g.Column}] = g.Text
				}
				break
			}
		}
	}
	out := make([]findingView, 0, len(fs))
	for _, f := range fs {
		v := findingView{Severity: string(f.Severity), Code: f.Code, Key: f.Key, Line: f.Line, Column: f.Column, Message: f.Message, Lang: i18n.English}
		m := f.Text
		if m.ID == "" {
			m = texts[findingKey{f.Code, f.Key, f.Line, f.Column}]
		}
		if m.ID != "" && l.b.Has(l.Lang, m.ID) {
			v.Message, v.Lang = l.b.Render(l.Lang, m), l.Lang
		}
		out = append(out, v)
	}
	return out
}

// sourceLine is one line of a publiccode.yml with the findings that point at it.
type sourceLine struct {
	N        int
	Text     string
	Severity string // the worst finding's, or empty
	Findings []findingView
}

// maxSourceLines caps how much of a file the page lists.
const maxSourceLines = 3000

// annotate splits a file into lines and attaches each finding to its line;
// findings about the whole file (line 0) or past its end are returned apart.
func annotate(raw string, findings []findingView) (lines []sourceLine, general []findingView, cut bool) {
	text := strings.ReplaceAll(raw, "\r\n", "\n")
	parts := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(parts) > maxSourceLines {
		parts, cut = parts[:maxSourceLines], true
	}
	lines = make([]sourceLine, len(parts))
	for i, p := range parts {
		lines[i] = sourceLine{N: i + 1, Text: p}
	}
	for _, f := range findings {
		if f.Line < 1 || f.Line > len(lines) {
			general = append(general, f)
			continue
		}
		ln := &lines[f.Line-1]
		ln.Findings = append(ln.Findings, f)
		if ln.Severity != string(publiccode.SeverityError) {
			ln.Severity = f.Severity
		}
	}
	return lines, general, cut
}
