package publiccode

import (
	"cmp"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// translated are the languages that must have every message; the others fall
// back to English until someone translates them.
var translated = []string{"it", "nl"}

func TestMessages_TranslationsKeepEveryPlaceholder(t *testing.T) {
	t.Parallel()
	b := i18n.NewBundle()
	if err := RegisterMessages(b); err != nil {
		t.Fatal(err)
	}
	for _, key := range b.Keys("en") {
		en := placeholders(b.Text("en", key))
		for _, lang := range translated {
			if !b.Has(lang, key) {
				t.Errorf("%s has no %s text", key, lang)
				continue
			}
			if got := placeholders(b.Text(lang, key)); !slices.Equal(got, en) {
				t.Errorf("%s in %s fills %v, English fills %v", key, lang, got, en)
			}
		}
	}
	for _, lang := range translated {
		for _, key := range b.Keys(lang) {
			if !b.Has("en", key) {
				t.Errorf("%s has a %s text but no English one", key, lang)
			}
		}
	}
}

func placeholders(text string) []string {
	found := placeholder.FindAllString(text, -1)
	slices.Sort(found)
	return slices.Compact(found)
}

// TestMessages_CommonestFindingsAreTranslated checks what issue 3 asks as a
// minimum: the twenty commonest findings on the real corpus in Italian and Dutch.
func TestMessages_CommonestFindingsAreTranslated(t *testing.T) {
	t.Parallel()
	files, _ := corpusFiles(t)
	count := map[string]int{}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Check(data, Options{}).Findings {
			count[f.Text.ID]++
		}
	}
	ids := make([]string, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(count[b]-count[a], strings.Compare(a, b)) })
	ids = ids[:min(20, len(ids))]
	for _, id := range ids {
		for _, lang := range translated {
			if !messages().Has(lang, id) {
				t.Errorf("%s, found %d times in the corpus, has no %s text", id, count[id], lang)
			}
		}
	}
}

func TestLocalise_RendersFindingsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	d := Check([]byte(edit(t, validFile(t), "developmentStatus:", "developmentstatus:")), Options{})
	i := slices.IndexFunc(d.Findings, func(f Finding) bool { return f.Code == "unknown-key" })
	f := d.Findings[i]
	for lang, want := range map[string]string{
		"en":    "did you mean `developmentStatus`?",
		"it":    "intendevi `developmentStatus`?",
		"nl-BE": "bedoelde je `developmentStatus`?",
		"fr":    "did you mean `developmentStatus`?", // no French yet: English
	} {
		if got := Localise(f, lang); !strings.Contains(got, want) {
			t.Errorf("Localise(%s) = %q, want it to contain %q", lang, got, want)
		}
	}
}
