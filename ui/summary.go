package ui

import (
	"html"
	"html/template"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/search"
)

// summary is a software entry as lists show it: home, results, a publisher.
type summary struct {
	ID, Name        string
	Valid, Archived bool
	// Text is the short description, or a snippet with the matched words marked
	// (HTML escaped by search.Snippet); TextLang is its language.
	Text     template.HTML
	TextLang string
	License  string
	Status   string
	// Publishers are the publishers' names with their IDs.
	Publishers []ref
	// Logo is the stored logo's path on this site, or empty.
	Logo string
	// From names the instance a harvested entry was crawled by.
	From string
	// Users counts the administrations that use it; OpenToJoin and
	// PublisherUnverified are its join marks.
	Users                           int
	OpenToJoin, PublisherUnverified bool
}

// ref is a link to an entity: its ID and what to call it.
type ref struct{ ID, Name string }

// summaries prepares entries for a list in the visitor's language; terms, when
// given, are highlighted in a snippet.
func summaries(l localiser, snap *snapshot, list []catalogue.Software, terms []string) []summary {
	out := make([]summary, 0, len(list))
	for _, sw := range list {
		sm := summary{ID: sw.ID, Name: sw.Name, Valid: sw.Valid, Archived: sw.Archived, Users: sw.Users, OpenToJoin: sw.OpenToJoin,
			PublisherUnverified: sw.PublisherUnverified}
		if sw.Logo != "" {
			sm.Logo = "/media/" + sw.Logo
		}
		if sw.Origin != nil {
			sm.From = sw.Origin.Instance
		}
		for _, id := range sw.Publishers {
			sm.Publishers = append(sm.Publishers, ref{id, snap.publisherName(id)})
		}
		if f := sw.File; f != nil {
			sm.License = f.Legal.License
			if f.DevelopmentStatus != "" {
				sm.Status = l.Label("developmentStatus", f.DevelopmentStatus)
			}
			lang, d := f.PreferredDescription(l.Lang)
			if len(terms) > 0 {
				snip, in := search.Snippet(sw, terms, l.Lang)
				sm.Text, sm.TextLang = template.HTML(markdownMarks.Replace(snip)), in //nolint:gosec // Snippet escapes the text itself.
			} else if d.ShortDescription != "" {
				sm.Text, sm.TextLang = template.HTML(html.EscapeString(d.ShortDescription)), lang //nolint:gosec // escaped
			}
		}
		out = append(out, sm)
	}
	return out
}

// markdownMarks are the emphasis and code marks of Markdown, which a snippet
// cut from a long description would otherwise show as written.
var markdownMarks = strings.NewReplacer("**", "", "__", "", "`", "")
