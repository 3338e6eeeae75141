package ui

import (
	"bytes"
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Long descriptions come from repositories: Markdown is rendered without raw
// HTML, then sanitised with an allow-list. Every link, autolinks included,
// gets rel="nofollow noopener";
// images are never loaded from elsewhere: each becomes a link to the image.
var (
	markdown = goldmark.New(goldmark.WithParserOptions(
		parser.WithASTTransformers(util.Prioritized(descriptionTransformer{}, 100)),
	))
	sanitiser = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "ul", "ol", "li", "em", "strong", "code", "pre", "blockquote", "hr",
			"h3", "h4", "h5", "h6", "del", "table", "thead", "tbody", "tr", "th", "td")
		p.AllowAttrs("href").OnElements("a")
		p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
		p.AllowURLSchemes("http", "https", "mailto")
		p.RequireParseableURLs(true)
		p.RequireNoFollowOnLinks(true)
		return p
	}()
)

// linkRel is the rel of every link from repository text: search engines are not
// to credit it, and the page it opens gets no handle on this one.
const linkRel = "nofollow noopener"

// maxMarkdownBytes caps what is rendered; a longer text is shown cut.
const maxMarkdownBytes = 64 << 10

// renderMarkdown renders a description's Markdown as sanitised HTML.
func renderMarkdown(src string) template.HTML {
	if len(src) > maxMarkdownBytes {
		src = src[:maxMarkdownBytes]
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src)) //nolint:gosec // escaped
	}
	return template.HTML(sanitiser.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised by the allow-list
}

// descriptionTransformer fits a description into the page: its headings start
// below the page's own (h3), links (written or autolinks) get linkRel, and
// images become links.
type descriptionTransformer struct{}

func (descriptionTransformer) Transform(doc *ast.Document, reader gmtext.Reader, _ parser.Context) {
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(6, n.Level+2)
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(linkRel))
		case *ast.Image:
			images = append(images, n)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		link := ast.NewLink()
		link.Destination = img.Destination
		link.SetAttributeString("rel", []byte(linkRel))
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if link.ChildCount() == 0 {
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}
