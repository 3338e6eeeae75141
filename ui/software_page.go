package ui

import (
	"context"
	"html/template"
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

// softwarePage is the data of one entry's page. F is its file (empty when it
// has none); Desc the description shown, in DescLang, which DescForeign marks
// when it is not the visitor's language and DescLangs lets them switch.
type softwarePage struct {
	S catalogue.Software
	F *publiccode.File

	Desc          publiccode.Description
	DescLang      string
	DescLangName  string
	DescForeign   bool
	Long          template.HTML
	DescLangs     []descLink
	LocalisedName string

	Categories, Platforms, Scope []labelled
	Countries, Available         []string
	Publishers                   []catalogue.Publisher
	Repositories                 []catalogue.Repository

	// Source is the repository whose file is checked: its Findings, the file's
	// Lines with the findings beside them, and the findings of no line
	// (General); Cut says the file is longer than the page shows.
	Source   *catalogue.Repository
	Findings []findingView
	Lines    []sourceLine
	General  []findingView
	Cut      bool
	Counts   publiccode.Counts

	Logo        string
	Screenshots []string
	Activity    *activityPage
	// AppOf is the repository an app's activity is measured on, when it
	// shares it with the other apps there.
	AppOf    string
	Builders *buildersPage
	Variants []catalogue.SoftwareLink
	BasedOn  []catalogue.SoftwareLink
	Copies   []catalogue.Repository
	Join     *joinPanel
	// Done names what a form the visitor sent just did.
	Done string
}

// softwarePage shows one entry: what it is, who publishes it, where its code
// lives, and how its publiccode.yml fared.
func (s *Server) softwarePage(c echo.Context) error {
	l := s.localiser(c)
	p, err := s.softwarePageData(c, l)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "software", view{
		Title: p.S.Name, Section: "search", JSONLD: s.softwareJSONLD(p.S, p.F, p.Desc, p.Publishers), Page: p,
		Description: p.Desc.ShortDescription,
	})
}

// softwarePageData gathers the entry the request names, its repositories and
// the visitor's join panel.
func (s *Server) softwarePageData(c echo.Context, l localiser) (softwarePage, error) {
	ctx := c.Request().Context()
	sw, err := s.catalog.Software(ctx, c.Param("id"))
	if err != nil {
		return softwarePage{}, err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return softwarePage{}, err
	}
	repos, _, err := s.catalog.Repositories(ctx, catalogue.RepositoryFilter{Software: sw.ID}, catalogue.Page{Size: 100})
	if err != nil {
		return softwarePage{}, err
	}
	p := softwarePage{S: sw, F: sw.File, Repositories: repos, Variants: sw.Variants, BasedOn: sw.BasedOn, Done: c.QueryParam("done")}
	if p.F == nil {
		p.F = &publiccode.File{}
	}
	p.describe(l, c.QueryParam("desc"))
	p.facts(l)
	for _, id := range sw.Publishers {
		if pub, ok := snap.publishers[id]; ok {
			p.Publishers = append(p.Publishers, pub)
		}
	}
	p.validation(l)
	p.media(l)
	if p.Copies, err = s.copiesOf(ctx, p.Source); err != nil {
		return softwarePage{}, err
	}
	if p.Join, err = s.joinPanelFor(c, sw); err != nil {
		return softwarePage{}, err
	}
	return p, nil
}

// describe picks the description: the one asked for, else the visitor's
// language, else the file's first, marked when it is not the visitor's.
func (p *softwarePage) describe(l localiser, asked string) {
	f := p.F
	lang, d := f.PreferredDescription(l.Lang)
	if _, ok := f.Description[asked]; ok {
		lang, d = asked, f.Description[asked]
	}
	p.Desc, p.DescLang, p.DescLangName = d, lang, l.LanguageName(lang)
	p.DescForeign = lang != "" && !l.SameLanguage(lang) && asked == ""
	p.Long = renderMarkdown(d.LongDescription)
	for _, dl := range f.Languages {
		p.DescLangs = append(p.DescLangs, descLink{Lang: dl, Name: l.LanguageName(dl),
			Href: "/software/" + url.PathEscape(p.S.ID) + "?desc=" + url.QueryEscape(dl) + "#description", Current: dl == lang})
	}
	if d.LocalisedName != "" && d.LocalisedName != p.S.Name {
		p.LocalisedName = d.LocalisedName
	}
}

// facts labels the file's vocabulary, countries and languages.
func (p *softwarePage) facts(l localiser) {
	f := p.F
	p.Categories = vocabLinks(l, "category", "categories", f.Categories)
	p.Platforms = vocabLinks(l, "platform", "platforms", f.Platforms)
	p.Scope = vocabLinks(l, "scope", "scope", f.IntendedAudience.Scope)
	for _, cc := range f.IntendedAudience.Countries {
		p.Countries = append(p.Countries, l.CountryName(strings.ToUpper(cc)))
	}
	for _, al := range f.Localisation.AvailableLanguages {
		p.Available = append(p.Available, l.LanguageName(al))
	}
}

// validation puts the source repository's findings next to its file's lines.
func (p *softwarePage) validation(l localiser) {
	src := sourceRepository(p.S, p.Repositories)
	raw := p.S.Raw
	if src != nil {
		p.Findings = l.Findings(src.Findings, src.Raw)
		if src.Raw != "" {
			raw = src.Raw
		}
		p.Source = src
	}
	p.Lines, p.General, p.Cut = annotate(raw, p.Findings)
	p.Counts = publiccode.Count(srcFindings(src))
}

// media adds the logo, the screenshots, the activity and who builds it.
func (p *softwarePage) media(l localiser) {
	sw, src := p.S, p.Source
	if sw.Logo != "" {
		p.Logo = "/media/" + sw.Logo
	}
	if src != nil {
		for _, m := range src.Media {
			if m.Role == "screenshot" {
				p.Screenshots = append(p.Screenshots, "/media/"+m.Hash)
			}
		}
	}
	if a := sw.Activity; a != nil {
		av := activityView(l, a)
		p.Activity = &av
		if src != nil {
			// An app of a repository that holds several: its activity is the repository's.
			if repo, _, ok := catalogue.SplitAppURL(src.URL); ok {
				p.AppOf = repo
			}
		}
	}
	p.Builders = buildersView(l, sw.Contributions, sw.Declared, sw.Origin)
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

// softwareLD is an entry in schema.org terms; its fields are in the order the
// JSON keys used to be sorted. License is one URL or a list of them.
type softwareLD struct {
	Context             string           `json:"@context"`
	ID                  string           `json:"@id"`
	Type                []string         `json:"@type"`
	ApplicationCategory []string         `json:"applicationCategory,omitempty"`
	CodeRepository      string           `json:"codeRepository,omitempty"`
	DateModified        string           `json:"dateModified,omitempty"`
	DatePublished       string           `json:"datePublished,omitempty"`
	Description         string           `json:"description,omitempty"`
	FeatureList         []string         `json:"featureList,omitempty"`
	InLanguage          []string         `json:"inLanguage,omitempty"`
	License             any              `json:"license,omitempty"`
	MainEntityOfPage    string           `json:"mainEntityOfPage"`
	Name                string           `json:"name"`
	Publisher           []publisherRefLD `json:"publisher,omitempty"`
	RuntimePlatform     []string         `json:"runtimePlatform,omitempty"`
	SameAs              string           `json:"sameAs,omitempty"`
	SoftwareVersion     string           `json:"softwareVersion,omitempty"`
	URL                 string           `json:"url"`
}

// publisherRefLD is a publisher as an entry's schema.org node names it.
type publisherRefLD struct {
	Type       string `json:"@type"`
	Identifier string `json:"identifier,omitempty"`
	Name       string `json:"name"`
}

// softwareJSONLD describes the entry for search engines in schema.org terms:
// one node typed both SoftwareSourceCode (the code, its repository) and
// SoftwareApplication (what it does: categories, features, version), named
// like the DCAT-AP dataset. Its dates are the software's (the release date of
// its version, its last commit), never our crawl's.
func (s *Server) softwareJSONLD(sw catalogue.Software, f *publiccode.File, d publiccode.Description, pubs []catalogue.Publisher) softwareLD {
	page := s.absolute("/software/" + url.PathEscape(sw.ID))
	ld := softwareLD{Context: "https://schema.org", Type: []string{"SoftwareSourceCode", "SoftwareApplication"},
		ID: s.datasetIRI(sw.ID), Name: sw.Name, URL: page, MainEntityOfPage: page,
		Description: d.ShortDescription, SoftwareVersion: f.SoftwareVersion,
		ApplicationCategory: slices.Clone(f.Categories), RuntimePlatform: f.Platforms, InLanguage: f.Languages, FeatureList: d.Features}
	if u, ok := webIRI(sw.URL); ok {
		ld.CodeRepository = u
	}
	if lic := spdxLicenceURLs(f.Legal.License); len(lic) == 1 {
		ld.License = lic[0]
	} else if len(lic) > 1 {
		ld.License = lic
	}
	if t, err := time.Parse(time.DateOnly, f.ReleaseDate); err == nil {
		ld.DatePublished = t.Format(time.DateOnly)
	}
	ld.DateModified = ld.DatePublished
	if sw.Activity != nil && sw.Activity.LastCommit != nil {
		ld.DateModified = sw.Activity.LastCommit.UTC().Format(time.DateOnly)
	}
	if u, ok := webIRI(f.LandingURL); ok {
		ld.SameAs = u
	}
	for _, p := range pubs {
		ld.Publisher = append(ld.Publisher, publisherRefLD{Type: "GovernmentOrganization", Name: p.Name, Identifier: p.URI})
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
