// Package i18n is Oscat's one translation mechanism. Each package keeps its own
// texts, one message file per language, and registers them in a Bundle; a lookup
// falls back to English when a language lacks a text.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// English is the language every text exists in, and the fallback for all others.
const English = "en"

// siteLanguages are the languages the site ships, English first: a language
// negotiation that matches nothing better ends on English.
var siteLanguages = []string{"en", "nl", "da", "it", "de", "fr"}

// Languages returns the site's languages, English first.
func Languages() []string { return append([]string(nil), siteLanguages...) }

// Arg is one named value substituted into a text: a text "{key} is required"
// with Arg{"key", "name"} reads "name is required".
type Arg struct {
	Name  string
	Value string
}

// Message is a text to render later, in whatever language its reader wants: the
// key of the text and the values to fill it with.
type Message struct {
	ID   string
	Args []Arg
}

// Bundle holds the texts of every package that registered in it, per language.
// Fill it at start-up, before the first lookup; lookups are then safe from any
// number of goroutines.
type Bundle struct {
	texts map[string]map[string]string // language → key → text
}

// NewBundle returns an empty bundle.
func NewBundle() *Bundle { return &Bundle{texts: map[string]map[string]string{}} }

// Add registers texts in one language. Keys are shared by every package in the
// bundle, so each package prefixes its own ("publiccode.required"); registering
// a key twice in a language is an error, as it would hide one package's text.
func (b *Bundle) Add(lang string, texts map[string]string) error {
	lang = base(lang)
	m := b.texts[lang]
	if m == nil {
		m = make(map[string]string, len(texts))
		b.texts[lang] = m
	}
	for k, v := range texts {
		if _, dup := m[k]; dup {
			return fmt.Errorf("i18n: %s text %q registered twice", lang, k)
		}
		m[k] = v
	}
	return nil
}

// AddFS registers every message file in dir of fsys. A message file is named
// after its language ("en.json", "it.json") and holds one JSON object of keys and
// texts.
func (b *Bundle) AddFS(fsys fs.FS, dir string) error {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("i18n: list %s: %w", dir, err)
	}
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("i18n: %w", err)
		}
		var texts map[string]string
		if err := json.Unmarshal(data, &texts); err != nil {
			return fmt.Errorf("i18n: %s: %w", name, err)
		}
		if err := b.Add(strings.TrimSuffix(path.Base(name), ".json"), texts); err != nil {
			return fmt.Errorf("i18n: %s: %w", name, err)
		}
	}
	return nil
}

// Text returns the text for key in lang with its {name} placeholders filled from
// args. It falls back from a regional tag to its language ("it-CH" to "it"), then
// to English, then to the key itself, so that a missing text shows, never hides.
func (b *Bundle) Text(lang, key string, args ...Arg) string {
	t, ok := b.texts[base(lang)][key]
	if !ok {
		if t, ok = b.texts[English][key]; !ok {
			return key
		}
	}
	return Format(t, args...)
}

// Render returns m in lang, as Text does.
func (b *Bundle) Render(lang string, m Message) string { return b.Text(lang, m.ID, m.Args...) }

// Has reports whether lang has its own text for key, without falling back.
func (b *Bundle) Has(lang, key string) bool {
	_, ok := b.texts[base(lang)][key]
	return ok
}

// Keys returns the keys registered in lang.
func (b *Bundle) Keys(lang string) []string {
	m := b.texts[base(lang)]
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// Format fills the {name} placeholders of text from args. A placeholder with no
// matching argument is left as written.
func Format(text string, args ...Arg) string {
	if len(args) == 0 || strings.IndexByte(text, '{') < 0 {
		return text
	}
	var sb strings.Builder
	sb.Grow(len(text) + 32)
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		closing := strings.IndexByte(text[open:], '}')
		if closing < 0 {
			break
		}
		name := text[open+1 : open+closing]
		value, found := lookup(args, name)
		sb.WriteString(text[:open])
		if found {
			sb.WriteString(value)
		} else {
			sb.WriteString(text[open : open+closing+1])
		}
		text = text[open+closing+1:]
	}
	sb.WriteString(text)
	return sb.String()
}

func lookup(args []Arg, name string) (string, bool) {
	for _, a := range args {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// base reduces a language tag to its primary language subtag, lower-cased, which
// is how message files are named.
func base(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}

var matcher = sync.OnceValue(func() language.Matcher {
	tags := make([]language.Tag, len(siteLanguages))
	for i, l := range siteLanguages {
		tags[i] = language.MustParse(l)
	}
	return language.NewMatcher(tags)
})

// Negotiate picks the site language that best serves an Accept-Language header
// ("nl-BE,nl;q=0.9,en;q=0.8" gives "nl"). An empty or unreadable header, or one
// naming only languages the site does not ship, gives English.
func Negotiate(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	return Match(tags...)
}

// Match picks the site language that best serves the given preferences, in order.
func Match(prefs ...language.Tag) string {
	_, i, conf := matcher().Match(prefs...)
	if conf == language.No {
		return English
	}
	return siteLanguages[i]
}
