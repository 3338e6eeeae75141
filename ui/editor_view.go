package ui

import (
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strings"
)

// editorInputView is one field as the form shows it.
type editorInputView struct {
	Name, ID, Path, Label, Kind, Value string
	Required                           bool
	Choices                            []editorChoiceView
	// Help is the standard's text for the key, in HelpLang.
	Help, HelpLang string
	Findings       []findingView
}

// editorChoiceView is one value of a choice or a set of choices.
type editorChoiceView struct {
	Value    string
	Selected bool
}

// editorBlockView is a section of the form: an object's keys, one item of a
// list, one language, or a list of those.
type editorBlockView struct {
	ID, Name, Legend string
	Help, HelpLang   string
	// Lang is a language block's tag field.
	Lang     *editorInputView
	Inputs   []editorInputView
	Blocks   []editorBlockView
	Findings []findingView
}

// editorGroupView is a part of the page with a heading of its own.
type editorGroupView struct {
	ID, Title string
	Block     editorBlockView
}

// editorViewer draws the form from the tree and the values.
type editorViewer struct {
	l    localiser
	help editorHelp
	v    editorValues
}

// groups are the form's parts: the top-level keys, then each top-level
// section in the schema's order.
func (e editorViewer) groups(tree editorSection) []editorGroupView {
	general := editorBlockView{ID: "g-general", Name: ""}
	for _, f := range tree.Fields {
		general.Inputs = append(general.Inputs, e.input(f, f.Name))
	}
	out := []editorGroupView{{ID: "general", Title: e.l.T("ui.editor.section.general"), Block: general}}
	for _, sub := range tree.Sections {
		b := e.block(sub, sub.Name)
		out = append(out, editorGroupView{ID: sub.Name, Title: b.Legend, Block: b})
	}
	return out
}

// block draws a section at its name in the form; a list or a language map
// becomes one block per item and one empty block to add another.
func (e editorViewer) block(s editorSection, name string) editorBlockView {
	b := editorBlockView{ID: htmlID("b-", name), Name: name, Legend: e.l.T("ui.editor.section." + s.Path)}
	b.Help, b.HelpLang = e.help.text(strings.TrimSuffix(strings.TrimSuffix(s.Path, "[]"), ".*"), e.l.Lang)
	if !s.Repeated && !s.PerLanguage {
		e.fill(&b, s, name)
		return b
	}
	rows := len(e.v.rows(name))
	for i := 0; i <= rows; i++ {
		at := fmt.Sprintf("%s[%d]", name, i)
		item := editorBlockView{ID: htmlID("b-", at), Name: at, Legend: e.l.T("ui.editor.item", "n", i+1)}
		if i == rows {
			item.Legend = e.l.T("ui.editor.newItem")
		}
		if s.PerLanguage {
			tag := e.v[at+langSuffix]
			if tag == "" && i == 0 {
				tag = e.l.Lang
			}
			item.Lang = &editorInputView{Name: at + langSuffix, ID: htmlID("e-", at+langSuffix), Path: s.Path, Kind: string(kindText),
				Label: e.l.T("ui.editor.language"), Value: tag, Required: s.Required && i == 0}
			if tag != "" && i < rows {
				item.Legend = e.l.T("ui.editor.languageBlock", "lang", tag)
			}
		}
		e.fill(&item, s, at)
		b.Blocks = append(b.Blocks, item)
	}
	return b
}

func (e editorViewer) fill(b *editorBlockView, s editorSection, at string) {
	for _, f := range s.Fields {
		b.Inputs = append(b.Inputs, e.input(f, joinPath(at, f.Name)))
	}
	for _, sub := range s.Sections {
		b.Blocks = append(b.Blocks, e.block(sub, joinPath(at, sub.Name)))
	}
}

// input draws one field with its value, its choices and the standard's help.
func (e editorViewer) input(f editorField, name string) editorInputView {
	in := editorInputView{Name: name, ID: htmlID("e-", name), Path: f.Path, Kind: string(f.Kind), Value: e.v[name],
		Label: e.l.T("ui.editor.key." + labelPath(f.Path)), Required: f.Required}
	in.Help, in.HelpLang = e.help.text(f.Path, e.l.Lang)
	switch f.Kind {
	case kindChoice:
		in.Choices = choiceViews(f.Choices, []string{in.Value})
	case kindChoices:
		in.Choices = choiceViews(f.Choices, strings.Split(in.Value, "\n"))
	}
	return in
}

// choiceViews marks the selected values; a value the standard does not list
// is kept, so that submitting the form keeps what the file said.
func choiceViews(choices, selected []string) []editorChoiceView {
	out := make([]editorChoiceView, 0, len(choices)+1)
	for _, c := range choices {
		out = append(out, editorChoiceView{Value: c, Selected: slices.Contains(selected, c)})
	}
	for _, s := range selected {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(choices, s) {
			out = append(out, editorChoiceView{Value: s, Selected: true})
		}
	}
	return out
}

var notIDChar = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// htmlID makes an element id from a field's name.
func htmlID(prefix, name string) string {
	return prefix + strings.Trim(notIDChar.ReplaceAllString(name, "-"), "-")
}

// labelPath is the key of a field's label: the three dependency lists share
// their fields' labels.
func labelPath(p string) string {
	return dependencyList.ReplaceAllString(p, "dependsOn.*[]")
}

// placeFindings puts each finding at the field or block its key names, or,
// when none does, among the general ones it returns.
func placeFindings(groups []editorGroupView, v editorValues, findings []findingView) []findingView {
	at := map[string]*[]findingView{}
	var walk func(b *editorBlockView)
	walk = func(b *editorBlockView) {
		if b.Name != "" {
			at[b.Name] = &b.Findings
		}
		for i := range b.Inputs {
			at[b.Inputs[i].Name] = &b.Inputs[i].Findings
		}
		if b.Lang != nil {
			at[b.Lang.Name] = &b.Lang.Findings
		}
		for i := range b.Blocks {
			walk(&b.Blocks[i])
		}
	}
	for i := range groups {
		walk(&groups[i].Block)
	}
	langRow := map[string]string{}
	for _, i := range v.rows("description") {
		row := fmt.Sprintf("description[%d]", i)
		langRow[v[row+langSuffix]] = row
	}
	var general []findingView
	for _, f := range findings {
		if dst := findingPlace(at, langRow, f.Key); dst != nil {
			*dst = append(*dst, f)
		} else {
			general = append(general, f)
		}
	}
	return general
}

// findingPlace finds where a finding's key is drawn, walking up to its
// parents: "description.en.features[2]" is at "description[0].features".
func findingPlace(at map[string]*[]findingView, langRow map[string]string, key string) *[]findingView {
	if key == "" {
		return nil
	}
	if rest, ok := strings.CutPrefix(key, "description."); ok {
		tag, tail, _ := strings.Cut(rest, ".")
		if row, ok := langRow[tag]; ok {
			key = row
			if tail != "" {
				key += "." + tail
			}
		}
	}
	for k := key; k != ""; k = parentKey(k) {
		if dst, ok := at[k]; ok {
			return dst
		}
	}
	return nil
}

// parentKey is the key one level up: "a.b[2]" → "a.b", "a.b" → "a".
func parentKey(k string) string {
	if strings.HasSuffix(k, "]") {
		if i := strings.LastIndexByte(k, '['); i >= 0 {
			return k[:i]
		}
	}
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i]
	}
	return ""
}

// The editor's partials take typed data too (see partials.go).
type (
	editorBlockPart struct {
		L localiser
		B editorBlockView
	}
	editorInputPart struct {
		L localiser
		F editorInputView
	}
	editorFindingsPart struct {
		L    localiser
		List []findingView
		ID   string
	}
)

// editorPartialFuncs make the editor's partials' data in its template.
var editorPartialFuncs = template.FuncMap{
	"editorBlockOf": func(l localiser, b editorBlockView) editorBlockPart { return editorBlockPart{L: l, B: b} },
	"editorInputOf": func(l localiser, f editorInputView) editorInputPart { return editorInputPart{L: l, F: f} },
	"editorFindingsOf": func(l localiser, list []findingView, id string) editorFindingsPart {
		return editorFindingsPart{L: l, List: list, ID: id}
	},
}
