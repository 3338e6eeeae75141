package search

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrInvalid wraps a request the index refuses; its message says what to change.
var ErrInvalid = errors.New("invalid search")

// QueryTimeout bounds the time one search may take.
const QueryTimeout = time.Second

// Result is one page of matching software, best first.
type Result struct {
	IDs []string
	// Versions are the index's versions of the documents IDs names, in the same
	// order: a document's version changes whenever the index writes it again,
	// so an entry read from the store while IDs[i] had version Versions[i] is
	// at least as new as what the index found, for as long as that holds.
	Versions []uint64
	Total    int
	// Next is the cursor of the following page, empty on the last page.
	Next string
	// Facets count, per facet, the entries each value would give; the counts of
	// a facet ignore that facet's own selection.
	Facets []FacetCount
	// Suggestion is a query that would find something, when this one found nothing.
	Suggestion string
	// Terms are the words to highlight in snippets.
	Terms []string
	// AlsoTotal counts the documents Request.Also asked for.
	AlsoTotal int
}

// FacetCount is one facet's values with their counts, most frequent first.
type FacetCount struct {
	Name   string       `json:"name"`
	Values []ValueCount `json:"values"`
}

// ValueCount is one facet value and how many entries have it.
type ValueCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Search runs req.
func (ix *Index) Search(ctx context.Context, req Request) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, QueryTimeout)
	defer cancel()
	sh, release := ix.acquire()
	defer release()
	if sh == nil {
		return Result{}, errors.New("search index is closed")
	}
	order, err := sortOrder(req.Sort)
	if err != nil {
		return Result{}, err
	}
	size := req.Size
	if size <= 0 {
		size = 25
	}
	p := parseText(req.Text)
	if p.empty() && order == byRelevance {
		order = byName
	}
	var after *cursor
	if req.After != "" {
		c, err := decodeCursor(req.After, order)
		if err != nil {
			return Result{}, err
		}
		after = &c
	}
	sh.table.mu.RLock()
	defer sh.table.mu.RUnlock()
	run := &run{t: sh.table, order: order, after: after, size: size, since: req.UpdatedSince.UnixMicro(), countFacets: !req.NoFacets, kind: req.Kind}
	run.top.o = order
	if req.UpdatedSince.IsZero() {
		run.since = 0
	}
	run.allocCounts()
	run.filters, run.active = run.compileFilters(req.Filters)
	if req.Also != nil && req.Also.Kind != req.Kind {
		run.also, run.alsoKind = true, req.Also.Kind
		run.alsoFilters, run.alsoActive = run.compileFilters(req.Also.Filters)
	}
	if p.empty() {
		run.scanAll(ctx)
	} else {
		known, err := sh.knownWords(p)
		if err != nil {
			return Result{}, err
		}
		if err := run.scanText(ctx, sh, buildQuery(p, sh.table.textLangs(), known, true)); err != nil {
			return Result{}, err
		}
		if run.total == 0 && len(p.words)+len(p.phrases) > 1 {
			// Nothing has every word: show what has some of them.
			strictAlso := run.alsoTotal
			run.reset()
			if err := run.scanText(ctx, sh, buildQuery(p, sh.table.textLangs(), known, false)); err != nil {
				return Result{}, err
			}
			if strictAlso > 0 {
				run.alsoTotal = strictAlso
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("search took longer than %s: %w", QueryTimeout, err)
	}
	res := run.result(req)
	res.Terms = p.terms()
	if res.Total == 0 && !p.empty() {
		res.Suggestion = suggest(sh, p)
	}
	return res, nil
}

// run is one search's state: filters, facet counts and the best hits so far.
type run struct {
	t           *table
	order       order
	after       *cursor
	size        int
	since       int64
	countFacets bool
	kind        Kind

	filters [numFacets][]bool // by value ID; nil: facet not filtered
	active  []Facet
	counts  [numFacets][]int32
	total   int
	top     hitHeap

	// also counts the documents of alsoKind that alsoFilters keep (Request.Also).
	also        bool
	alsoKind    Kind
	alsoFilters [numFacets][]bool
	alsoActive  []Facet
	alsoTotal   int
}

func (r *run) reset() {
	r.total, r.alsoTotal = 0, 0
	r.top.hits = r.top.hits[:0]
	r.allocCounts()
}

// allocCounts gives every facet's counts, zero, when the run counts facets.
func (r *run) allocCounts() {
	for f := range r.counts {
		r.counts[f] = nil
		if r.countFacets {
			r.counts[f] = make([]int32, len(r.t.dict[f].values))
		}
	}
}

// compileFilters turns filter values into the table's value IDs. A value the
// table has never seen matches nothing (but keeps the facet filtered).
func (r *run) compileFilters(filters map[Facet][]string) (sets [numFacets][]bool, active []Facet) {
	for f, values := range filters {
		if len(values) == 0 {
			continue
		}
		set := make([]bool, len(r.t.dict[f].values))
		for _, v := range values {
			if id, ok := r.t.dict[f].ids[v]; ok {
				set[id] = true
			}
		}
		sets[f] = set
		active = append(active, f)
	}
	sort.Slice(active, func(i, j int) bool { return active[i] < active[j] })
	return sets, active
}

// countAlso counts a document of the other kind that Request.Also asked for.
func (r *run) countAlso(ord uint32) {
	for _, f := range r.alsoActive {
		if !r.t.has(f, ord, r.alsoFilters[f]) {
			return
		}
	}
	r.alsoTotal++
}

// consider applies filters and facet counting to one candidate document.
func (r *run) consider(ord uint32, score float64) {
	t := r.t
	if !t.live[ord] || t.updated[ord] < r.since {
		return
	}
	if t.kind[ord] != r.kind {
		if r.also && t.kind[ord] == r.alsoKind {
			r.countAlso(ord)
		}
		return
	}
	failed, fails := Facet(0), 0
	for _, f := range r.active {
		if !t.has(f, ord, r.filters[f]) {
			failed = f
			fails++
			if fails > 1 {
				return
			}
		}
	}
	if r.countFacets {
		if fails == 1 {
			r.count(failed, ord)
		} else {
			for _, v := range t.rows[ord] {
				r.counts[v>>rowIDBits][v&(1<<rowIDBits-1)]++
			}
		}
	}
	if fails > 0 {
		return
	}
	r.total++
	h := hit{score: score, valid: t.valid[ord], name: t.names[ord], updated: t.updated[ord], created: t.created[ord], activity: t.activity[ord], users: t.users[ord], contribs: t.contribs[ord], id: t.ids[ord]}
	if r.after != nil && !r.after.before(h, r.order) {
		return
	}
	if len(r.top.hits) <= r.size {
		heap.Push(&r.top, h)
		return
	}
	if less(h, r.top.hits[0], r.order) {
		r.top.hits[0] = h
		heap.Fix(&r.top, 0)
	}
}

// count counts the document at ord in facet f alone.
func (r *run) count(f Facet, ord uint32) {
	v := r.t.first[f][ord]
	if v == noValue {
		return
	}
	c := r.counts[f]
	c[v]++
	for _, v := range r.t.more[f][ord] {
		c[v]++
	}
}

// scanAll considers every document: an empty query needs no text index.
func (r *run) scanAll(ctx context.Context) {
	for i := range r.t.size() {
		if i&4095 == 0 && ctx.Err() != nil {
			return
		}
		r.consider(uint32(i), 0)
	}
}

// scanText considers the documents the text query matches, joined to the table
// through their ordinal doc value. Scores are computed only for relevance order.
func (r *run) scanText(ctx context.Context, sh *shard, q query.Query) error {
	adv, err := sh.bleve.Advanced()
	if err != nil {
		return fmt.Errorf("open the index's segments: %w", err)
	}
	reader, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	opts := bsearch.SearcherOptions{}
	if r.order != byRelevance {
		opts.Score = "none"
	}
	s, err := q.Searcher(ctx, reader, sh.mapping, opts)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer s.Close()
	ordOf, err := sh.ords.resolver(reader)
	if err != nil {
		return err
	}
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0),
		IndexReader:       reader,
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if dm == nil {
			return nil
		}
		if ord, found := ordOf(dm.IndexInternalID); found && int(ord) < r.t.size() {
			r.consider(ord, dm.Score)
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

func (r *run) result(req Request) Result {
	res := Result{Total: r.total, AlsoTotal: r.alsoTotal}
	hits := make([]hit, len(r.top.hits))
	copy(hits, r.top.hits)
	sort.Slice(hits, func(i, j int) bool { return less(hits[i], hits[j], r.order) })
	if len(hits) > r.size {
		res.Next = encodeCursor(hits[r.size-1], r.order)
		hits = hits[:r.size]
	}
	for _, h := range hits {
		res.IDs = append(res.IDs, strings.TrimPrefix(h.id, codePrefix))
		res.Versions = append(res.Versions, r.t.version(r.t.byID[h.id]))
	}
	if !req.NoFacets {
		res.Facets = r.facetCounts(req.FacetValues)
	}
	return res
}

func (r *run) facetCounts(limit int) []FacetCount {
	if limit <= 0 {
		limit = 50
	}
	out := make([]FacetCount, 0, numFacets)
	for _, f := range facetsOf(r.kind) {
		fc := FacetCount{Name: f.String(), Values: []ValueCount{}}
		for id, n := range r.counts[f] {
			if n > 0 || (r.filters[f] != nil && r.filters[f][id]) {
				// Selected values stay listed even when nothing has them.
				fc.Values = append(fc.Values, ValueCount{Value: r.t.dict[f].values[id], Count: int(n)})
			}
		}
		slices.SortFunc(fc.Values, func(a, b ValueCount) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return strings.Compare(a.Value, b.Value)
		})
		if len(fc.Values) > limit {
			fc.Values = fc.Values[:limit]
		}
		out = append(out, fc)
	}
	return out
}
