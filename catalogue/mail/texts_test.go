package mail

import (
	"regexp"
	"slices"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
)

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// Every site language has every mail text, with the same placeholders, and no
// text English lacks.
func TestTexts_EveryLanguageHasEveryKeyWithItsPlaceholders(t *testing.T) {
	t.Parallel()
	b := i18n.NewBundle()
	if err := RegisterTexts(b); err != nil {
		t.Fatal(err)
	}
	en := b.Keys(i18n.English)
	if len(en) == 0 {
		t.Fatal("no English mail texts")
	}
	for _, kind := range catalogue.JoinKinds {
		if !slices.Contains(en, "mail.join."+string(kind)) {
			t.Errorf("no text for a record of kind %s", kind)
		}
	}
	for _, lang := range i18n.Languages() {
		for _, key := range en {
			if !b.Has(lang, key) {
				t.Errorf("%s lacks %s", lang, key)
				continue
			}
			if got, want := placeholders(b.Text(lang, key)), placeholders(b.Text(i18n.English, key)); !slices.Equal(got, want) {
				t.Errorf("%s in %s fills %v, English fills %v", key, lang, got, want)
			}
		}
		for _, key := range b.Keys(lang) {
			if !b.Has(i18n.English, key) {
				t.Errorf("%s has %s, which English lacks", lang, key)
			}
		}
	}
}

func placeholders(text string) []string {
	found := placeholder.FindAllString(text, -1)
	slices.Sort(found)
	return slices.Compact(found)
}

func TestLanguage_EnglishUnlessTheSiteShipsIt(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"nl": "nl", "DA": "da", "": "en", "pt": "en", "de-CH": "de", "pt-BR": "en"} {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
}
