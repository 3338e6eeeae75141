package search

import (
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/oscat-eu/oscat/catalogue"
)

// table keeps, for every document of the index, the compact values that filters,
// facet counts and sorting need, addressed by the document's ordinal and stored
// by column: a search over many hits reads each column nearly in order (Bleve
// returns hits in document order, which follows ordinal order), never the Bleve
// index. Facet values are interned as small integers per facet; most documents
// have one value per facet, kept in the first column, and the others in more.
type table struct {
	mu sync.RWMutex

	ids      []string
	live     []bool
	kind     []Kind
	valid    []bool
	names    []string // lower-cased, for sorting
	updated  []int64  // Unix microseconds
	created  []int64  // Unix microseconds
	activity []float64
	users    []int32
	contribs []int32 // contributing administrations
	// versions are each document's version, set whenever it is written;
	// publishersAt is the version of the last change of publishers, which
	// entries show too (their names, whether they are verified).
	versions     []uint64
	publishersAt atomic.Uint64
	first        [numFacets][]uint32
	more         [numFacets][][]uint32
	// rows hold the same values by document: each of its facets' value IDs,
	// packed as rowValue does. A hit counted in every facet reads its one
	// short row, not sixteen columns.
	rows [][]uint32
	// audience holds the country facet's IDs of a file's own intended-audience
	// countries, so that the facet can be recomputed when a publisher's country
	// changes.
	audience [][]uint32

	byID    map[string]uint32
	dict    [numFacets]dictionary
	country map[string]string // publisher ID → country
	// langs are the language fields some document has text in.
	langs map[string]bool
}

// noValue marks a document without a value for a facet.
const noValue = math.MaxUint32

// rowIDBits are the bits of a row value that hold the value ID; the facet is
// in the bits above (numFacets fits in the four left). A dictionary would
// need 2^28 values, gigabytes of them, to overflow it.
const rowIDBits = 28

func rowValue(f Facet, id uint32) uint32 { return uint32(f)<<rowIDBits | id }

// dictionary interns one facet's values.
type dictionary struct {
	ids    map[string]uint32
	values []string
}

func (d *dictionary) intern(v string) uint32 {
	if id, ok := d.ids[v]; ok {
		return id
	}
	if d.ids == nil {
		d.ids = map[string]uint32{}
	}
	id := uint32(len(d.values))
	d.ids[v] = id
	d.values = append(d.values, v)
	return id
}

func newTable() *table {
	return &table{byID: map[string]uint32{}, country: map[string]string{}, langs: map[string]bool{}}
}

// size is the number of ordinals given.
func (t *table) size() int { return len(t.ids) }

// add gives id the next ordinal, as a row that is not live yet.
func (t *table) add(id string) uint32 {
	o := uint32(len(t.ids))
	t.ids = append(t.ids, id)
	t.live = append(t.live, false)
	t.kind = append(t.kind, KindSoftware)
	t.valid = append(t.valid, false)
	t.names = append(t.names, "")
	t.updated = append(t.updated, 0)
	t.created = append(t.created, 0)
	t.activity = append(t.activity, 0)
	t.users = append(t.users, 0)
	t.contribs = append(t.contribs, 0)
	t.versions = append(t.versions, 0)
	t.audience = append(t.audience, nil)
	t.rows = append(t.rows, nil)
	for f := range numFacets {
		t.first[f] = append(t.first[f], noValue)
		t.more[f] = append(t.more[f], nil)
	}
	t.byID[id] = o
	return o
}

// written counts the documents written to any table of this process, so that
// a Version is never given twice, even by a rebuilt index.
var written atomic.Uint64

// version is the document at ord's version: the later of its own and the
// publishers'.
func (t *table) version(ord uint32) uint64 { return max(t.versions[ord], t.publishersAt.Load()) }

// put records a document at its ordinal.
func (t *table) put(ord uint32, sw catalogue.Software) {
	t.versions[ord] = written.Add(1)
	values := facetValues(sw, t.country)
	t.live[ord], t.kind[ord], t.valid[ord], t.names[ord] = true, KindSoftware, sw.Valid, sortKey(sw.Name)
	t.updated[ord], t.activity[ord], t.users[ord] = sw.UpdatedAt.UnixMicro(), 0, int32(sw.Users)
	t.created[ord] = sw.CreatedAt.UnixMicro()
	t.contribs[ord] = int32(sw.Contributions.ContributingAdministrations())
	if sw.Activity != nil {
		t.activity[ord] = sw.Activity.Score
	}
	for f := range numFacets {
		t.set(f, ord, values[f])
	}
	t.audience[ord] = nil
	if sw.File != nil {
		for _, tag := range sw.File.Languages {
			t.langs[analyserFor(tag)] = true
		}
		for _, c := range dedupe(upper(sw.File.IntendedAudience.Countries)) {
			t.audience[ord] = append(t.audience[ord], t.dict[FacetCountry].intern(c))
		}
	}
}

func (t *table) set(f Facet, ord uint32, values []string) {
	t.first[f][ord], t.more[f][ord] = noValue, nil
	row := make([]uint32, 0, len(t.rows[ord])+len(values))
	for _, v := range t.rows[ord] {
		if Facet(v>>rowIDBits) != f {
			row = append(row, v)
		}
	}
	for i, v := range values {
		id := t.dict[f].intern(v)
		if i == 0 {
			t.first[f][ord] = id
		} else {
			t.more[f][ord] = append(t.more[f][ord], id)
		}
		row = append(row, rowValue(f, id))
	}
	t.rows[ord] = row
}

// remove marks the document with id as gone.
func (t *table) remove(id string) {
	if ord, ok := t.byID[id]; ok {
		t.live[ord] = false
	}
}

// has reports whether the document at ord has a value of facet f in set.
func (t *table) has(f Facet, ord uint32, set []bool) bool {
	v := t.first[f][ord]
	if v == noValue {
		return false
	}
	if set[v] {
		return true
	}
	for _, v := range t.more[f][ord] {
		if set[v] {
			return true
		}
	}
	return false
}

// setCountries replaces the publisher countries and recomputes every row's country
// facet from its publishers and its own audience.
func (t *table) setCountries(countries map[string]string) {
	t.publishersAt.Store(written.Add(1))
	t.country = countries
	pubs := &t.dict[FacetPublisher]
	for i := range t.ids {
		ord := uint32(i)
		if !t.live[ord] {
			continue
		}
		var values []string
		seen := map[string]bool{}
		add := func(c string) {
			if c != "" && !seen[c] {
				seen[c] = true
				values = append(values, c)
			}
		}
		if p := t.first[FacetPublisher][ord]; p != noValue {
			add(countries[pubs.values[p]])
			for _, p := range t.more[FacetPublisher][ord] {
				add(countries[pubs.values[p]])
			}
		}
		for _, id := range t.audience[ord] {
			add(t.dict[FacetCountry].values[id])
		}
		t.set(FacetCountry, ord, values)
	}
}

func sortKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func upper(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strings.ToUpper(strings.TrimSpace(x))
	}
	return out
}

// textLangs returns the language fields in use, in a stable order.
func (t *table) textLangs() []string {
	var out []string
	for _, l := range textLanguages() {
		if t.langs[l] {
			out = append(out, l)
		}
	}
	return out
}
