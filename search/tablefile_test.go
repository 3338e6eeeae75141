package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// listingSource counts the times the index lists the catalogue.
type listingSource struct {
	Source
	lists atomic.Int64
}

func (s *listingSource) ListSoftware(ctx context.Context, publisher string, page catalogue.Page) ([]catalogue.Software, string, error) {
	s.lists.Add(1)
	return s.Source.ListSoftware(ctx, publisher, page)
}

func (s *listingSource) ListCodeEntries(ctx context.Context, publisher string, page catalogue.Page) ([]catalogue.CodeEntry, string, error) {
	s.lists.Add(1)
	return s.Source.ListCodeEntries(ctx, publisher, page)
}

// answers is what an index says to a set of searches that read every column
// of the table: filters of several facets, each sort, facet counts, both
// kinds.
func answers(t *testing.T, ix *Index) []string {
	t.Helper()
	reqs := []Request{
		{}, {Text: "parkeren"}, {Text: "documenti"},
		{Filters: map[Facet][]string{FacetCountry: {"NL"}}},
		{Filters: map[Facet][]string{FacetLicense: {"EUPL-1.2"}, FacetPlatforms: {"web"}}},
		{Filters: map[Facet][]string{FacetValid: {"true"}, FacetLanguages: {"it"}}},
		{Kind: KindCode}, {Kind: KindCode, Text: "scripts"},
		{Text: "parkeervergunningen", Also: &Also{Kind: KindCode}},
	}
	for _, s := range Sorts {
		reqs = append(reqs, Request{Sort: s})
	}
	var out []string
	for _, r := range reqs {
		res, err := ix.Search(t.Context(), r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		var b strings.Builder
		b.WriteString(strings.Join(res.IDs, ","))
		for _, f := range res.Facets {
			b.WriteString(" " + f.Name + ":")
			for _, v := range f.Values {
				b.WriteString(v.Value + "=" + strings.Repeat("|", v.Count) + ";")
			}
		}
		out = append(out, r.Sort+" "+r.Text+" → "+b.String()+" also="+strings.Repeat("|", res.AlsoTotal))
	}
	return out
}

// savedTable is the path of the table the index in dir saved.
func savedTable(t *testing.T, dir string) string {
	t.Helper()
	name, err := readCurrent(dir)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name, tableFile)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestOpen_ReadsTheTableSavedAtCloseInsteadOfListingTheCatalogue closes and
// reopens an index: the reopened one lists nothing, answers every search as
// before, and still follows the change log.
func TestOpen_ReadsTheTableSavedAtCloseInsteadOfListingTheCatalogue(t *testing.T) {
	t.Parallel()
	s := catalogueStore(t)
	if err := s.RegisterRepository(t.Context(), "utrecht", "https://example.org/utrecht/parkeer-scripts"); err != nil {
		t.Fatal(err)
	}
	codeCrawl(t, s, "https://example.org/utrecht/parkeer-scripts", catalogue.CodeFacts{
		Readme: "Scripts voor het beheer van de parkeervergunningen.", License: "MIT", ProgrammingLanguages: []string{"Go"}})
	dir := t.TempDir()
	open := func(src Source) *Index {
		t.Helper()
		ix, err := Open(t.Context(), dir, src, quiet)
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}

	// A built index saves its table: its first open lists nothing either.
	src := &listingSource{Source: s}
	ix := open(src)
	if n := src.lists.Load(); n != 2 {
		t.Errorf("the first open (a build) listed the catalogue %d times, want 2 (software, code) for the build alone", n)
	}
	want := answers(t, ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	path := savedTable(t, dir)
	if !exists(path) {
		t.Fatal("the closed index saved no table")
	}

	src = &listingSource{Source: s}
	ix = open(src)
	if n := src.lists.Load(); n != 0 {
		t.Errorf("the reopened index listed the catalogue %d times", n)
	}
	if exists(path) {
		t.Error("the saved table is still there once read: a process killed now would read it again")
	}
	if got := answers(t, ix); !slices.Equal(got, want) {
		t.Errorf("the reopened index answers\n%s\nnot\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// It follows the log, and what it applied is in the next saved table.
	list(t, s, "https://example.org/utrecht/zaken", `name: Zaakregistratie Plus
categories: [document-management]
platforms: [linux]
developmentStatus: beta
legal: {license: MIT}
description:
  nl:
    shortDescription: Zaakgericht werken voor gemeenten
`)
	if err := ix.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	want = answers(t, ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	src = &listingSource{Source: s}
	ix = open(src)
	defer ix.Close()
	if n := src.lists.Load(); n != 0 {
		t.Errorf("the index reopened after a change listed the catalogue %d times", n)
	}
	if got := answers(t, ix); !slices.Equal(got, want) {
		t.Errorf("after a change, the reopened index answers\n%s\nnot\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res, err := ix.Search(t.Context(), Request{Filters: map[Facet][]string{FacetLicense: {"MIT"}, FacetPlatforms: {"linux"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, s, res.IDs); !slices.Equal(got, []string{"Zaakregistratie Plus"}) {
		t.Errorf("the renamed entry's new facets find %v", got)
	}
}

// TestOpen_ListsTheCatalogueWhenTheSavedTableIsNotItsOwn puts, where the
// saved table goes, one from an earlier position, a cut one and garbage: each
// is refused with a warning, and the index lists the catalogue and is right.
func TestOpen_ListsTheCatalogueWhenTheSavedTableIsNotItsOwn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		replace func(saved, earlier []byte) []byte
	}{
		{"from an earlier position", func(_, earlier []byte) []byte { return earlier }},
		{"cut in half", func(saved, _ []byte) []byte { return saved[:len(saved)/2] }},
		{"garbage", func([]byte, []byte) []byte { return []byte("not a table\n") }},
		{"empty", func([]byte, []byte) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := catalogueStore(t)
			dir := t.TempDir()
			buildClosed(t, dir, s)
			earlier, err := os.ReadFile(savedTable(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			// A change after it, while the index is open.
			ix, err := Open(t.Context(), dir, s, quiet)
			if err != nil {
				t.Fatal(err)
			}
			list(t, s, "https://example.org/roma/protocollo", `name: Protocollo Nuovo
categories: [document-management]
platforms: [android]
developmentStatus: stable
legal: {license: MIT}
description:
  it:
    shortDescription: Protocollo informatico
`)
			if err := ix.CatchUp(t.Context()); err != nil {
				t.Fatal(err)
			}
			want := answers(t, ix)
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			saved, err := os.ReadFile(savedTable(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(savedTable(t, dir), tc.replace(saved, earlier), 0o640); err != nil {
				t.Fatal(err)
			}

			var logged bytes.Buffer
			src := &listingSource{Source: s}
			ix, err = Open(t.Context(), dir, src, slog.New(slog.NewTextHandler(&logged, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if src.lists.Load() == 0 {
				t.Error("the index used a table that is not its own")
			}
			if !strings.Contains(logged.String(), "listing the catalogue instead of the saved table") {
				t.Errorf("no warning says why the catalogue is listed; the log:\n%s", logged.String())
			}
			if got := answers(t, ix); !slices.Equal(got, want) {
				t.Errorf("the index answers\n%s\nnot\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// filledTable is a table with documents of both kinds and several values per
// facet, its countries set.
func filledTable() *table {
	tb := newTable()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, id := range []string{"a", "b", "c"} {
		sw := catalogue.Software{ID: id, Name: " Name " + id, Valid: i != 1, Publishers: []string{"p1", "p" + id},
			Users: i * 3, UpdatedAt: now.Add(time.Duration(i) * time.Hour), CreatedAt: now,
			Activity: &catalogue.Activity{Score: float64(i) / 3},
			File: &publiccode.File{Categories: []string{"maps", "cat-" + id}, Platforms: []string{"web"},
				DevelopmentStatus: "stable", Languages: []string{"it", "de"}}}
		sw.File.IntendedAudience.Countries = []string{"fr", "IT"}
		sw.Contributions = &catalogue.Contributions{Contributors: []catalogue.Contributor{
			{Kind: catalogue.KindAdministration, Publisher: "p1", Commits: i}}}
		tb.put(tb.add(id), sw)
	}
	tb.putCode(tb.add(codeDocID("k")), catalogue.CodeEntry{ID: "k", Name: "Kit", License: "MIT",
		ProgrammingLanguages: []string{"Go", "C"}, Publishers: []string{"p2"}, UpdatedAt: now})
	tb.add("never-written")
	tb.remove("b")
	tb.setCountries(map[string]string{"p1": "NL", "pa": "BE"})
	return tb
}

// TestTable_SavedAndRestoredKeepsEveryColumn saves a table and restores it
// into one that read the same ordinals: every field of the table is the same,
// but the versions, given afresh, and the publishers' countries, which the
// store gives. A field added to the table and not to the file fails here.
func TestTable_SavedAndRestoredKeepsEveryColumn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	orig := &shard{path: dir, table: filledTable()}
	orig.seq.Store(42)
	if err := orig.saveTable(); err != nil {
		t.Fatal(err)
	}
	back := &shard{path: dir, table: newTable()}
	back.seq.Store(42)
	for _, id := range orig.table.ids {
		back.table.add(id)
	}
	if err := back.restoreTable(); err != nil {
		t.Fatal(err)
	}
	skip := map[string]bool{"mu": true, "versions": true, "publishersAt": true, "country": true}
	a, b := reflect.ValueOf(orig.table).Elem(), reflect.ValueOf(back.table).Elem()
	for i := range a.NumField() {
		name := a.Type().Field(i).Name
		if skip[name] {
			continue
		}
		if !sameValue(a.Field(i), b.Field(i)) {
			t.Errorf("table.%s: restored %#v, saved %#v", name, b.Field(i), a.Field(i))
		}
	}
	seen := map[uint64]bool{}
	for _, v := range back.table.versions {
		if v == 0 || seen[v] || v <= slices.Max(orig.table.versions) {
			t.Errorf("restored versions %v are not fresh and distinct (saved %v)", back.table.versions, orig.table.versions)
			break
		}
		seen[v] = true
	}
	if err := back.restoreTable(); !errors.Is(err, errNoTable) {
		t.Errorf("a second restore: %v, want errNoTable (a saved table is read once)", err)
	}
}

// sameValue is reflect.DeepEqual for unexported fields, with nil and empty
// slices and maps the same (gob does not tell them apart).
func sameValue(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			if v := b.MapIndex(k); !v.IsValid() || !sameValue(a.MapIndex(k), v) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	panic("sameValue: no comparison for " + a.Kind().String())
}

// TestTableData_CheckRefusesEveryInconsistency spoils a valid saved table one
// way at a time: each is refused before a search could index a slice with it.
func TestTableData_CheckRefusesEveryInconsistency(t *testing.T) {
	t.Parallel()
	valid := func() tableData {
		dir := t.TempDir()
		sh := &shard{path: dir, table: filledTable()}
		sh.seq.Store(9)
		if err := sh.saveTable(); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, tableFile))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		d, err := decodeTable(f)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := valid()
	ids := slices.Clone(d.IDs)
	if err := d.check(9, ids); err != nil {
		t.Fatalf("the valid table is refused: %v", err)
	}
	tooBig := uint32(len(d.Dicts[FacetCategories]))
	for name, spoil := range map[string]func(d *tableData){
		"another format":             func(d *tableData) { d.Format++ },
		"another mapping":            func(d *tableData) { d.Mapping += "x" },
		"another position":           func(d *tableData) { d.Seq = 8 },
		"other documents":            func(d *tableData) { d.IDs[0] = "z" },
		"one document fewer":         func(d *tableData) { d.IDs = d.IDs[1:] },
		"a short column":             func(d *tableData) { d.Names = d.Names[1:] },
		"a short facet column":       func(d *tableData) { d.More[FacetPlatforms] = d.More[FacetPlatforms][1:] },
		"an unknown kind":            func(d *tableData) { d.Kind[0] = 7 },
		"a first value out of range": func(d *tableData) { d.First[FacetCategories][0] = tooBig },
		"a further value out of range": func(d *tableData) {
			d.More[FacetCategories][0] = append(d.More[FacetCategories][0], tooBig)
		},
		"a missing further value": func(d *tableData) {
			d.More[FacetCategories][0] = append(d.More[FacetCategories][0], noValue)
		},
		"a row value out of range": func(d *tableData) { d.Rows[0] = append(d.Rows[0], rowValue(FacetCategories, tooBig)) },
		"an audience value out of range": func(d *tableData) {
			d.Audience[0] = append(d.Audience[0], uint32(len(d.Dicts[FacetCountry])))
		},
	} {
		d := valid()
		spoil(&d)
		if err := d.check(9, ids); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// BenchmarkTable_SaveAndRestore saves and restores the table of 100,000
// entries with a few values in each facet; it reports the file's size.
func BenchmarkTable_SaveAndRestore(b *testing.B) {
	tb := newTable()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		id := fmt.Sprintf("entry%011d", i)
		sw := catalogue.Software{ID: id, Name: "Software " + id, Valid: i%7 != 0,
			Publishers: []string{fmt.Sprintf("p%d", i%900)}, Users: i % 13, UpdatedAt: now, CreatedAt: now,
			File: &publiccode.File{Categories: []string{fmt.Sprintf("cat%d", i%40), fmt.Sprintf("cat%d", i%17)},
				Platforms: []string{"web", "linux"}, DevelopmentStatus: "stable", Languages: []string{"it", "en"},
				SoftwareType: "standalone/web"}}
		tb.put(tb.add(id), sw)
	}
	dir := b.TempDir()
	sh := &shard{path: dir, table: tb}
	for b.Loop() {
		if err := sh.saveTable(); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(filepath.Join(dir, tableFile))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Size()), "file-bytes")
		back := &shard{path: dir, table: newTable()}
		for _, id := range tb.ids {
			back.table.add(id)
		}
		if err := back.restoreTable(); err != nil {
			b.Fatal(err)
		}
	}
}
