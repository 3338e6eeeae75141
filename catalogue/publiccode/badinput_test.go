package publiccode

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// badInputs are files that are no plausible publiccode.yml. Each must get one
// clear finding, read nothing (but a second document's first), and cost little
// memory beyond the input itself.
func badInputs(t testing.TB) []struct {
	name   string
	data   []byte
	limits Limits
	code   string
} {
	var deepBlock bytes.Buffer
	for i := range 10_000 {
		deepBlock.WriteString(strings.Repeat(" ", i))
		deepBlock.WriteString("a:\n")
	}
	return []struct {
		name   string
		data   []byte
		limits Limits
		code   string
	}{
		{"a 50 MB file", bytes.Repeat([]byte("name: Medusa\n"), 50<<20/13), Limits{}, "too-large"},
		{"an alias bomb", []byte(laughs()), Limits{}, "too-complex"},
		{"an alias to its own ancestor", []byte("a: &a\n  b: *a\nname: X\n"), Limits{}, "too-complex"},
		{"10,000 nested flow sequences", []byte(strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000)), Limits{}, "too-deep"},
		{"10,000 nested flow mappings", []byte("a: " + strings.Repeat("{a: ", 10_000) + "1" + strings.Repeat("}", 10_000)), Limits{}, "too-deep"},
		{"10,000 nested block sequences", []byte(strings.Repeat("- ", 10_000) + "x\n"), Limits{}, "too-deep"},
		{"10,000 nested block mappings", deepBlock.Bytes(), Limits{MaxBytes: 64 << 20}, "too-deep"},
		{"binary data", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000)...), Limits{}, "binary"},
		{"invalid UTF-8", []byte("publiccodeYmlVersion: \"0\"\nname: Caf\xe9\n"), Limits{}, "not-utf8"},
		{"UTF-16", []byte("\xff\xfen\x00a\x00m\x00e\x00"), Limits{}, "not-utf8"},
		{"several documents", []byte(validFile(t) + "---\nname: Another\n"), Limits{}, "multiple-documents"},
		{"an empty file", nil, Limits{}, "empty"},
		{"only comments", []byte("# publiccode.yml\n\n   # to do\n"), Limits{}, "empty"},
		{"only a document marker", []byte("---\n...\n"), Limits{}, "empty"},
		{"an empty document", []byte("--- ~\n"), Limits{}, "empty"},
		{"a list", []byte("- name: Medusa\n"), Limits{}, "not-a-mapping"},
		{"a plain word", []byte("publiccode\n"), Limits{}, "not-a-mapping"},
		{"not YAML", []byte("name: [unclosed\n"), Limits{}, "yaml-syntax"},
		{"tabs for indentation", []byte("description:\n\ten:\n\t\tshortDescription: x\n"), Limits{}, "yaml-syntax"},
		// Refused from the raw bytes, before the parser builds anything.
		{"a flow sequence of 500,000 items (1 MB)", []byte("name: X\nplatforms: [" + strings.Repeat("1,", 499_999) + "1]\n"), Limits{}, "too-complex"},
		{"a flow mapping of 300,000 keys", []byte("name: X\nlegal: {" + strings.Repeat("a,", 299_999) + "a}\n"), Limits{}, "too-complex"},
		{"nested flow sequences of 250,000 empty items", []byte("name: X\nplatforms: [" + strings.Repeat("[],", 249_999) + "[]]\n"), Limits{}, "too-complex"},
		{"a block sequence of 250,000 items", []byte("name: X\nplatforms:\n" + strings.Repeat("- a\n", 250_000)), Limits{}, "too-complex"},
		{"a block mapping of 150,000 keys", []byte("name: X\n" + strings.Repeat("k: v\n", 150_000)), Limits{}, "too-complex"},
		{"200,000 empty documents", []byte(strings.Repeat("---\n", 200_000) + "name: X\n"), Limits{}, "too-complex"},
		{"300,000 aliases to one anchor", []byte("name: &n X\nplatforms: [" + strings.Repeat("*n,", 299_999) + "*n]\n"), Limits{}, "too-complex"},
		{"a 1 MB key", []byte("name: X\n" + strings.Repeat("k", 1<<20-16) + ": v\n"), Limits{}, "yaml-syntax"},
	}
}

func TestCheck_GivesBadInputOneClearFinding(t *testing.T) {
	for _, tt := range badInputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			d := Check(tt.data, Options{Limits: tt.limits, Files: repo})
			runtime.ReadMemStats(&after)
			if len(d.Findings) != 1 || d.Findings[0].Code != tt.code {
				t.Fatalf("want one %s finding, got:\n%s", tt.code, findingList(d.Findings))
			}
			if f := d.Findings[0]; f.Severity != SeverityError || f.Message == "" {
				t.Errorf("finding %+v is not a clear error", f)
			}
			if tt.code != "multiple-documents" && d.File != nil {
				t.Errorf("read %+v from input that is not a publiccode.yml", d.File)
			}
			// The input is the test's; what Check allocates must not grow with it.
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 8<<20 {
				t.Errorf("checking it allocated %d MB", grown>>20)
			}
		})
	}
}

func TestCheck_HonoursItsLimits(t *testing.T) {
	t.Parallel()
	src := []byte(validFile(t))
	tests := []struct {
		limits Limits
		code   string
	}{
		{Limits{MaxBytes: 100}, "too-large"},
		{Limits{MaxDepth: 2}, "too-deep"},
		{Limits{MaxNodes: 50}, "too-complex"},
	}
	for _, tt := range tests {
		d := Check(src, Options{Limits: tt.limits})
		if len(d.Findings) != 1 || d.Findings[0].Code != tt.code {
			t.Errorf("%+v: want one %s finding, got:\n%s", tt.limits, tt.code, findingList(d.Findings))
		}
	}
	if d := Check(src, Options{}); len(d.Findings) != 0 {
		t.Errorf("the default limits refuse a real file:\n%s", findingList(d.Findings))
	}
}

func TestRead_PointsAtTheLineOfAYAMLError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		line int
		says string
	}{
		// yaml.v3 names line 2, where the mapping under description starts.
		{"a key indented too far", "name: X\ndescription:\n  en:\n    shortDescription: >\n      x\n\n     features:\n       - a\n", 7, "indentation"},
		{"a key under a value", "name: X\ndescription:\n  en:\n    shortDescription: x\n     features: [a]\n", 5, "indentation"},
		{"a tab", "name: X\ndescription:\n\ten: x\n", 3, "tabs"},
		{"an unclosed quote", "name: \"X\nurl: y\n", 3, "not closed"},
	}
	for _, tt := range tests {
		d := Read([]byte(tt.src), Limits{})
		if len(d.Findings) != 1 || d.Findings[0].Line != tt.line || !strings.Contains(d.Findings[0].Message, tt.says) {
			t.Errorf("%s: want a yaml-syntax finding on line %d saying %q, got:\n%s", tt.name, tt.line, tt.says, findingList(d.Findings))
		}
	}
}
