package ui

import (
	"strings"
	"testing"
)

func TestMarkdown_IsSanitisedAndLoadsNothingFromOutside(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src    string
		want, absent []string
	}{
		{"raw HTML is dropped", "Hello <script>alert(1)</script> <img src=x onerror=alert(1)> world",
			[]string{"Hello"}, []string{"<script", "<img", "onerror"}},
		{"links are nofollow noopener", "[site](https://example.org/a)",
			[]string{`href="https://example.org/a"`, "nofollow", "noopener"}, []string{"target="}},
		{"script URLs are refused", "[x](javascript:alert(1))",
			[]string{"x"}, []string{"javascript:"}},
		{"images become links", "![the map](https://tracker.example/pixel.png)",
			[]string{`href="https://tracker.example/pixel.png"`, "the map"}, []string{"<img"}},
		{"headings start below the page's", "# Title\n\ntext",
			[]string{"<h3>Title</h3>"}, []string{"<h1"}},
		{"lists and emphasis stay", "- one\n- **two**",
			[]string{"<li>one</li>", "<strong>two</strong>"}, nil},
	} {
		got := string(renderMarkdown(tc.src))
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(got, a) {
				t.Errorf("%s: %q contains %q", tc.name, got, a)
			}
		}
	}
}
