package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/schemas"
)

// schemaLeafKeys walks the JSON Schema on its own (not with the editor's
// walker) and lists every key that holds a value and is not deprecated.
func schemaLeafKeys(t *testing.T) []string {
	t.Helper()
	raw, err := schemas.Read("publiccode.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	defs := doc["$defs"].(map[string]any)
	var deref func(n map[string]any) map[string]any
	deref = func(n map[string]any) map[string]any {
		if ref, ok := n["$ref"].(string); ok {
			return deref(defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any))
		}
		if alts, ok := n["anyOf"].([]any); ok && n["properties"] == nil {
			for _, a := range alts {
				if m := deref(a.(map[string]any)); m["properties"] != nil || m["items"] != nil {
					return m
				}
			}
		}
		return n
	}
	var out []string
	var walk func(path string, n map[string]any)
	walk = func(path string, n map[string]any) {
		n = deref(n)
		if props, ok := n["properties"].(map[string]any); ok {
			for k, p := range props {
				if p.(map[string]any)["deprecated"] == true {
					continue
				}
				walk(joinPath(path, k), p.(map[string]any))
			}
			return
		}
		if ap, ok := n["additionalProperties"].(map[string]any); ok {
			walk(path+".*", ap)
			return
		}
		if items, ok := n["items"].(map[string]any); ok {
			if it := deref(items); it["properties"] != nil {
				walk(path+"[]", it)
				return
			}
		}
		out = append(out, path)
	}
	walk("", doc)
	sort.Strings(out)
	return out
}

func TestEditor_EveryKeyOfTheStandardHasAFieldWithALabel(t *testing.T) {
	t.Parallel()
	a, err := editorAssetsOnce()
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, f := range a.tree.allFields() {
		fields = append(fields, f.Path)
	}
	sort.Strings(fields)
	want := schemaLeafKeys(t)
	if !slices.Equal(fields, want) {
		t.Errorf("the editor's fields differ from the schema's keys:\n fields %v\n schema %v", fields, want)
	}
	for _, k := range []string{"legal.license", "description.*.shortDescription", "maintenance.contacts[].email", "dependsOn.open[].optional", "IT.piattaforme.spid"} {
		if !slices.Contains(fields, k) {
			t.Errorf("no field for %s", k)
		}
	}
	texts, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages() {
		for _, f := range a.tree.allFields() {
			if !texts.Has(lang, "ui.editor.key."+labelPath(f.Path)) {
				t.Errorf("%s: no label for %s", lang, f.Path)
			}
		}
		var sections func(s editorSection)
		sections = func(s editorSection) {
			for _, sub := range s.Sections {
				if !texts.Has(lang, "ui.editor.section."+sub.Path) {
					t.Errorf("%s: no heading for %s", lang, sub.Path)
				}
				sections(sub)
			}
		}
		sections(a.tree)
	}
	// Help: the standard documents almost every key; each field without its
	// text would be a key the extraction missed.
	missing := 0
	for _, f := range a.tree.allFields() {
		if h, _ := a.help.text(f.Path, "en"); h == "" {
			missing++
			t.Logf("no help for %s", f.Path)
		}
	}
	if missing > 8 {
		t.Errorf("%d fields have no help text from the standard", missing)
	}
	if h, lang := a.help.text("legal.license", "it"); lang != "it" || !strings.Contains(h, "licenza") {
		t.Errorf("Italian help for legal.license: %q (%s)", h, lang)
	}
	if _, lang := a.help.text("legal.license", "da"); lang != "en" {
		t.Errorf("Danish help falls back to %s, want en", lang)
	}
}

func TestEditor_AFileRoundTripsThroughTheForm(t *testing.T) {
	t.Parallel()
	a, err := editorAssetsOnce()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/editor/publiccode.yml")
	if err != nil {
		t.Fatal(err)
	}
	before := publiccode.Read(raw, publiccode.Limits{})
	v, left, err := editorValuesOf(a.tree, before)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("keys of the standard's own example left out: %v", left)
	}
	// Through the form as a browser sends it, then written again.
	form := url.Values{}
	for k, val := range v {
		if strings.HasSuffix(k, "categories") || strings.HasSuffix(k, "scope") {
			form[k] = strings.Split(val, "\n")
		} else {
			form.Set(k, val)
		}
	}
	y, err := a.tree.yamlOf(a.tree.compact(editorValuesFromForm(a.tree, form)))
	if err != nil {
		t.Fatal(err)
	}
	after := publiccode.Read(y, publiccode.Limits{})
	if after.File == nil {
		t.Fatalf("the written file does not read: %v\n%s", after.Findings, y)
	}
	// The form trims what is typed: a block scalar's final newline goes.
	if b, c := trimmedJSON(t, before.File), trimmedJSON(t, after.File); !reflect.DeepEqual(b, c) {
		t.Errorf("the file changed through the form:\n%s\n---\n%s\n--- yaml\n%s", b, c, y)
	}
}

// trimmedJSON is v as JSON values with every text trimmed.
func trimmedJSON(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	var trim func(x any) any
	trim = func(x any) any {
		switch x := x.(type) {
		case string:
			return strings.TrimSpace(x)
		case []any:
			for i := range x {
				x[i] = trim(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = trim(x[k])
			}
		}
		return x
	}
	return trim(out)
}

func TestEditor_DeprecatedAndUnknownKeysAreNamedAsLeftOut(t *testing.T) {
	t.Parallel()
	a, _ := editorAssetsOnce()
	d := publiccode.Read([]byte("publiccodeYmlVersion: \"0.2\"\nname: X\ninputTypes: [text/plain]\nlegal:\n  repoOwner: Gemeente X\n  license: MIT\nfavouriteColour: blue\n"), publiccode.Limits{})
	v, left, err := editorValuesOf(a.tree, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"inputTypes", "favouriteColour"} {
		if !slices.Contains(left, k) {
			t.Errorf("%s not named as left out: %v", k, left)
		}
	}
	if v["organisation.name"] != "Gemeente X" || v["legal.license"] != "MIT" {
		t.Errorf("repoOwner should arrive as organisation.name: %v", v)
	}
}

// editorSite is a site with accounts, so that forms carry a CSRF token, and
// the validator's address policy for tests.
func editorSite(t *testing.T) *joinSite {
	t.Helper()
	js := newJoinSite(t, func(o *Options, _ *Sources) { o.ValidatePerMinute = 1000 })
	crawlCode(t, js.store, "a", "https://git.example.org/a/scripts", catalogue.CodeFacts{Readme: "Scripts voor het beheer van de openbare ruimte.", License: "EUPL-1.2"})
	return js
}

func TestEditor_SubmittingShowsTheYAMLAndFindingsAtTheirFieldsKeepingWhatWasTyped(t *testing.T) {
	t.Parallel()
	js := editorSite(t)
	b := js.browser(t)
	resp, body := b.get("/editor?lang=en")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="legal.license"`) {
		t.Fatalf("GET /editor: %d", resp.StatusCode)
	}
	form := url.Values{"csrf": {b.csrf("/editor")}, "action": {"check"},
		"name": {"Meldingen"}, "url": {"https://git.example.org/a/meldingen"},
		"description[0]:lang": {"nl"}, "description[0].shortDescription": {"Meldingen openbare ruimte"},
		"description[0].features": {"Melden\nVolgen"}, "maintenance.type": {"internal"},
		"categories": {"crm", "no-such-category"}}
	resp, body = b.post("/editor?lang=en", form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /editor: %d %s", resp.StatusCode, body)
	}
	doc := parse(t, body)
	yaml := find(doc, "pre", "id", "editor-yaml")
	if yaml == nil || !strings.Contains(text(yaml), "name: Meldingen") || !strings.Contains(text(yaml), "- Volgen") {
		t.Fatalf("no YAML of the fields in the page")
	}
	license := find(doc, "div", "data-field", "legal.license")
	if license == nil || !strings.Contains(text(license), "legal.license") || find(license, "li", "class", "error") == nil {
		t.Errorf("the missing licence has no finding at its field")
	}
	short := find(doc, "input", "name", "description[0].shortDescription")
	if short == nil || attr(short, "value") != "Meldingen openbare ruimte" {
		t.Errorf("the typed short description is not kept")
	}
	contacts := find(doc, "fieldset", "data-block", "maintenance.contacts")
	if contacts == nil || find(contacts, "li", "class", "error") == nil {
		t.Errorf("maintenance.contacts, required for internal maintenance, has no finding at its block")
	}
	if !slices.Contains(attrs(doc, "input", "checked"), "") || !strings.Contains(body, `value="no-such-category" checked`) {
		t.Errorf("a category the standard does not list is not kept as typed")
	}
	// Download: the same file, as an attachment.
	form.Set("action", "download")
	resp, dl := b.post("/editor", form)
	if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != http.StatusOK || !strings.Contains(cd, `attachment; filename="publiccode.yml"`) {
		t.Fatalf("download: %d %q", resp.StatusCode, cd)
	}
	if strings.TrimSpace(dl) != strings.TrimSpace(text(yaml)) {
		t.Errorf("the download differs from the YAML shown:\n%s\n---\n%s", dl, text(yaml))
	}
}

func TestEditor_LoadsADraftAURLAndPastedYAML(t *testing.T) {
	t.Parallel()
	js := editorSite(t)
	b := js.browser(t)
	resp, body := b.get("/editor?lang=en&repository=" + url.QueryEscape("https://git.example.org/a/scripts"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("draft: %d", resp.StatusCode)
	}
	doc := parse(t, body)
	if in := find(doc, "input", "name", "legal.license"); in == nil || attr(in, "value") != "EUPL-1.2" {
		t.Errorf("the draft's licence is not in the form")
	}
	if find(doc, "section", "id", "todo") == nil || !strings.Contains(body, "maintenance") {
		t.Errorf("the draft's to-do list is not shown")
	}
	resp, _ = b.get("/editor?repository=" + url.QueryEscape("https://git.example.org/a/unknown"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown repository: %d, want 422", resp.StatusCode)
	}
	resp, body = b.post("/editor?lang=en", url.Values{"csrf": {b.csrf("/editor")}, "action": {"load"}, "yaml": {parking}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pasted: %d", resp.StatusCode)
	}
	if in := find(parse(t, body), "input", "name", "name"); in == nil || attr(in, "value") != "Parkeervergunning" {
		t.Errorf("the pasted file's name is not in the form")
	}
	// A file by its URL on an intranet address: refused, as by the validator.
	resp, body = b.get("/editor?lang=en&url=" + url.QueryEscape("http://intranet.example/publiccode.yml"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "not on the public internet") {
		t.Errorf("an intranet URL: %d", resp.StatusCode)
	}
}

func TestEditor_RefusesBadInput(t *testing.T) {
	t.Parallel()
	js := editorSite(t)
	b := js.browser(t)
	token := b.csrf("/editor")
	resp, _ := b.post("/editor", url.Values{"action": {"check"}, "name": {"X"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a POST without the form's token: %d, want 403", resp.StatusCode)
	}
	big := strings.Repeat("x", 3<<20)
	resp, _ = b.post("/editor?lang=en", url.Values{"csrf": {token}, "action": {"check"}, "name": {big}})
	if resp.StatusCode < 400 || resp.StatusCode == http.StatusInternalServerError {
		t.Errorf("an oversized form: %d", resp.StatusCode)
	}
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nname: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	resp, body := b.post("/editor?lang=en", url.Values{"csrf": {token}, "action": {"load"}, "yaml": {bomb}})
	if resp.StatusCode != http.StatusUnprocessableEntity || find(parse(t, body), "div", "class", "alert") == nil {
		t.Errorf("a YAML bomb: %d, want 422 with the reason", resp.StatusCode)
	}
	// Far more list items than the form keeps.
	many := url.Values{"csrf": {token}, "action": {"check"}}
	many.Set("maintenance.contacts[999999999].name", "Ada")
	if resp, _ := b.post("/editor", many); resp.StatusCode != http.StatusOK {
		t.Errorf("a huge item number: %d", resp.StatusCode)
	}
}

// editorTemplateCases are the editor's branches: empty, loaded from a draft,
// with findings, and a load that failed.
func editorTemplateCases(t *testing.T) []templateCase {
	t.Helper()
	a, err := editorAssetsOnce()
	if err != nil {
		t.Fatal(err)
	}
	texts, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	l := localiser{b: texts, Lang: "en"}
	empty := editorPage{Groups: editorViewer{l: l, help: a.help, v: editorValues{}}.groups(a.tree)}
	ld := editorLoader{tree: a.tree, help: a.help, l: l}
	draft := editorPage{Todo: []string{"maintenance.type"}}
	v, err := ld.fromYAML(&draft, []byte(parking+"inputTypes: [text/plain]\n"), "https://git.example.org/a/scripts")
	if err != nil {
		t.Fatal(err)
	}
	if err := ld.check(&draft, v, true); err != nil {
		t.Fatal(err)
	}
	findings := editorPage{}
	if err := ld.check(&findings, editorValues{"name": "X"}, true); err != nil {
		t.Fatal(err)
	}
	failed := empty
	failed.Error, failed.URL = "The file could not be fetched.", "https://example.org/x.yml"
	return []templateCase{
		{name: "editor empty", page: "editor", v: view{Title: "Editor", Page: empty}},
		{name: "editor from a draft, with findings", page: "editor", v: view{Title: "Editor", Page: draft, CSRF: "token"}},
		{name: "editor with findings", page: "editor", v: view{Title: "Editor", Page: findings}},
		{name: "editor load failed", page: "editor", v: view{Title: "Editor", Page: failed}},
	}
}

func TestEditor_TemplateCasesRenderInEveryLanguage(t *testing.T) {
	t.Parallel()
	cases := editorTemplateCases(t)
	if p := cases[1].v.Page.(editorPage); !p.Checked || len(p.LeftOut) == 0 {
		t.Fatalf("the draft case lacks what it should draw: checked %v, left out %v", p.Checked, p.LeftOut)
	}
	if p := cases[2].v.Page.(editorPage); p.Counts.Errors == 0 || len(p.General) == 0 && p.Groups[0].Block.Inputs[0].Findings == nil {
		t.Fatalf("the findings case has no findings")
	}
	renderTemplateCases(t, cases)
}

func TestEditor_IsLinkedFromTheValidatorAndCodeEntryPages(t *testing.T) {
	t.Parallel()
	js := editorSite(t)
	b := js.browser(t)
	_, body := b.post("/validate?lang=en", url.Values{"csrf": {b.csrf("/validate")}, "yaml": {"name: X\n"}})
	fix := find(parse(t, body), "form", "action", "/editor")
	if fix == nil || find(fix, "input", "value", "name: X\n") == nil {
		t.Errorf("the validator's result does not offer the pasted file to the editor")
	}
	e, err := js.store.CodeEntryByURL(t.Context(), "https://git.example.org/a/scripts")
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/code/" + e.ID, "/code/" + e.ID + "/draft"} {
		if _, body := b.get(page + "?lang=en"); !linksToEditor(parse(t, body), e.URL) {
			t.Errorf("%s does not link to the editor prefilled from the draft", page)
		}
	}
}
