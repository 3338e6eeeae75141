package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/vocab"
)

// Figures measured on the 84 listable real files of ../shared/corpus/publiccode
// (2026-11), carried here so that the benchmarks run on any clone.
var corpusFigures = struct {
	// languages per file: 0, 1, 2 (weights)
	langCount []float64
	// description languages (weights)
	langs       []string
	langWeights []float64
	// rune lengths at p10, p25, p50, p75, p90
	short, long []float64
	features    []float64
	categories  []float64
	platforms   []float64
	statuses    []string
	statusW     []float64
	licences    []string
	licenceW    []float64
	types       []string
	typeW       []float64
}{
	langCount:   []float64{3, 66, 15},
	langs:       []string{"en", "it", "nl", "de", "da", "fr", "sv", "es"},
	langWeights: []float64{41, 39, 8, 5, 1, 1, 1, 1},
	short:       []float64{28, 59, 93, 127, 137},
	long:        []float64{0, 163, 549, 822, 1015},
	features:    []float64{0, 1, 2, 5, 8},
	categories:  []float64{1, 1, 1, 2, 5},
	platforms:   []float64{1, 1, 1, 2, 3},
	statuses:    []string{"stable", "beta", "development", "concept", ""},
	statusW:     []float64{53, 12, 12, 2, 5},
	licences:    []string{"AGPL-3.0-or-later", "EUPL-1.2", "AGPL-3.0-only", "Apache-2.0", "MIT", "LGPL-3.0-or-later", "EPL-2.0", "GPL-3.0-or-later", "GPL-2.0-or-later", "GPL-3.0-only", "EUPL-1.2-or-later", ""},
	licenceW:    []float64{23, 22, 6, 5, 3, 3, 3, 2, 2, 2, 1, 7},
	types:       []string{"standalone/web", "standalone/other", "standalone/backend", "library", "standalone/desktop", "standalone/mobile", "configurationFiles", "addon", "standalone/iot"},
	typeW:       []float64{39, 10, 9, 6, 4, 3, 3, 2, 1},
}

// vocabularySize is the number of distinct words per language; words are drawn
// with a Zipf law, so low ranks are common words and high ranks rare ones.
const vocabularySize = 20000

// generator makes a realistic synthetic catalogue, deterministic for a seed.
type generator struct {
	r          *rand.Rand
	zipf       *rand.Zipf
	categories []string
	scopes     []string
	publishers []catalogue.Publisher
}

func newGenerator(seed uint64, docs int) *generator {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &generator{r: r, zipf: rand.NewZipf(r, 1.07, 2, vocabularySize-1),
		categories: vocab.IDs(vocab.Category), scopes: vocab.IDs(vocab.Scope)}
	countries := []string{"IT", "IT", "IT", "NL", "NL", "DE", "DK", "FR", "ES", "SE"}
	for i := range max(docs/20, 5) {
		g.publishers = append(g.publishers, catalogue.Publisher{
			ID: fmt.Sprintf("pub-%04d", i), Name: "Publisher " + word("en", i+1), Country: countries[i%len(countries)],
		})
	}
	return g
}

var syllables = map[string][]string{
	"en": {"ma", "nage", "ment", "ser", "vice", "data", "sys", "tem", "pro", "cess", "ing", "port", "al", "re", "cord"},
	"it": {"ge", "stio", "ne", "ser", "vi", "zio", "da", "ti", "si", "ste", "ma", "pro", "ces", "so", "por", "ta", "le"},
	"nl": {"be", "heer", "dienst", "ver", "le", "ning", "ge", "ge", "vens", "sys", "teem", "zaak", "werk", "aan", "vraag"},
	"de": {"ver", "wal", "tung", "dienst", "leis", "daten", "sys", "tem", "an", "trag", "ge", "bühr", "amt", "stadt"},
	"da": {"for", "valt", "ning", "tje", "ne", "ste", "da", "ta", "sy", "stem", "sag", "be", "hand", "ling", "kom"},
	"fr": {"ges", "tion", "ser", "vi", "ce", "don", "nées", "sys", "tè", "me", "dé", "mar", "che", "por", "tail"},
	"sv": {"han", "te", "ring", "tjänst", "da", "ta", "sy", "stem", "ä", "ren", "de", "kom", "mun", "an", "sö"},
	"es": {"ges", "tión", "ser", "vi", "cio", "da", "tos", "sis", "te", "ma", "trá", "mi", "te", "por", "tal"},
}

// word is the rank-th word of lang: a pronounceable pseudo-word, the same for the
// same rank.
func word(lang string, rank int) string {
	syl := syllables[lang]
	if syl == nil {
		syl = syllables["en"]
	}
	var b strings.Builder
	n := rank
	for k := 0; k < 2 || n > 0; k++ {
		b.WriteString(syl[n%len(syl)])
		n /= len(syl)
	}
	return b.String()
}

func (g *generator) words(lang string, runes int) string {
	var b strings.Builder
	for b.Len() < runes {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(word(lang, int(g.zipf.Uint64())+1))
	}
	return b.String()
}

// quantile draws from the distribution given by p10, p25, p50, p75, p90.
func (g *generator) quantile(q []float64) int {
	u := g.r.Float64()
	points := []float64{0.1, 0.25, 0.5, 0.75, 0.9}
	switch {
	case u <= 0.1:
		return int(q[0] * u / 0.1)
	case u >= 0.9:
		return int(q[4] * (1 + (u-0.9)*5))
	}
	for i := 1; i < len(points); i++ {
		if u <= points[i] {
			f := (u - points[i-1]) / (points[i] - points[i-1])
			return int(q[i-1] + f*(q[i]-q[i-1]))
		}
	}
	return int(q[4])
}

func (g *generator) pick(values []string, weights []float64) string {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	u := g.r.Float64() * total
	for i, w := range weights {
		if u < w {
			return values[i]
		}
		u -= w
	}
	return values[len(values)-1]
}

func (g *generator) zipfPick(values []string) string {
	i := int(math.Floor(float64(len(values)) * math.Pow(g.r.Float64(), 2.5)))
	return values[min(i, len(values)-1)]
}

// software makes the i-th entry.
func (g *generator) software(i int, now time.Time) catalogue.Software {
	f := &publiccode.File{
		Name:              strings.ToUpper(word("en", i+7)[:1]) + word("it", i+3) + fmt.Sprintf(" %d", i),
		DevelopmentStatus: g.pick(corpusFigures.statuses, corpusFigures.statusW),
		SoftwareType:      g.pick(corpusFigures.types, corpusFigures.typeW),
		Description:       map[string]publiccode.Description{},
	}
	f.Legal.License = g.pick(corpusFigures.licences, corpusFigures.licenceW)
	nl := int(g.pick([]string{"0", "1", "2"}, corpusFigures.langCount)[0] - '0')
	for range nl {
		l := g.pick(corpusFigures.langs, corpusFigures.langWeights)
		if _, dup := f.Description[l]; dup {
			continue
		}
		d := publiccode.Description{
			ShortDescription: g.words(l, max(10, g.quantile(corpusFigures.short))),
			LongDescription:  g.words(l, g.quantile(corpusFigures.long)),
		}
		for range g.quantile(corpusFigures.features) {
			d.Features = append(d.Features, g.words(l, 30))
		}
		f.Description[l] = d
		f.Languages = append(f.Languages, l)
	}
	for range max(1, g.quantile(corpusFigures.categories)) {
		f.Categories = append(f.Categories, g.zipfPick(g.categories))
	}
	for range max(1, g.quantile(corpusFigures.platforms)) {
		f.Platforms = append(f.Platforms, g.zipfPick([]string{"web", "linux", "windows", "mac", "android", "ios"}))
	}
	f.IntendedAudience.Scope = []string{g.zipfPick(g.scopes)}
	pub := g.publishers[g.r.IntN(len(g.publishers))]
	return catalogue.Software{
		ID: fmt.Sprintf("sw%07d", i), URL: fmt.Sprintf("https://example.org/%s/r%d", pub.ID, i), Name: f.Name, File: f,
		Valid: g.r.Float64() < 0.5, Publishers: []string{pub.ID},
		Activity:  &catalogue.Activity{Score: math.Round(g.r.Float64()*1000) / 10},
		CreatedAt: now.Add(-time.Duration(i) * time.Minute), UpdatedAt: now.Add(-time.Duration(g.r.IntN(500*24)) * time.Hour),
	}
}

// memSource serves a generated catalogue to the search index.
type memSource struct {
	list []catalogue.Software
	pubs []catalogue.Publisher
	byID map[string]int
}

func newMemSource(g *generator, n int) *memSource {
	now := time.Now().UTC()
	s := &memSource{pubs: g.publishers, byID: make(map[string]int, n)}
	for i := range n {
		sw := g.software(i, now)
		s.byID[sw.ID] = len(s.list)
		s.list = append(s.list, sw)
	}
	return s
}

func (s *memSource) Changes(context.Context, int64, int) ([]catalogue.Change, error) { return nil, nil }
func (s *memSource) ChangeHead(context.Context) (int64, error)                       { return 0, nil }
func (s *memSource) SoftwareByIDs(_ context.Context, ids []string) ([]catalogue.Software, error) {
	out := make([]catalogue.Software, 0, len(ids))
	for _, id := range ids {
		if i, ok := s.byID[id]; ok {
			out = append(out, s.list[i])
		}
	}
	return out, nil
}

func (s *memSource) ListSoftware(_ context.Context, _ string, page catalogue.Page) ([]catalogue.Software, string, error) {
	from := 0
	if page.After != "" {
		from = s.byID[page.After] + 1
	}
	to := min(len(s.list), from+page.Size)
	next := ""
	if to < len(s.list) {
		next = s.list[to-1].ID
	}
	return s.list[from:to], next, nil
}

func (s *memSource) Publishers(_ context.Context, page catalogue.Page) ([]catalogue.Publisher, string, error) {
	if page.After != "" {
		return nil, "", nil
	}
	return s.pubs, "", nil
}

// The generated catalogue has no code entries: the benchmark measures software search.
func (s *memSource) CodeEntriesByIDs(context.Context, []string) ([]catalogue.CodeEntry, error) {
	return nil, nil
}

func (s *memSource) ListCodeEntries(context.Context, string, catalogue.Page) ([]catalogue.CodeEntry, string, error) {
	return nil, "", nil
}
