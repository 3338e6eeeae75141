package publiccode

import (
	"embed"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// Severity says whether a finding makes a file invalid.
type Severity string

const (
	// SeverityError makes the file invalid.
	SeverityError Severity = "error"
	// SeverityWarning is advice; the file stays valid.
	SeverityWarning Severity = "warning"
)

// Finding is one thing wrong, or worth changing, in a publiccode.yml.
// Line and Column are 1-based and point at the key (at its parent when the key is
// missing); both are 0 for findings about the whole file. Code is stable across
// releases and languages; Message is in English and says what to write instead.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Key      string   `json:"key"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Message  string   `json:"message"`
	// Text is Message before rendering, for Localise. It is not part of the JSON
	// form of a finding.
	Text i18n.Message `json:"-"`
}

func (f Finding) String() string {
	key := f.Key
	if key == "" {
		key = "(file)"
	}
	return fmt.Sprintf("%d:%d: %s: %s: %s", f.Line, f.Column, f.Severity, key, f.Message)
}

// Counts tallies findings by severity.
type Counts struct {
	Errors   int `json:"error"`
	Warnings int `json:"warning"`
}

// Count tallies findings by severity.
func Count(findings []Finding) Counts {
	var c Counts
	for _, f := range findings {
		switch f.Severity {
		case SeverityError:
			c.Errors++
		case SeverityWarning:
			c.Warnings++
		}
	}
	return c
}

// Valid reports whether none of the findings is an error.
func Valid(findings []Finding) bool { return Count(findings).Errors == 0 }

// Report is the verdict on one file in the shape `oscat validate --format json`
// and POST /api/v1/validate give it.
type Report struct {
	// File names the file as the user gave it: a path, "-" for standard input.
	File    string `json:"file"`
	Valid   bool   `json:"valid"`
	Version string `json:"version"`
	// Findings is never null in JSON: an empty list says "nothing found".
	Findings []Finding `json:"findings"`
}

// NewReport makes the report on the document read from file.
func NewReport(file string, d *Document) Report {
	r := Report{File: file, Valid: Valid(d.Findings), Findings: d.Findings}
	if d.File != nil {
		r.Version = d.File.Version
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return r
}

// UnreadableReport is the report on a file that could not be read at all: one
// error, with the reason.
func UnreadableReport(file, reason string) Report {
	return Report{File: file, Findings: []Finding{
		fileFinding(SeverityError, "unreadable", 0, "unreadable", arg("file", file), arg("reason", reason)),
	}}
}

//go:embed messages/*.json
var messageFiles embed.FS

// RegisterMessages adds the validator's messages, in every language it has, to a
// bundle the site shares.
func RegisterMessages(b *i18n.Bundle) error { return b.AddFS(messageFiles, "messages") }

// messages is the validator's own bundle, for English messages and Localise.
var messages = sync.OnceValue(func() *i18n.Bundle {
	b := i18n.NewBundle()
	if err := RegisterMessages(b); err != nil {
		panic(err) // the files are embedded: a broken one is a build mistake
	}
	return b
})

// Localise renders a finding's message in lang, falling back to English.
func Localise(f Finding, lang string) string {
	if f.Text.ID == "" {
		return f.Message
	}
	return messages().Render(lang, f.Text)
}

// messagePrefix namespaces the validator's keys in a shared bundle.
const messagePrefix = "publiccode."

func arg(name, value string) i18n.Arg { return i18n.Arg{Name: name, Value: value} }

// argument is one value a message is filled with.
type argument = i18n.Arg

// maxShown is how much of a value from the file a message quotes.
const maxShown = 80

// newFinding makes a finding whose message is the text msgID filled with args.
func newFinding(sev Severity, code, key string, p Pos, msgID string, args ...argument) Finding {
	for i := range args {
		if args[i].Name == "value" && utf8.RuneCountInString(args[i].Value) > maxShown {
			args[i].Value = string([]rune(args[i].Value)[:maxShown-1]) + "…"
		}
	}
	m := i18n.Message{ID: messagePrefix + msgID, Args: args}
	return Finding{Severity: sev, Code: code, Key: key, Line: p.Line, Column: p.Column,
		Message: messages().Render(i18n.English, m), Text: m}
}

// fileFinding makes a finding about the whole file, at line (0 when unknown).
func fileFinding(sev Severity, code string, line int, msgID string, args ...argument) Finding {
	p := Pos{}
	if line > 0 {
		p = Pos{line, 1}
	}
	return newFinding(sev, code, "", p, msgID, args...)
}
