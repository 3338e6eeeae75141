package publiccode

import "fmt"

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
// missing); both are 0 for findings about the whole file.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Key      string   `json:"key"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Message  string   `json:"message"`
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
