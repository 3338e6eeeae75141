package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"

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
	sw, err := s.store.Software(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	repos, _, err := s.store.Repositories(ctx, catalogue.RepositoryFilter{Software: sw.ID}, catalogue.Page{Size: 100})
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

// sourceRepository is the repository whose file the entry shows: the one at
// the canonical URL, else the first one carrying it that is not a fork.
func sourceRepository(sw catalogue.Software, repos []catalogue.Repository) *catalogue.Repository {
	for i := range repos {
		if repos[i].URL == sw.URL {
			return &repos[i]
		}
	}
	for i := range repos {
		if repos[i].Role != catalogue.RoleFork && repos[i].Raw != "" {
			return &repos[i]
		}
	}
	if len(repos) > 0 {
		return &repos[0]
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

// softwareJSONLD describes the entry for search engines as a schema.org
// SoftwareSourceCode.
func (s *Server) softwareJSONLD(sw catalogue.Software, f *publiccode.File, d publiccode.Description, pubs []catalogue.Publisher) map[string]any {
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "SoftwareSourceCode",
		"name": sw.Name, "url": s.absolute("/software/" + url.PathEscape(sw.ID)), "codeRepository": sw.URL,
		"dateModified": sw.UpdatedAt.UTC().Format("2006-01-02"), "dateCreated": sw.CreatedAt.UTC().Format("2006-01-02"),
	}
	if d.ShortDescription != "" {
		ld["description"] = d.ShortDescription
	}
	if f.Legal.License != "" {
		ld["license"] = f.Legal.License
	}
	if f.SoftwareVersion != "" {
		ld["version"] = f.SoftwareVersion
	}
	if f.LandingURL != "" {
		ld["sameAs"] = f.LandingURL
	}
	if len(f.Categories) > 0 {
		ld["applicationCategory"] = strings.Join(f.Categories, ", ")
	}
	if len(f.Platforms) > 0 {
		ld["runtimePlatform"] = f.Platforms
	}
	if len(f.Languages) > 0 {
		ld["inLanguage"] = f.Languages
	}
	if len(d.Features) > 0 {
		ld["keywords"] = strings.Join(d.Features, ", ")
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

// copiesOf lists the other repositories whose history starts with the same
// commit as src: copies of one project, wherever they are listed.
func (s *Server) copiesOf(ctx context.Context, src *catalogue.Repository) ([]catalogue.Repository, error) {
	if src == nil || src.RootCommit == "" {
		return nil, nil
	}
	list, _, err := s.store.Repositories(ctx, catalogue.RepositoryFilter{RootCommit: src.RootCommit}, catalogue.Page{Size: 100})
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
