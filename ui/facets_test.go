package ui

import (
	"net/url"
	"strings"
	"testing"
)

// hostileValues are facet values a publiccode.yml or a URL may carry, each
// trying to leave the attribute or the text it is written in.
var hostileValues = []string{
	`"><script>alert(1)</script>`,
	`' onmouseover='alert(1)`,
	`</label></li></ul><img src=x onerror=alert(1)>`,
	"a&amp;b &lt; c \u00a0\u2028 é",
	"`${x}` {{.}} \\\" \x00",
}

// TestFacetItems_EscapesEveryValue parses the panel's items back: each value,
// label and id is what it was, and nothing else became an element or an
// attribute.
func TestFacetItems_EscapesEveryValue(t *testing.T) {
	t.Parallel()
	for _, v := range hostileValues {
		f := facetView{Name: "license"}
		items := facetItems(f, []facetValueView{{Value: v, Label: v, Count: 3, Selected: true, ID: "f-license-0"}, {Value: "MIT", Label: "MIT", Count: 1, ID: "f-license-1"}})
		doc := parse(t, "<ul>"+string(items)+"</ul>")
		inputs := attrs(doc, "input", "value")
		want := strings.ReplaceAll(v, "\x00", "\ufffd") // as html/template writes NUL
		if len(inputs) != 2 || inputs[0] != want || inputs[1] != "MIT" {
			t.Errorf("%q: values read back %q", v, inputs)
		}
		if n := find(doc, "label", "for", "f-license-0"); n == nil || !strings.HasPrefix(text(n), want+" (3)") {
			t.Errorf("%q: label reads %q", v, text(n))
		}
		if find(doc, "script", "", "") != nil || find(doc, "img", "", "") != nil || len(attrs(doc, "input", "onmouseover")) > 0 {
			t.Errorf("%q became markup: %s", v, items)
		}
		if got := attrs(doc, "input", "checked"); len(got) != 1 {
			t.Errorf("%q: %d checked boxes, want 1", v, len(got))
		}
		if got := attrs(doc, "input", "name"); len(got) != 2 || got[0] != "filter[license]" {
			t.Errorf("names %q", got)
		}
	}
}

// TestPages_HostileFilterValuesStayText asks the results pages for selected
// values that nothing has: the panel lists them, to be cleared, as text.
func TestPages_HostileFilterValuesStayText(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	for _, path := range []string{"/search", "/code"} {
		for _, v := range hostileValues[:3] {
			resp, body := get(t, ts.URL+path+"?filter[license]="+url.QueryEscape(v))
			if resp.StatusCode != 200 {
				t.Errorf("%s %q: %d", path, v, resp.StatusCode)
				continue
			}
			doc := parse(t, body)
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || find(doc, "input", "onmouseover", "alert(1)") != nil {
				t.Errorf("%s: the value %q was written as markup", path, v)
			}
			found := false
			for _, got := range attrs(doc, "input", "value") {
				found = found || got == v
			}
			if !found {
				t.Errorf("%s: the selected value %q is not listed to be cleared", path, v)
			}
		}
	}
}
