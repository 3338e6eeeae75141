package ui

import (
	"embed"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/vocab"
)

//go:embed texts/*.json texts/editor/*.json
var textFiles embed.FS

// newBundle registers, in one bundle, every text the site shows: its own pages'
// (ui.*), the vocabulary labels and the validator's messages.
func newBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle()
	if err := b.AddFS(textFiles, "texts"); err != nil {
		return nil, fmt.Errorf("ui texts: %w", err)
	}
	if err := b.AddFS(textFiles, "texts/editor"); err != nil {
		return nil, fmt.Errorf("editor texts: %w", err)
	}
	if err := vocab.Register(b); err != nil {
		return nil, err
	}
	if err := publiccode.RegisterMessages(b); err != nil {
		return nil, fmt.Errorf("validator messages: %w", err)
	}
	return b, nil
}

// langCookie remembers the language a visitor chose with the switch.
const langCookie = "lang"

// langKey is where the request's language is kept in the Echo context.
const langKey = "oscat.lang"

// siteLanguage reports whether l is one of the languages the site ships.
func siteLanguage(l string) bool {
	for _, s := range i18n.Languages() {
		if s == l {
			return true
		}
	}
	return false
}

// chooseLanguage sets the request's language: ?lang=xx (remembered in a cookie),
// else the cookie, else the best match for Accept-Language.
func (s *Server) chooseLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := ""
		if q := c.QueryParam("lang"); siteLanguage(q) {
			lang = q
			s.rememberLanguage(c, q)
		} else if ck, err := c.Cookie(langCookie); err == nil && siteLanguage(ck.Value) {
			lang = ck.Value
		} else {
			lang = i18n.Negotiate(c.Request().Header.Get("Accept-Language"))
		}
		c.Set(langKey, lang)
		if p := c.Request().URL.Path; !strings.HasPrefix(p, "/api/v1/") && !strings.HasPrefix(p, "/static/") {
			// Pages differ by language; the API and static files do not.
			c.Response().Header().Add("Vary", "Accept-Language, Cookie")
		}
		return next(c)
	}
}

func (s *Server) rememberLanguage(c echo.Context, lang string) {
	c.SetCookie(&http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.opts.PublicURL, "https://"),
	})
}

func requestLanguage(c echo.Context) string {
	if l, ok := c.Get(langKey).(string); ok {
		return l
	}
	return i18n.English
}

// localiser renders texts in one language; templates call its methods.
type localiser struct {
	b    *i18n.Bundle
	Lang string
}

// T returns the text of key with its placeholders filled from name, value pairs.
func (l localiser) T(key string, pairs ...any) string {
	var args []i18n.Arg
	for i := 0; i+1 < len(pairs); i += 2 {
		args = append(args, i18n.Arg{Name: fmt.Sprint(pairs[i]), Value: fmt.Sprint(pairs[i+1])})
	}
	return l.b.Text(l.Lang, key, args...)
}

// Label is a vocabulary value's label ("category", "appointment-scheduling").
func (l localiser) Label(kind, id string) string {
	return vocab.Label(l.b, vocab.Kind(kind), id, l.Lang)
}

// LanguageName is a language's name in the visitor's language ("it" is
// "Italian" in English, "Italienisch" in German).
func (l localiser) LanguageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if n := display.Tags(language.Make(l.Lang)).Name(t); n != "" {
		return n
	}
	return tag
}

// CountryName is a country's name in the visitor's language, from its ISO code.
func (l localiser) CountryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(l.Lang)).Name(r); n != "" {
		return n
	}
	return code
}

// SameLanguage reports whether a content language tag ("it-IT") is the
// visitor's language.
func (l localiser) SameLanguage(tag string) bool {
	b, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(tag, "_", "-")), "-")
	return b == l.Lang
}

// autonyms name each site language in itself, for the switch.
var autonyms = map[string]string{
	"en": "English", "nl": "Nederlands", "da": "Dansk", "it": "Italiano", "de": "Deutsch", "fr": "Français",
}

// langLink is one entry of the language switch.
type langLink struct {
	Lang, Name, Href string
	Current          bool
}

// languageLinks are the switch's links: the same page with ?lang=xx.
func languageLinks(c echo.Context, current string) []langLink {
	var out []langLink
	for _, l := range i18n.Languages() {
		q := c.Request().URL.Query()
		q.Set("lang", l)
		out = append(out, langLink{Lang: l, Name: autonyms[l], Href: c.Request().URL.Path + "?" + encodeQuery(q), Current: l == current})
	}
	return out
}
