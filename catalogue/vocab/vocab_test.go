package vocab

import (
	"slices"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// The standard's lists (publiccode.yml 0.4 to 0.7), written out here so that a
// text file losing or inventing a value fails the test.
var (
	standardCategories = strings.Fields(`accounting agile-project-management applicant-tracking
		application-development appointment-scheduling backup billing-and-invoicing blog budgeting
		business-intelligence business-process-management cad call-center-management cloud-management
		collaboration communications compliance-management contact-management content-management crm
		customer-service-and-support data-analytics data-collection data-visualization design
		design-system digital-asset-management digital-citizenship document-management
		donor-management e-commerce e-signature educational-content email-management email-marketing
		employee-management enterprise-project-management enterprise-social-networking erp
		event-management facility-management feedback-and-reviews-management financial-reporting
		fleet-management fundraising gamification geographic-information-systems grant-management
		graphic-design help-desk hr ide identity-management instant-messaging
		integrated-library-system inventory-management it-asset-management it-development
		it-management it-security it-service-management knowledge-management
		learning-management-system marketing mind-mapping mobile-marketing mobile-payment
		network-management office online-booking online-community payment-gateway payroll
		predictive-analysis procurement productivity-suite project-collaboration project-management
		property-management real-estate-management regulations-and-directives remote-support
		resource-management sales-management seo service-desk social-media-management survey
		talent-management task-management taxes-management test-management time-management
		time-tracking translation video-conferencing video-editing visitor-management voip
		warehouse-management web-collaboration web-conferencing website-builder whistleblowing
		workflow-management other`)
	standardScopes = strings.Fields(`agriculture culture defence education emergency-services
		employment energy environment finance-and-economic-development foreign-affairs government
		healthcare infrastructures justice local-authorities manufacturing research
		science-and-technology security society sport tourism transportation welfare`)
	standardValues = map[Kind][]string{
		Category:          standardCategories,
		Scope:             standardScopes,
		DevelopmentStatus: {"concept", "development", "beta", "stable", "obsolete"},
		SoftwareType: {"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
			"standalone/backend", "standalone/other", "addon", "library", "configurationFiles"},
		MaintenanceType: {"internal", "contract", "community", "none"},
		Platform:        {"web", "windows", "mac", "linux", "ios", "android"},
	}
)

func TestIDs_AreTheStandardsValues(t *testing.T) {
	t.Parallel()
	if len(standardCategories) != 106 || len(standardScopes) != 24 {
		t.Fatalf("the expected lists hold %d categories and %d scopes, want 106 and 24",
			len(standardCategories), len(standardScopes))
	}
	for kind, want := range standardValues {
		want = slices.Sorted(slices.Values(want))
		if got := IDs(kind); !slices.Equal(got, want) {
			t.Errorf("IDs(%s):\n got %q\nwant %q", kind, got, want)
		}
	}
}

func TestTexts_EveryLanguageHasExactlyTheEnglishKeys(t *testing.T) {
	t.Parallel()
	texts := loaded()
	en := texts[i18n.English]
	for _, lang := range i18n.Languages() {
		m, ok := texts[lang]
		if !ok {
			t.Errorf("no texts/%s.json", lang)
			continue
		}
		for key := range en {
			if _, ok := m[key]; !ok {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
		for key := range m {
			if _, ok := en[key]; !ok {
				t.Errorf("%s has %q, which English has not", lang, key)
			}
		}
	}
	if len(texts) != len(i18n.Languages()) {
		t.Errorf("texts in %d languages, want the site's %d", len(texts), len(i18n.Languages()))
	}
}

func TestTexts_LabelsAreCleanAndDistinct(t *testing.T) {
	t.Parallel()
	for lang, m := range loaded() {
		byLabel := map[string]string{} // kind + label → key, to catch a label pasted twice
		for key, text := range m {
			if strings.HasPrefix(key, synonymsPrefix) {
				continue
			}
			switch {
			case strings.TrimSpace(text) == "":
				t.Errorf("%s %s is empty", lang, key)
			case text == key:
				t.Errorf("%s %s is the key itself", lang, key)
			case text != strings.TrimSpace(text) || strings.Contains(text, "  "):
				t.Errorf("%s %s = %q has stray spaces", lang, key, text)
			}
			kind, _, _ := strings.Cut(key, ".")
			if other, dup := byLabel[kind+"\x00"+text]; dup {
				t.Errorf("%s %s and %s share the label %q", lang, key, other, text)
			}
			byLabel[kind+"\x00"+text] = key
		}
	}
}

func TestTexts_SynonymsAreLowerCaseWordsOfKnownValues(t *testing.T) {
	t.Parallel()
	for lang, m := range loaded() {
		for key, text := range m {
			value, ok := strings.CutPrefix(key, synonymsPrefix)
			if !ok {
				continue
			}
			if _, known := m[value]; !known {
				t.Errorf("%s %s names no vocabulary value", lang, key)
			}
			if text != strings.ToLower(text) || text != strings.Join(strings.Fields(text), " ") || text == "" {
				t.Errorf("%s %s = %q: want lower-case words separated by single spaces", lang, key, text)
			}
		}
	}
}

func TestTexts_SynonymsCoverEveryScopeAndTheCommonCategories(t *testing.T) {
	t.Parallel()
	en := loaded()[i18n.English]
	for _, id := range standardScopes {
		if _, ok := en[synonymsPrefix+"scope."+id]; !ok {
			t.Errorf("scope %s has no synonyms", id)
		}
	}
	n := 0
	for _, id := range standardCategories {
		if _, ok := en[synonymsPrefix+"category."+id]; ok {
			n++
		}
	}
	if n < 40 {
		t.Errorf("%d categories have synonyms, want at least 40", n)
	}
}

func TestTerms_FindTheValueFromAQueryWordInAnyLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind Kind
		id   string
		want []string
	}{
		{"scope", "transportation", []string{"parkering", "parcheggio", "parkeren", "stationnement", "parken", "transport", "verkehr"}},
		{Category, "appointment-scheduling", []string{"appointment", "afspraak", "tidsbestilling", "appuntamenti", "terminvereinbarung", "rendez"}},
		{Category, "document-management", []string{"zaakgericht", "esdh", "protocollo", "akte", "documentaire"}},
		{Category, "e-signature", []string{"signature", "handtekening", "underskrift", "firma", "unterschrift"}},
		{Category, "geographic-information-systems", []string{"gis", "kaart", "kort", "cartografia", "karte", "sig"}},
		{DevelopmentStatus, "obsolete", []string{"obsolete", "verouderd", "forældet", "obsoleto", "veraltet", "obsolète"}},
		{SoftwareType, "standalone/web", []string{"web", "application", "webapplicatie", "webanwendung"}},
	}
	for _, tt := range tests {
		got := Terms(tt.kind, tt.id)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Terms(%s, %s) lacks %q; got %q", tt.kind, tt.id, w, got)
			}
		}
	}
}

func TestTerms_AreDistinctContentWords(t *testing.T) {
	t.Parallel()
	for kind, ids := range standardValues {
		for _, id := range ids {
			terms := Terms(kind, id)
			if len(terms) == 0 {
				t.Errorf("Terms(%s, %s) is empty", kind, id)
			}
			seen := map[string]bool{}
			for _, w := range terms {
				switch {
				case seen[w]:
					t.Errorf("Terms(%s, %s) repeats %q", kind, id, w)
				case len([]rune(w)) < 3, stopWords[w]:
					t.Errorf("Terms(%s, %s) keeps the short or stop word %q", kind, id, w)
				case w != strings.ToLower(w) || strings.ContainsAny(w, " -/’'()"):
					t.Errorf("Terms(%s, %s) keeps %q unsplit or not lower-cased", kind, id, w)
				}
				seen[w] = true
			}
		}
	}
	// "Service client et assistance", "Kundenservice und Support", "Gestione
	// della posta elettronica": the content words stay, the glue goes.
	for _, c := range []struct {
		id        string
		kept, not []string
	}{
		{"customer-service-and-support", []string{"client", "kundenservice", "support"}, []string{"and", "und", "og", "et"}},
		{"email-management", []string{"gestione", "posta", "elettronica", "mail"}, []string{"della", "des"}},
	} {
		terms := Terms(Category, c.id)
		for _, w := range c.kept {
			if !slices.Contains(terms, w) {
				t.Errorf("Terms(category, %s) lacks %q", c.id, w)
			}
		}
		for _, w := range c.not {
			if slices.Contains(terms, w) {
				t.Errorf("Terms(category, %s) keeps %q", c.id, w)
			}
		}
	}
	if got := Terms(Category, "no-such-category"); len(got) != 0 {
		t.Errorf("Terms of an unlisted value = %q, want none", got)
	}
}

func TestLabel_InTheVisitorsLanguageWithEnglishFallback(t *testing.T) {
	t.Parallel()
	b := i18n.NewBundle()
	if err := Register(b); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		kind           Kind
		id, lang, want string
	}{
		{Category, "appointment-scheduling", "nl", "Afspraken plannen"},
		{Category, "appointment-scheduling", "da", "Tidsbestilling"},
		{Category, "appointment-scheduling", "it", "Prenotazione appuntamenti"},
		{Category, "appointment-scheduling", "de", "Terminvereinbarung"},
		{Category, "appointment-scheduling", "fr", "Prise de rendez-vous"},
		{Category, "appointment-scheduling", "de-CH", "Terminvereinbarung"},
		{Category, "appointment-scheduling", "ja", "Appointment scheduling"},
		{Category, "appointment-scheduling", "", "Appointment scheduling"},
		{Scope, "transportation", "it", "Trasporti"},
		{SoftwareType, "standalone/web", "fr", "Application web"},
		{Platform, "custom_platform", "nl", "custom_platform"},
		{Category, "no-such-category", "de", "no-such-category"},
	}
	for _, tt := range tests {
		if got := Label(b, tt.kind, tt.id, tt.lang); got != tt.want {
			t.Errorf("Label(%s, %s, %q) = %q, want %q", tt.kind, tt.id, tt.lang, got, tt.want)
		}
	}
}
