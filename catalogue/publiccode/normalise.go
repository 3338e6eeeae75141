package publiccode

import "slices"

// normalise maps deprecated keys onto their replacements, so that the rest of
// the system sees one shape whatever version the file followed. The reader has
// warned about each deprecated key it met.
func normalise(f *File) {
	if f.Logo == "" {
		f.Logo = f.MonochromeLogo
	}
	if f.Organisation.Name == "" {
		f.Organisation.Name = f.Legal.RepoOwner
	}
	if f.IT == nil {
		return
	}
	if f.Organisation.URI == "" && f.IT.Riuso != nil && f.IT.Riuso.CodiceIPA != "" {
		f.Organisation.URI = "urn:x-italian-pa:" + f.IT.Riuso.CodiceIPA
	}
	// The Italian platforms and GDPR compliance have aliases in supports.
	for _, p := range []string{"spid", "cie", "anpr", "pagopa", "io"} {
		if f.IT.Piattaforme[p] {
			addSupport(f, "alias:"+p)
		}
	}
	if f.IT.Conforme["gdpr"] {
		addSupport(f, "alias:gdpr")
	}
}

func addSupport(f *File, id string) {
	if !slices.ContainsFunc(f.Supports, func(s Support) bool { return s.ID == id }) {
		f.Supports = append(f.Supports, Support{ID: id})
	}
}
