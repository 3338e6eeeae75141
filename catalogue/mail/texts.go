package mail

import (
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
)

//go:embed texts/*.json
var textFiles embed.FS

// RegisterTexts adds the texts of the mails this package writes (reminders and
// digests), in every site language, to b. Their keys start with "mail.".
func RegisterTexts(b *i18n.Bundle) error {
	if err := b.AddFS(textFiles, "texts"); err != nil {
		return fmt.Errorf("mail texts: %w", err)
	}
	return nil
}

// texts is the package's own bundle.
var texts = sync.OnceValue(func() *i18n.Bundle {
	b := i18n.NewBundle()
	if err := RegisterTexts(b); err != nil {
		panic(err) // the files are embedded: a broken one is a build mistake
	}
	return b
})

// Language is the language to write to someone in: theirs (or its primary
// language, for a regional tag) when the site ships it, else English.
func Language(lang string) string {
	primary, _, _ := strings.Cut(strings.ReplaceAll(lang, "_", "-"), "-")
	if l, err := catalogue.NormaliseLanguage(primary); err == nil {
		return l
	}
	return i18n.English
}

func arg(name, value string) i18n.Arg { return i18n.Arg{Name: name, Value: value} }
