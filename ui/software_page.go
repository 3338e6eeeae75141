package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// descLink is one language of the description switch.
type descLink struct {
	Lang, Name, Href string
	Current          bool
}

// labelled is a vocabulary value with its label and, when it filters, a link.
type labelled struct {
	Value, Label, Href string
}

// softwarePage shows one entry: what it is, who publishes it, where its code
// lives, and how its publiccode.yml fared.
func (s *Server) softwarePage(c echo.Context) error {
	ctx := c.Request().Context()
	sw, err := s.catalog.Software(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	repos, _, err := s.catalog.Repositories(ctx, catalogue.RepositoryFilter{Software: sw.ID}, catalogue.Page{Size: 100})
	if err != nil {
		return err
	}
	l := s.localiser(c)
	f := sw.File
	if f == nil {
		f = &publiccode.File{}
	}
	page := map[string]any{"S": sw, "F": f}

	// The description: the one asked for, else the visitor's language, else the
	// file's first, marked when it is not the visitor's.
	asked := c.QueryParam("desc")
	lang, d := f.PreferredDescription(l.Lang)
	if _, ok := f.Description[asked]; ok {
		lang, d = asked, f.Description[asked]
	}
	page["Desc"], page["DescLang"], page["DescLangName"] = d, lang, l.LanguageName(lang)
	page["DescForeign"] = lang != "" && !l.SameLanguage(lang) && asked == ""
	page["Long"] = renderMarkdown(d.LongDescription)
	var langs []descLink
	for _, dl := range f.Languages {
		langs = append(langs, descLink{Lang: dl, Name: l.LanguageName(dl), Href: "/software/" + url.PathEscape(sw.ID) + "?desc=" + url.QueryEscape(dl) + "#description", Current: dl == lang})
	}
	page["DescLangs"] = langs
	displayName := sw.Name
	if d.LocalisedName != "" && d.LocalisedName != sw.Name {
		page["LocalisedName"] = d.LocalisedName
	}

	page["Categories"] = vocabLinks(l, "category", "categories", f.Categories)
	page["Platforms"] = vocabLinks(l, "platform", "platforms", f.Platforms)
	page["Scope"] = vocabLinks(l, "scope", "scope", f.IntendedAudience.Scope)
	var countries []string
	for _, cc := range f.IntendedAudience.Countries {
		countries = append(countries, l.CountryName(strings.ToUpper(cc)))
	}
	page["Countries"] = countries
	var available []string
	for _, al := range f.Localisation.AvailableLanguages {
		available = append(available, l.LanguageName(al))
	}
	page["Available"] = available

	var pubs []catalogue.Publisher
	for _, id := range sw.Publishers {
		if p, ok := snap.publishers[id]; ok {
			pubs = append(pubs, p)
		}
	}
	page["Publishers"] = pubs
	page["Repositories"] = repos

	// Validation: the source repository's findings next to its file's lines.
	src := sourceRepository(sw, repos)
	raw := sw.Raw
	var findings []findingView
	if src != nil {
		findings = l.Findings(src.Findings, src.Raw)
		if src.Raw != "" {
			raw = src.Raw
		}
		page["Source"] = src
	}
	lines, general, cut := annotate(raw, findings)
	page["Findings"], page["Lines"], page["General"], page["Cut"] = findings, lines, general, cut
	page["Counts"] = publiccode.Count(srcFindings(src))

	if sw.Logo != "" {
		page["Logo"] = "/media/" + sw.Logo
	}
	if src != nil {
		var shots []string
		for _, m := range src.Media {
			if m.Role == "screenshot" {
				shots = append(shots, "/media/"+m.Hash)
			}
		}
		page["Screenshots"] = shots
	}
	if a := sw.Activity; a != nil {
		page["Activity"] = activityView(l, a)
		if src != nil {
			// An app of a repository that holds several: its activity is the repository's.
			if repo, _, ok := catalogue.SplitAppURL(src.URL); ok {
				page["AppOf"] = repo
			}
		}
	}
	if b := buildersView(l, sw.Contributions, sw.Declared, sw.Origin); b != nil {
		page["Builders"] = b
	}
	page["Variants"], page["BasedOn"] = sw.Variants, sw.BasedOn
	copies, err := s.copiesOf(ctx, src)
	if err != nil {
		return err
	}
	page["Copies"] = copies
	if page["Join"], err = s.joinPanelFor(c, sw); err != nil {
		return err
	}
	page["Done"] = c.QueryParam("done")

	return s.render(c, http.StatusOK, "software", view{
		Title: displayName, Section: "search", JSONLD: s.softwareJSONLD(sw, f, d, pubs), Page: page, Description: d.ShortDescription,
	})
}

func srcFindings(r *catalogue.Repository) []publiccode.Finding {
	if r == nil {
		return nil
	}
	return r.Findings
}

// sourceRepository is the repository whose file the entry shows: among those
// carrying it (not its forks, not gone ones), the one at the canonical URL, else
// the first with a file.
func sourceRepository(sw catalogue.Software, repos []catalogue.Repository) *catalogue.Repository {
	var carrying []*catalogue.Repository
	for i := range repos {
		if repos[i].SoftwareID == sw.ID {
			carrying = append(carrying, &repos[i])
		}
	}
	for _, r := range carrying {
		if r.URL == sw.URL {
			return r
		}
	}
	for _, r := range carrying {
		if r.Role != catalogue.RoleFork && r.Raw != "" {
			return r
		}
	}
	if len(carrying) > 0 {
		return carrying[0]
	}
	return nil
}

// vocabLinks labels vocabulary values, each linking to the results it filters.
func vocabLinks(l localiser, kind, facet string, values []string) []labelled {
	out := make([]labelled, 0, len(values))
	for _, v := range values {
		out = append(out, labelled{Value: v, Label: l.Label(kind, v), Href: "/search?filter[" + facet + "]=" + url.QueryEscape(v)})
	}
	return out
}

// softwareJSONLD describes the entry for search engines in schema.org terms:
// one node typed both SoftwareSourceCode (the code, its repository) and
// SoftwareApplication (what it does: categories, features, version), named
// like the DCAT-AP dataset. Its dates are the software's (the release date of
// its version, its last commit), never our crawl's.
func (s *Server) softwareJSONLD(sw catalogue.Software, f *publiccode.File, d publiccode.Description, pubs []catalogue.Publisher) map[string]any {
	page := s.absolute("/software/" + url.PathEscape(sw.ID))
	ld := map[string]any{
		"@context": "https://schema.org", "@type": []string{"SoftwareSourceCode", "SoftwareApplication"},
		"@id": s.datasetIRI(sw.ID), "name": sw.Name, "url": page, "mainEntityOfPage": page,
	}
	if u, ok := webIRI(sw.URL); ok {
		ld["codeRepository"] = u
	}
	if d.ShortDescription != "" {
		ld["description"] = d.ShortDescription
	}
	if lic := spdxLicenceURLs(f.Legal.License); len(lic) == 1 {
		ld["license"] = lic[0]
	} else if len(lic) > 1 {
		ld["license"] = lic
	}
	if f.SoftwareVersion != "" {
		ld["softwareVersion"] = f.SoftwareVersion
	}
	released := ""
	if t, err := time.Parse(time.DateOnly, f.ReleaseDate); err == nil {
		released = t.Format(time.DateOnly)
		ld["datePublished"] = released
	}
	if sw.Activity != nil && sw.Activity.LastCommit != nil {
		ld["dateModified"] = sw.Activity.LastCommit.UTC().Format(time.DateOnly)
	} else if released != "" {
		ld["dateModified"] = released
	}
	if u, ok := webIRI(f.LandingURL); ok {
		ld["sameAs"] = u
	}
	if len(f.Categories) > 0 {
		ld["applicationCategory"] = slices.Clone(f.Categories)
	}
	if len(f.Platforms) > 0 {
		ld["runtimePlatform"] = f.Platforms
	}
	if len(f.Languages) > 0 {
		ld["inLanguage"] = f.Languages
	}
	if len(d.Features) > 0 {
		ld["featureList"] = d.Features
	}
	var orgs []map[string]any
	for _, p := range pubs {
		o := map[string]any{"@type": "GovernmentOrganization", "name": p.Name}
		if p.URI != "" {
			o["identifier"] = p.URI
		}
		orgs = append(orgs, o)
	}
	if len(orgs) > 0 {
		ld["publisher"] = orgs
	}
	return ld
}

// spdxLicenceURLs are the pages on the SPDX licence list of the licences an
// SPDX expression names ("MIT OR EUPL-1.2" names two; exceptions after WITH
// are no licences). What is no SPDX expression gives no URL: the schema.org
// context would read a bare name as a link relative to the page.
func spdxLicenceURLs(expr string) []string {
	if ok, _ := spdxexp.ValidateLicenses([]string{expr}); !ok {
		return nil
	}
	var out []string
	fields := strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(expr))
	for i, id := range fields {
		switch up := strings.ToUpper(id); {
		case up == "AND" || up == "OR" || up == "WITH", i > 0 && strings.EqualFold(fields[i-1], "WITH"):
		case strings.HasPrefix(id, "LicenseRef-") || strings.HasPrefix(id, "DocumentRef-"):
		default:
			if ok, canonical := spdxexp.ActiveLicense(strings.TrimSuffix(id, "+")); ok && !strings.HasSuffix(id, "+") {
				id = canonical
			}
			if u := "https://spdx.org/licenses/" + id + ".html"; !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	return out
}

// copiesOf lists the other repositories whose history starts with the same
// commit as src: copies of one project, wherever they are listed.
func (s *Server) copiesOf(ctx context.Context, src *catalogue.Repository) ([]catalogue.Repository, error) {
	if src == nil || src.RootCommit == "" {
		return nil, nil
	}
	list, _, err := s.catalog.Repositories(ctx, catalogue.RepositoryFilter{RootCommit: src.RootCommit}, catalogue.Page{Size: 100})
	if err != nil {
		return nil, err
	}
	var out []catalogue.Repository
	for _, r := range list {
		if r.URL != src.URL {
			out = append(out, r)
		}
	}
	return out, nil
}
