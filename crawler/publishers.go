package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"

	"github.com/oscat-eu/oscat/catalogue"
)

// PublishersFileError is a problem in a publishers list, with where it is.
type PublishersFileError struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *PublishersFileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// publisherEntry is one item of a publishers list: Oscat's shape, or Developers
// Italia's (id, name, orgs, repos), which is read as it is.
type publisherEntry struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Country       string   `yaml:"country"`
	URI           string   `yaml:"uri"`
	AlternativeID string   `yaml:"alternativeId"`
	EmailDomains  []string `yaml:"emailDomains"`
	// CountContributions false is the operator's setting that turns off the
	// counting of the administration's e-mail domains in contribution figures.
	CountContributions *bool              `yaml:"countContributions"`
	CodeHosting        []codeHostingEntry `yaml:"codeHosting"`
	Orgs               []string           `yaml:"orgs"`
	Repos              []string           `yaml:"repos"`
	Active             *bool              `yaml:"active"`

	// The older whitelist shapes of Developers Italia's crawler: an iPA code
	// (spelt two ways), organisation URLs, or organisation names per forge API.
	CodiceIPA     string         `yaml:"codice-iPA"`
	CodiceIPAAlt  string         `yaml:"codice-IPA"`
	Organizations []string       `yaml:"organizations"`
	Repositories  []whitelistAPI `yaml:"repositories"`
}

// whitelistAPI is one forge of an old whitelist entry: organisation names on it.
type whitelistAPI struct {
	API           string   `yaml:"api"`
	Organizations []string `yaml:"organizations"`
}

// whitelistHosts are the forges an old whitelist's "api" names.
var whitelistHosts = map[string]string{"github": "https://github.com/", "gitlab": "https://gitlab.com/", "bitbucket": "https://bitbucket.org/"}

type codeHostingEntry struct {
	URL   string `yaml:"url"`
	Group *bool  `yaml:"group"`
	Type  string `yaml:"type"`
}

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

// ParsePublishers reads a publishers list (YAML). name is used in errors. Every
// problem names the file, line and column.
func ParsePublishers(name string, data []byte) ([]catalogue.Publisher, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil // only comments: a list with nobody in it yet
		}
		return nil, &PublishersFileError{File: name, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	// Developers Italia's files start with a comment then "---"; skip empty documents.
	for root.Kind == yaml.DocumentNode && len(root.Content) == 0 || (len(root.Content) > 0 && root.Content[0].Tag == "!!null") {
		root = yaml.Node{}
		if err := dec.Decode(&root); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			return nil, &PublishersFileError{File: name, Msg: "the file holds no list of publishers"}
		}
	}
	list := root.Content[0]
	if list.Kind != yaml.SequenceNode {
		return nil, &PublishersFileError{File: name, Line: list.Line, Column: list.Column, Msg: "the file must be a YAML list of publishers (- id: …)"}
	}
	var out []catalogue.Publisher
	seen := map[string]int{}
	for _, item := range list.Content {
		fail := func(msg string) error {
			return &PublishersFileError{File: name, Line: item.Line, Column: item.Column, Msg: msg}
		}
		if item.Kind != yaml.MappingNode {
			return nil, fail("each publisher must be a mapping with id, name and codeHosting")
		}
		var e publisherEntry
		if err := item.Decode(&e); err != nil {
			return nil, fail(strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if e.Active != nil && !*e.Active {
			continue
		}
		p, err := e.publisher()
		if err != nil {
			return nil, fail(err.Error())
		}
		if line, dup := seen[p.ID]; dup {
			return nil, fail(fmt.Sprintf("publisher id %q is used twice (also on line %d)", p.ID, line))
		}
		seen[p.ID] = item.Line
		out = append(out, p)
	}
	return out, nil
}

func (e publisherEntry) publisher() (catalogue.Publisher, error) {
	e.fromWhitelist()
	p := catalogue.Publisher{
		ID: e.ID, Name: strings.TrimSpace(e.Name), Country: strings.ToUpper(e.Country),
		URI: e.URI, AlternativeID: e.AlternativeID, EmailDomains: e.EmailDomains,
		CountingOff: e.CountContributions != nil && !*e.CountContributions,
	}
	if p.Name == "" {
		return p, errors.New("name is required")
	}
	if p.ID == "" {
		p.ID = Slug(p.Name)
	}
	if p.Country != "" && !countryRE.MatchString(p.Country) {
		return p, fmt.Errorf("country %q: use an ISO 3166-1 alpha-2 code such as IT or NL", e.Country)
	}
	for _, h := range e.CodeHosting {
		if strings.TrimSpace(h.URL) == "" {
			return p, errors.New("codeHosting: each entry needs a url")
		}
		group := h.Group != nil && *h.Group
		p.CodeHosting = append(p.CodeHosting, catalogue.CodeHosting{URL: strings.TrimSpace(h.URL), Group: group, Type: catalogue.HostingType(strings.ToLower(h.Type))})
	}
	for _, u := range e.Orgs {
		p.CodeHosting = append(p.CodeHosting, catalogue.CodeHosting{URL: strings.TrimSpace(u), Group: true})
	}
	for _, u := range e.Repos {
		p.CodeHosting = append(p.CodeHosting, catalogue.CodeHosting{URL: strings.TrimSpace(u)})
	}
	for _, h := range p.CodeHosting {
		if _, err := catalogue.CanonicalURL(h.URL); err != nil {
			return p, fmt.Errorf("code hosting %q: write an absolute URL such as https://github.com/comune-torino", h.URL)
		}
	}
	if err := p.Validate(); err != nil {
		return p, errors.New(catalogue.UserMessage(err))
	}
	return p, nil
}

// fromWhitelist maps the older whitelist shapes onto the current one: an iPA
// code becomes the alternative ID and an Italian-PA URN (and marks the country),
// an "id" that is really a name becomes the name, organisation URLs and names
// become group code hosting.
func (e *publisherEntry) fromWhitelist() {
	ipa := strings.TrimSpace(e.CodiceIPA)
	if ipa == "" {
		ipa = strings.TrimSpace(e.CodiceIPAAlt)
	}
	if ipa != "" && !strings.HasPrefix(ipa, "example") {
		if e.AlternativeID == "" {
			e.AlternativeID = ipa
		}
		if e.URI == "" {
			e.URI = "urn:x-italian-pa:" + strings.ToLower(ipa)
		}
		if e.Country == "" {
			e.Country = "IT"
		}
	}
	if e.Name == "" && e.ID != "" && !publisherIDRE.MatchString(e.ID) {
		e.Name, e.ID = e.ID, ""
	}
	e.Orgs = append(e.Orgs, e.Organizations...)
	for _, r := range e.Repositories {
		base, ok := whitelistHosts[strings.ToLower(r.API)]
		for _, o := range r.Organizations {
			if ok && !strings.Contains(o, "://") {
				o = base + strings.Trim(o, "/")
			}
			e.Orgs = append(e.Orgs, o)
		}
	}
}

var publisherIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// Slug derives a publisher ID from a name: "Città di Torino" → "citta-di-torino".
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	if s == "" {
		s = "publisher"
	}
	return s
}
