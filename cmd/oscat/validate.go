package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

const validateUsage = `usage: oscat validate PATH… [--format text|json] [--no-file-checks]

Validates publiccode.yml files against the standard. PATH is a file, a folder
(its publiccode.yml or publiccode.yaml is validated) or - for standard input.
Files the publiccode.yml names (logo, screenshots, authors file) are looked up
relative to its folder, unless --no-file-checks is given. Flags may stand
before or after the paths; -- ends them (oscat validate -- -odd-name.yml).

Text output is one finding a line, FILE:LINE:COLUMN: SEVERITY: KEY: MESSAGE,
with a summary of each file on standard error. JSON output is an array with one
object per PATH, in argument order.

Exit status: 0 when every file is valid, 1 when any has errors, 2 for a usage
error or when nothing could be read.
`

// runValidate is `oscat validate`: args are the arguments after "validate".
// It returns the exit status.
func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("validate", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, validateUsage) }
	format := fset.String("format", "text", "output format: text or json")
	noFileChecks := fset.Bool("no-file-checks", false, "do not check the files a publiccode.yml names")
	paths, err := parseInterspersed(fset, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		return 2
	case *format != "text" && *format != "json":
		fmt.Fprintf(stderr, "oscat validate: --format must be text or json, not %q\n", *format)
		return 2
	case len(paths) == 0:
		fmt.Fprint(stderr, "oscat validate: name at least one file, folder, or - for standard input\n\n", validateUsage)
		return 2
	}

	reports := make([]publiccode.Report, 0, len(paths))
	read, invalid := 0, false
	for _, p := range paths {
		r, ok := validatePath(p, stdin, !*noFileChecks)
		if ok {
			read++
		}
		invalid = invalid || !r.Valid
		reports = append(reports, r)
	}

	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(reports); err != nil {
			fmt.Fprintf(stderr, "oscat validate: %v\n", err)
			return 2
		}
	} else {
		writeText(stdout, stderr, reports)
	}
	switch {
	case read == 0:
		return 2
	case invalid:
		return 1
	}
	return 0
}

// validatePath reads and checks one PATH. ok reports whether it could be read.
func validatePath(p string, stdin io.Reader, fileChecks bool) (r publiccode.Report, ok bool) {
	if p == "-" {
		data, err := readLimited(stdin)
		if err != nil {
			return publiccode.UnreadableReport(p, err.Error()), false
		}
		return publiccode.NewReport(p, publiccode.Check(data, publiccode.Options{})), true
	}
	file, err := publiccodeIn(p)
	if err != nil {
		return publiccode.UnreadableReport(p, err.Error()), false
	}
	f, err := os.Open(file)
	if err != nil {
		return publiccode.UnreadableReport(p, unwrapPath(err)), false
	}
	data, err := readLimited(f)
	f.Close()
	if err != nil {
		return publiccode.UnreadableReport(p, unwrapPath(err)), false
	}
	opts := publiccode.Options{}
	if fileChecks {
		// os.Root keeps the checks inside the folder, whatever symlinks it holds.
		root, err := os.OpenRoot(filepath.Dir(file))
		if err == nil {
			defer root.Close()
			opts.Files = root.FS()
		}
	}
	return publiccode.NewReport(p, publiccode.Check(data, opts)), true
}

// readLimited reads at most one byte more than the validator reads, which is
// enough for it to say the file is too large without holding all of it.
func readLimited(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, publiccode.DefaultMaxBytes+1))
}

// publiccodeIn returns the file to validate for PATH: PATH itself, or for a
// folder its publiccode.yml or publiccode.yaml (in any case of letters).
func publiccodeIn(p string) (string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", errors.New(unwrapPath(err))
	}
	if !st.IsDir() {
		return p, nil
	}
	for _, name := range []string{"publiccode.yml", "publiccode.yaml"} {
		if st, err := os.Stat(filepath.Join(p, name)); err == nil && !st.IsDir() {
			return filepath.Join(p, name), nil
		}
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return "", errors.New(unwrapPath(err))
	}
	for _, e := range entries {
		if n := strings.ToLower(e.Name()); (n == "publiccode.yml" || n == "publiccode.yaml") && !e.IsDir() {
			return filepath.Join(p, e.Name()), nil
		}
	}
	return "", errors.New("the folder has no publiccode.yml or publiccode.yaml")
}

// unwrapPath drops the path from an error about a path the message names anyway.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return "no such file or folder"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// writeText writes one finding a line, in the format editors read as
// FILE:LINE:COLUMN, and a summary of each file on stderr.
func writeText(stdout, stderr io.Writer, reports []publiccode.Report) {
	for _, r := range reports {
		for _, f := range r.Findings {
			fmt.Fprintf(stdout, "%s:%d:%d: %s: %s: %s\n", r.File, f.Line, f.Column, f.Severity, f.Key, f.Message)
		}
		c := publiccode.Count(r.Findings)
		verdict := "valid"
		if !r.Valid {
			verdict = "invalid"
		}
		fmt.Fprintf(stderr, "%s: %s (%s, %s)\n", r.File, verdict, plural(c.Errors, "error"), plural(c.Warnings, "warning"))
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
