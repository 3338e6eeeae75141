package codefacts

import (
	"sort"

	"github.com/go-enry/go-enry/v2"
)

// maxLanguages is how many languages are reported.
const maxLanguages = 6

// Languages returns the programming and markup languages of a tree's files,
// most files first, by go-enry's detection from file names and extensions.
// Vendored, generated-looking, documentation, configuration, test-fixture and
// dot files are not counted, as GitHub's linguist does not count them.
func Languages(files []string) []string {
	counts := map[string]int{}
	for _, p := range files {
		if enry.IsVendor(p) || enry.IsDotFile(p) || enry.IsDocumentation(p) || enry.IsConfiguration(p) || enry.IsImage(p) {
			continue
		}
		lang, _ := enry.GetLanguageByFilename(p)
		if lang == "" {
			lang, _ = enry.GetLanguageByExtension(p)
		}
		if lang == "" {
			continue
		}
		switch enry.GetLanguageType(lang) {
		case enry.Programming, enry.Markup:
		default:
			continue
		}
		if g := enry.GetLanguageGroup(lang); g != "" {
			lang = g
		}
		counts[lang]++
	}
	out := make([]string, 0, len(counts))
	for l := range counts {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if counts[out[i]] != counts[out[j]] {
			return counts[out[i]] > counts[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > maxLanguages {
		out = out[:maxLanguages]
	}
	return out
}
