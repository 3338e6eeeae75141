package codefacts

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// maxParagraph caps the paragraph kept, in characters.
const maxParagraph = 600

// FirstParagraph returns a README's first paragraph of prose as plain text:
// headings, badges, images, HTML and code are skipped, Markdown links keep their
// words. Plain-text READMEs give their first block of lines that is not a title
// underline or banner.
func FirstParagraph(data []byte, markdown bool) string {
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	var p string
	if markdown {
		p = markdownParagraph(data)
	} else {
		p = plainParagraph(string(data))
	}
	p = strings.Join(strings.Fields(p), " ")
	if utf8.RuneCountInString(p) > maxParagraph {
		r := []rune(p)[:maxParagraph]
		cut := string(r)
		if i := strings.LastIndexByte(cut, ' '); i > maxParagraph/2 {
			cut = cut[:i]
		}
		p = cut + "…"
	}
	return p
}

func markdownParagraph(src []byte) string {
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	found := ""
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || found != "" {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindHeading, ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock, ast.KindList:
			return ast.WalkSkipChildren, nil
		case ast.KindParagraph, ast.KindTextBlock:
			t := strings.TrimSpace(inlineText(n, src))
			if words(t) >= 3 {
				found = t
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// inlineText is an inline container's words: text, code spans and link labels,
// without images or raw HTML.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch v := c.(type) {
		case *ast.Text:
			b.Write(v.Segment.Value(src))
			if v.SoftLineBreak() || v.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(v.Value)
		case *ast.Image, *ast.RawHTML:
		case *ast.AutoLink:
			b.Write(v.Label(src))
		case *ast.CodeSpan:
			b.WriteString(inlineText(v, src))
		default:
			b.WriteString(inlineText(c, src))
		}
	}
	return b.String()
}

func words(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if strings.IndexFunc(w, func(r rune) bool { return r > 64 }) >= 0 {
			n++
		}
	}
	return n
}

func plainParagraph(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, block := range strings.Split(s, "\n\n") {
		var keep []string
		for _, line := range strings.Split(block, "\n") {
			t := strings.TrimSpace(line)
			if t == "" || strings.Trim(t, "=-*#~_+") == "" {
				continue // a title underline or a banner
			}
			keep = append(keep, t)
		}
		if p := strings.Join(keep, " "); words(p) >= 3 {
			return p
		}
	}
	return ""
}
