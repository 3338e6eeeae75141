package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oscat-eu/oscat/catalogue"
)

// snippetRunes is the length of a snippet.
const snippetRunes = 220

// Snippet returns a piece of the entry's description around the first place
// where one of terms occurs, HTML-escaped, with the matching words wrapped in
// <mark>, and the language of the description it comes from: lang when that
// description matches, else the first language that does. A word matches a
// term when their folded forms share the term's first letters (at least four),
// so that "parcheggi" marks "parcheggio". Without a match it returns the
// escaped start of the short description in lang (or the file's first
// language).
func Snippet(sw catalogue.Software, terms []string, lang string) (snippet, in string) {
	if sw.File == nil {
		return "", ""
	}
	first, d := sw.File.PreferredDescription(lang)
	var keys []string
	for _, t := range terms {
		k := fold(t)
		if n := utf8.RuneCountInString(k); n > 4 {
			k = string([]rune(k)[:max(4, n-2)])
		}
		if k != "" {
			keys = append(keys, k)
		}
	}
	langs := append([]string{first}, sw.File.Languages...)
	for _, l := range langs {
		dd := sw.File.Description[l]
		for _, text := range []string{dd.ShortDescription, strings.Join(dd.Features, " · "), dd.LongDescription} {
			if s, ok := mark(text, keys); ok {
				return s, l
			}
		}
	}
	return html.EscapeString(clip(strings.Join(strings.Fields(d.ShortDescription), " "), 0, snippetRunes)), first
}

// mark finds the first word of text matching a key and returns the escaped
// window around it with every matching word marked.
func mark(text string, keys []string) (string, bool) {
	if len(keys) == 0 || text == "" || !mayMatch(text, keys) {
		return "", false
	}
	text = strings.Join(strings.Fields(text), " ")
	runes := []rune(text)
	type span struct{ from, to int }
	var spans []span
	// end is where the window closes once the first match sets it: words past
	// it are not shown, so the scan stops there.
	end := len(runes)
	for i := 0; i < end; {
		if !isWordRune(runes[i]) {
			i++
			continue
		}
		j := i
		for j < len(runes) && isWordRune(runes[j]) {
			j++
		}
		if matchesKey(runes[i:j], keys) {
			if len(spans) == 0 {
				end = min(len(runes), max(0, i-60)+snippetRunes)
			}
			spans = append(spans, span{i, j})
		}
		i = j
	}
	if len(spans) == 0 {
		return "", false
	}
	from := max(0, spans[0].from-60)
	for from > 0 && isWordRune(runes[from-1]) {
		from--
	}
	to := min(len(runes), from+snippetRunes)
	var b strings.Builder
	b.Grow(len(text) + 32)
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, s := range spans {
		if s.from < from || s.to > to {
			continue
		}
		b.WriteString(html.EscapeString(string(runes[pos:s.from])))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(string(runes[s.from:s.to])))
		b.WriteString("</mark>")
		pos = s.to
	}
	b.WriteString(html.EscapeString(string(runes[pos:to])))
	if to < len(runes) {
		b.WriteString("…")
	}
	return b.String(), true
}

// mayMatch is false when no word of text can match a key: an ASCII text
// holds none of them, ignoring case, anywhere. Most texts an entry has do not
// match; this spares them the runes and words mark makes.
func mayMatch(text string, keys []string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, k := range keys {
		if asciiIndexFold(text, k) {
			return true
		}
	}
	return false
}

// asciiIndexFold reports whether the ASCII text holds the lower-case key,
// ignoring the case of text.
func asciiIndexFold(text, key string) bool {
	if key == "" {
		return true
	}
next:
	for i := 0; i+len(key) <= len(text); i++ {
		for j := 0; j < len(key); j++ {
			c := text[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != key[j] {
				continue next
			}
		}
		return true
	}
	return false
}

// matchesKey reports whether the folded word starts with one of keys (which
// are folded). Most words are plain ASCII: those are compared as they are,
// without folding a copy of each.
func matchesKey(word []rune, keys []string) bool {
	ascii := true
	for _, r := range word {
		if r >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		w := fold(string(word))
		for _, k := range keys {
			if strings.HasPrefix(w, k) {
				return true
			}
		}
		return false
	}
next:
	for _, k := range keys {
		if len(k) > len(word) {
			continue
		}
		for i := 0; i < len(k); i++ {
			r := word[i]
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if rune(k[i]) != r {
				continue next
			}
		}
		return true
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func clip(s string, from, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[from:n]) + "…"
}
