package publiccode

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// placeholder matches a message placeholder left unfilled.
var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

func findingList(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s\n", f)
	}
	return b.String()
}

func corpusDir(t testing.TB) string {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "publiccode")
	if _, err := os.Stat(filepath.Join(dir, "SOURCES.tsv")); err != nil {
		t.Skip("../shared/corpus/publiccode is not beside this clone: the real corpus cannot be checked")
	}
	return dir
}

// corpusFiles returns the real files, with the reference's verdict on each
// (valid or not, made without file checks).
func corpusFiles(t testing.TB) (files []string, refValid map[string]bool) {
	dir := corpusDir(t)
	f, err := os.Open(filepath.Join(dir, "SOURCES.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "parser_go_v5_no_external_checks")
	if col < 0 {
		t.Fatal("SOURCES.tsv has no parser_go_v5_no_external_checks column")
	}
	refValid = map[string]bool{}
	for _, row := range rows[1:] {
		files = append(files, filepath.Join(dir, row[0]))
		refValid[row[0]] = !strings.HasPrefix(row[col], "INVALID")
	}
	return files, refValid
}

func hasCode(fs []Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func laughs() string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(n + ": &" + n + " [")
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	b.WriteString("platforms: *i\n")
	return b.String()
}
