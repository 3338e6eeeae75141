package publiccode

import (
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/language"

	"github.com/oscat-eu/oscat/catalogue/publiccode/ipa"
)

// url checks a URL of any scheme (a repository may be git://, svn://, https://).
func (v *validator) url(key, s string) {
	if s == "" || v.d.reported[key] {
		return
	}
	if trimmed := strings.TrimSpace(s); trimmed != s && isURL(trimmed) {
		v.add(SeverityError, "invalid-url", key, "invalid-url.spaces", arg("name", lastKey(key)), arg("suggestion", trimmed))
		return
	}
	if !isURL(s) {
		v.add(SeverityError, "invalid-url", key, "invalid-url", arg("name", lastKey(key)), arg("value", s))
	}
}

// isURL reports whether s is an absolute URL: a scheme and then a host, or an
// opaque part (mailto:…).
func isURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	return u.Host != "" || u.Opaque != "" || (u.Scheme == "file" && u.Path != "")
}

// httpURL checks a URL a browser should open: http or https, with a host.
func (v *validator) httpURL(key, s string) {
	if s == "" || v.d.reported[key] {
		return
	}
	if isHTTPURL(s) {
		return
	}
	switch trimmed := strings.TrimSpace(s); {
	case trimmed != s && isHTTPURL(trimmed):
		v.add(SeverityError, "invalid-url", key, "invalid-url.spaces", arg("name", lastKey(key)), arg("suggestion", trimmed))
	case !strings.Contains(trimmed, "://") && isHTTPURL("https://"+trimmed) && strings.Contains(hostOf("https://"+trimmed), "."):
		v.add(SeverityError, "invalid-url", key, "invalid-url.scheme", arg("name", lastKey(key)), arg("value", s), arg("suggestion", "https://"+trimmed))
	default:
		v.add(SeverityError, "invalid-url", key, "invalid-url.http", arg("name", lastKey(key)), arg("value", s))
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && !strings.ContainsAny(u.Host, " \t")
}

func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// dateLayouts are the ways people write dates, for suggesting the standard's.
var dateLayouts = []string{"2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05", "02/01/2006", "02.01.2006", "02-01-2006", "2006/01/02", "2006.01.02"}

// date checks a date in the standard's one format, YYYY-MM-DD.
func (v *validator) date(key, s string) {
	if s == "" || v.d.reported[key] {
		return
	}
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			v.add(SeverityError, "invalid-date", key, "invalid-date.suggest", arg("name", lastKey(key)), arg("value", s), arg("suggestion", t.Format(time.DateOnly)))
			return
		}
	}
	v.add(SeverityError, "invalid-date", key, "invalid-date", arg("name", lastKey(key)), arg("value", s))
}

// email checks a bare e-mail address, such as someone@example.org.
func (v *validator) email(key, s string) {
	if s == "" || v.d.reported[key] {
		return
	}
	a, err := mail.ParseAddress(s)
	if err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return
	}
	v.add(SeverityError, "invalid-email", key, "invalid-email", arg("name", lastKey(key)), arg("value", s))
}

// urnRE is RFC 2141's urn:NID:NSS.
var urnRE = regexp.MustCompile(`^(?i:urn):[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$`)

// ipaRE is the shape of a code in the Italian public administrations' index
// (iPA): c_h501, pcm, r_lombar, 5t_piem.
var ipaRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]{1,31}$`)

func isIPACode(s string) bool { return ipaRE.MatchString(s) }

const italianPA = "urn:x-italian-pa:"

// organisationURI checks the URI identifying an organisation: a web address, a
// URN, and for Italian administrations urn:x-italian-pa: and their iPA code.
func (v *validator) organisationURI(key, s string) {
	if v.d.reported[key] {
		return
	}
	if len(s) > len(italianPA) && strings.EqualFold(s[:len(italianPA)], italianPA) {
		code := s[len(italianPA):]
		switch {
		case !isIPACode(code):
			v.add(SeverityError, "invalid-ipa", key, "invalid-ipa.uri", arg("value", s))
		case !ipa.Known(code):
			v.add(SeverityError, "invalid-ipa", key, "invalid-ipa.uri-unknown", arg("value", s), arg("code", code), arg("date", ipa.SnapshotDate))
		}
		return
	}
	if isURN(s) || isHTTPURL(s) {
		return
	}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		return
	}
	if isIPACode(s) && !strings.Contains(s, ".") {
		v.add(SeverityError, "invalid-uri", key, "invalid-uri.ipa", arg("name", lastKey(key)), arg("value", s), arg("suggestion", italianPA+s))
		return
	}
	v.add(SeverityError, "invalid-uri", key, "invalid-uri", arg("name", lastKey(key)), arg("value", s))
}

func isURN(s string) bool {
	return len(s) > 4 && strings.EqualFold(s[:4], "urn:") && urnRE.MatchString(s)
}

// supportID checks a supports entry: alias:NAME from the standard's aliases, or
// a URI naming the standard directly.
func (v *validator) supportID(key, s string) {
	if name, ok := strings.CutPrefix(s, "alias:"); ok {
		if contains(supportAliases, name) {
			return
		}
		if sug := closest(name, supportAliases); sug != "" {
			v.add(SeverityError, "unknown-alias", key, "unknown-alias.typo", arg("value", s), arg("suggestion", "alias:"+sug))
		} else {
			v.add(SeverityError, "unknown-alias", key, "unknown-alias", arg("value", s), arg("values", quoteList(supportAliases)))
		}
		return
	}
	if !isURN(s) && !isURL(s) {
		v.add(SeverityError, "invalid-uri", key, "invalid-uri.support", arg("value", s))
	}
}

// mimeRE is a media type as RFC 6838 names them: type/subtype.
var mimeRE = regexp.MustCompile(`^ *[A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} *$`)

func (v *validator) mimeTypes(key string, types []string) {
	if !v.checked(key) {
		return
	}
	for i, t := range types {
		if !mimeRE.MatchString(t) {
			v.add(SeverityError, "invalid-mime", v.item(key, i), "invalid-mime", arg("value", t))
		}
	}
}

// maxLength reports text longer than limit grapheme clusters.
func (v *validator) maxLength(key, s string, limit int) {
	// A string of at most limit bytes cannot hold more clusters than that.
	if len(s) <= limit || v.d.reported[key] {
		return
	}
	if n := graphemesUpTo(s, limit+1); n > limit {
		v.add(SeverityError, "too-long", key, "too-long", arg("name", lastKey(key)),
			arg("limit", strconv.Itoa(limit)), arg("length", strconv.Itoa(uniseg.GraphemeClusterCount(s))))
	}
}

// minLength reports text shorter than limit grapheme clusters.
func (v *validator) minLength(key, s string, limit int) {
	if v.d.reported[key] {
		return
	}
	if n := graphemesUpTo(s, limit); n < limit {
		v.add(SeverityError, "too-short", key, "too-short", arg("name", lastKey(key)), arg("limit", strconv.Itoa(limit)), arg("length", strconv.Itoa(n)))
	}
}

// graphemesUpTo counts the grapheme clusters of s, stopping at limit: the rules
// only ask whether a text is longer or shorter than a bound, and a 10,000
// character description need not be segmented to the end for that.
func graphemesUpTo(s string, limit int) int {
	n := 0
	state := -1
	for s != "" && n < limit {
		if s[0] < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) && s[0] != '\r' {
			// Two ASCII bytes in a row (other than CR LF) always split.
			s = s[1:]
			n++
			state = -1
			continue
		}
		_, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		n++
	}
	return n
}

// isLanguageTag reports whether s is a well-formed BCP 47 tag for a known
// language: "en", "en-GB", "sl-IT-nedis", not "en_GB", "english" or "eng".
func isLanguageTag(s string) bool {
	if s == "" || strings.ContainsAny(s, "_ ") {
		return false
	}
	t, err := language.Parse(s)
	if err != nil {
		return false
	}
	// x/text canonicalises three-letter codes that have a two-letter form
	// ("eng" to "en"); BCP 47 requires the shortest form.
	b, _ := t.Base()
	first, _, _ := strings.Cut(s, "-")
	return strings.EqualFold(b.String(), first)
}

// suggestLanguage proposes a well-formed tag for a malformed one ("en_GB" to
// "en-GB"), or "en" when there is nothing to go on.
func suggestLanguage(s string) string {
	fixed := strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if t, err := language.Parse(fixed); err == nil && isLanguageTag(t.String()) {
		return t.String()
	}
	return "en"
}
