package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const validYAML = `publiccodeYmlVersion: "0"
name: Medusa
url: "https://example.org/medusa.git"
logo: logo.svg
platforms: [web]
developmentStatus: stable
softwareType: "standalone/web"
description:
  en:
    shortDescription: A content management system for municipalities.
    longDescription: >
      Medusa lets the staff of a municipality publish news, services and
      opening hours on the municipality's site, in several languages, with
      an editorial workflow and an archive of every version of every page.
    features: [Publish pages]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts: [{name: Anna de Vries}]
localisation:
  localisationReady: true
  availableLanguages: [en]
`

// repoDir makes a folder holding a publiccode file named name with content src,
// and the logo the valid file names.
func repoDir(t *testing.T, name, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logo.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func validateCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runValidate(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// textLine is the editor-readable format: FILE:LINE:COLUMN: SEVERITY: KEY: MESSAGE.
var textLine = regexp.MustCompile(`^(.+):(\d+):(\d+): (error|warning): ([^ ]*): (.+)$`)

func TestValidate_ExitsZeroOnValidFiles(t *testing.T) {
	t.Parallel()
	dir := repoDir(t, "publiccode.yml", validYAML)
	code, stdout, stderr := validateCmd(t, "", filepath.Join(dir, "publiccode.yml"), dir)
	if code != 0 || stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and no findings", code, stdout, stderr)
	}
	if !strings.Contains(stderr, ": valid (0 errors, 0 warnings)") {
		t.Errorf("stderr %q lacks the summary", stderr)
	}
}

func TestValidate_WritesOneFindingALineForEditors(t *testing.T) {
	t.Parallel()
	dir := repoDir(t, "publiccode.yml", strings.Replace(validYAML, "developmentStatus:", "developmentstatus:", 1))
	path := filepath.Join(dir, "publiccode.yml")
	code, stdout, _ := validateCmd(t, "", path)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one finding, got:\n%s", stdout)
	}
	m := textLine.FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("%q is not FILE:LINE:COLUMN: SEVERITY: KEY: MESSAGE", lines[0])
	}
	if m[1] != path || m[2] != "6" || m[3] != "1" || m[4] != "error" || m[5] != "developmentstatus" || !strings.Contains(m[6], "did you mean `developmentStatus`?") {
		t.Errorf("finding line %q", lines[0])
	}
}

func TestValidate_JSONHasOneObjectPerPathInOrder(t *testing.T) {
	t.Parallel()
	good := repoDir(t, "publiccode.yaml", validYAML)
	bad := repoDir(t, "publiccode.yml", "publiccodeYmlVersion: '0.2'\nname: X\n")
	missing := filepath.Join(t.TempDir(), "nothing-here")
	args := []string{"--format", "json", bad, "-", good, missing}
	code, stdout, stderr := validateCmd(t, validYAML, args...)
	if code != 1 {
		t.Errorf("exit %d, want 1 (stderr %q)", code, stderr)
	}
	var reports []struct {
		File     string `json:"file"`
		Valid    bool   `json:"valid"`
		Version  string `json:"version"`
		Findings []struct {
			Severity, Code, Key, Message string
			Line, Column                 int
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &reports); err != nil {
		t.Fatalf("%v in:\n%s", err, stdout)
	}
	if len(reports) != 4 {
		t.Fatalf("%d reports, want 4", len(reports))
	}
	for i, want := range []struct {
		file    string
		valid   bool
		version string
	}{{bad, false, "0.2"}, {"-", true, "0"}, {good, true, "0"}, {missing, false, ""}} {
		r := reports[i]
		if r.File != want.file || r.Valid != want.valid || r.Version != want.version {
			t.Errorf("report %d = %s valid=%v version=%q, want %s valid=%v version=%q", i, r.File, r.Valid, r.Version, want.file, want.valid, want.version)
		}
		if r.Findings == nil {
			t.Errorf("report %d has findings: null, want a list", i)
		}
	}
	if f := reports[3].Findings; len(f) != 1 || f[0].Code != "unreadable" || f[0].Severity != "error" {
		t.Errorf("an unreadable path gets %+v, want one unreadable error", f)
	}
}

func TestValidate_ChecksFilesUnlessTold(t *testing.T) {
	t.Parallel()
	dir := repoDir(t, "publiccode.yml", strings.Replace(validYAML, "logo: logo.svg", "logo: img/missing.svg", 1))
	if code, stdout, _ := validateCmd(t, "", dir); code != 1 || !strings.Contains(stdout, ": error: logo: ") {
		t.Errorf("exit %d, stdout %q: a missing logo should be an error", code, stdout)
	}
	if code, stdout, _ := validateCmd(t, "", dir, "--no-file-checks"); code != 0 || stdout != "" {
		t.Errorf("exit %d, stdout %q: --no-file-checks should skip the logo", code, stdout)
	}
	// Standard input has no folder beside it.
	if code, _, _ := validateCmd(t, strings.Replace(validYAML, "logo: logo.svg", "logo: img/missing.svg", 1), "-"); code != 0 {
		t.Errorf("exit %d: standard input has no files to check", code)
	}
}

func TestValidate_ExitStatus(t *testing.T) {
	t.Parallel()
	good := repoDir(t, "publiccode.yml", validYAML)
	missing := filepath.Join(t.TempDir(), "nope.yml")
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no path", nil, 2},
		{"an unknown flag", []string{"--strict", good}, 2},
		{"an unknown format", []string{"--format", "xml", good}, 2},
		{"help", []string{"-h"}, 0},
		{"nothing readable", []string{missing, empty}, 2},
		{"one readable, one not", []string{good, missing}, 1},
		{"all valid", []string{good, good}, 0},
		{"flags after the paths", []string{good, "--format", "json"}, 0},
		{"a path after --", []string{"--", good}, 0},
	}
	for _, tt := range tests {
		if code, _, stderr := validateCmd(t, "", tt.args...); code != tt.want {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tt.name, code, tt.want, stderr)
		}
	}
}

func TestValidate_ReadsNoMoreThanItValidates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "publiccode.yml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, stdout, _ := validateCmd(t, "", "--format", "json", path)
	if code != 1 || !strings.Contains(stdout, `"code": "too-large"`) {
		t.Errorf("exit %d, stdout %s: a 50 MB file should get one too-large finding", code, stdout)
	}
}
