package ui

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
)

// editorHelpFile holds the standard's own text for each key, per language its
// documentation is written in (English, Italian, French, German), taken from
// the publiccode.yml repository's docs (CC0 1.0); the file names its source
// commit and files.
//
//go:embed editor_help.json
var editorHelpFile []byte

// editorHelp maps a key path ("legal.license", "description.*.features",
// "dependsOn.*[].name") to its text by language.
type editorHelp map[string]map[string]string

func loadEditorHelp() (editorHelp, error) {
	var f struct {
		Help editorHelp `json:"help"`
	}
	if err := json.Unmarshal(editorHelpFile, &f); err != nil {
		return nil, fmt.Errorf("editor help: %w", err)
	}
	return f.Help, nil
}

// dependencyList is the list's name in a dependency path, which the standard
// documents once for the three lists.
var dependencyList = regexp.MustCompile(`^dependsOn\.[A-Za-z]+\[\]`)

// text is the help for a field in lang when the standard has it, else in
// English, with the language it is written in.
func (h editorHelp) text(path, lang string) (string, string) {
	texts, ok := h[path]
	if !ok {
		texts = h[dependencyList.ReplaceAllString(path, "dependsOn.*[]")]
	}
	if t, ok := texts[lang]; ok && t != "" {
		return t, lang
	}
	if t := texts["en"]; t != "" {
		return t, "en"
	}
	return "", ""
}
