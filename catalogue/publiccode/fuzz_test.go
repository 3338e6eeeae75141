package publiccode

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits keep each fuzzed input cheap.
var fuzzLimits = Limits{MaxBytes: 1 << 16}

// addSeeds seeds a fuzz target with our test file, the bad inputs, and the
// real corpus and the conformance cases when ../shared is beside this clone.
func addSeeds(f *testing.F) {
	f.Add([]byte(validFile(f)))
	for _, in := range badInputs(f) {
		if len(in.data) <= fuzzLimits.MaxBytes {
			f.Add(in.data)
		}
	}
	for _, dir := range []string{
		filepath.Join("..", "..", "..", "shared", "corpus", "publiccode", "*.yml"),
		filepath.Join("..", "..", "..", "shared", "corpus", "conformance", "v0", "*", "*.yml"),
		filepath.Join("..", "..", "..", "shared", "corpus", "conformance", "v0", "*", "no-network", "*.yml"),
	} {
		files, _ := filepath.Glob(dir)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
}

func FuzzRead(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Read(data, fuzzLimits)
		checkDocument(t, d)
	})
}

func FuzzCheck(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Check(data, Options{Limits: fuzzLimits, Files: repo})
		checkDocument(t, d)
		for i := 1; i < len(d.Findings); i++ {
			a, b := d.Findings[i-1], d.Findings[i]
			if a.Line > b.Line || a.Line == b.Line && a.Column > b.Column {
				t.Fatalf("findings out of order: %s before %s", a, b)
			}
		}
		if _, err := json.Marshal(NewReport("fuzz.yml", d)); err != nil {
			t.Fatal(err)
		}
	})
}

// checkDocument asserts what holds of every document, whatever the input.
func checkDocument(t *testing.T, d *Document) {
	t.Helper()
	if d.File == nil && len(d.Findings) != 1 {
		t.Fatalf("nothing read, yet %d findings (want exactly one):\n%s", len(d.Findings), findingList(d.Findings))
	}
	for _, f := range d.Findings {
		switch {
		case f.Severity != SeverityError && f.Severity != SeverityWarning:
			t.Fatalf("finding with severity %q: %s", f.Severity, f)
		case f.Code == "" || f.Message == "" || placeholder.MatchString(f.Message):
			t.Fatalf("finding without a code or a finished message: %+v", f)
		case f.Line < 0 || f.Column < 0 || (f.Line == 0) != (f.Column == 0):
			t.Fatalf("finding at %d:%d", f.Line, f.Column)
		case f.Key != "" && f.Line == 0:
			t.Fatalf("finding about a key at 0:0: %s", f)
		}
	}
	if d.File != nil && Valid(d.Findings) != (Count(d.Findings).Errors == 0) {
		t.Fatal("valid disagrees with the count of errors")
	}
}
