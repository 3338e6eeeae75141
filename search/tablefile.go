package search

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// The table is kept beside Bleve's files when the index closes, so that a
// restart reads it back instead of listing the whole catalogue (a minute for
// 100,000 entries on PostgreSQL). A file is used once: it is removed as it is
// read, so a process killed later leaves none, and the next start lists the
// catalogue as before. It is used only at the very position the index was
// closed at; the catch-up that follows applies everything after it.
const (
	tableFile = "table"
	// tableFormat changes whenever tableData does.
	tableFormat = 1
)

// tableData is the table as written: every column but the versions, which are
// given afresh (a version is never given twice in a process), and the
// publisher countries, which are read from the store at each start.
type tableData struct {
	Format   int
	Mapping  string
	Seq      int64
	IDs      []string
	Live     []bool
	Kind     []Kind
	Valid    []bool
	Names    []string
	Updated  []int64
	Created  []int64
	Activity []float64
	Users    []int32
	Contribs []int32
	First    [numFacets][]uint32
	More     [numFacets][][]uint32
	Rows     [][]uint32
	Audience [][]uint32
	Dicts    [numFacets][]string
	Langs    []string
}

// saveTable writes the shard's table, at the shard's position, for the next
// open. The caller holds the index's writeMu, so no write is in progress.
func (sh *shard) saveTable() error {
	t := sh.table
	t.mu.RLock()
	d := tableData{
		Format: tableFormat, Mapping: MappingVersion, Seq: sh.seq.Load(),
		IDs: t.ids, Live: t.live, Kind: t.kind, Valid: t.valid, Names: t.names,
		Updated: t.updated, Created: t.created, Activity: t.activity, Users: t.users, Contribs: t.contribs,
		First: t.first, More: t.more, Rows: t.rows, Audience: t.audience,
	}
	for f := range numFacets {
		d.Dicts[f] = t.dict[f].values
	}
	for l := range t.langs {
		d.Langs = append(d.Langs, l)
	}
	err := writeFileAtomic(filepath.Join(sh.path, tableFile), func(w *bufio.Writer) error {
		return gob.NewEncoder(w).Encode(&d)
	})
	t.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("save search table: %w", err)
	}
	return nil
}

// errNoTable says that the shard has no saved table.
var errNoTable = errors.New("no saved table")

// restoreTable reads the table saved at close into the shard's table, whose
// ordinals were read from the ords file. It removes the file first: it fails
// when it cannot. The saved table must be at the shard's position and hold
// its ordinals; any file that does not is refused, whole.
func (sh *shard) restoreTable() error {
	path := filepath.Join(sh.path, tableFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return errNoTable
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := os.Remove(path); err != nil {
		return err
	}
	d, err := decodeTable(f)
	if err != nil {
		return fmt.Errorf("read saved search table: %w", err)
	}
	t := sh.table
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := d.check(sh.seq.Load(), t.ids); err != nil {
		return fmt.Errorf("saved search table refused: %w", err)
	}
	t.live, t.kind, t.valid, t.names = d.Live, d.Kind, d.Valid, d.Names
	t.updated, t.created, t.activity, t.users, t.contribs = d.Updated, d.Created, d.Activity, d.Users, d.Contribs
	t.first, t.more, t.rows, t.audience = d.First, d.More, d.Rows, d.Audience
	for f := range numFacets {
		t.dict[f] = dictionary{ids: make(map[string]uint32, len(d.Dicts[f])), values: d.Dicts[f]}
		for id, v := range d.Dicts[f] {
			t.dict[f].ids[v] = uint32(id)
		}
	}
	for _, l := range d.Langs {
		t.langs[l] = true
	}
	for i := range t.versions {
		t.versions[i] = written.Add(1)
	}
	return nil
}

func decodeTable(r io.Reader) (tableData, error) {
	var d tableData
	err := gob.NewDecoder(bufio.NewReaderSize(r, 1<<16)).Decode(&d)
	return d, err
}

// check reports why d cannot be the table of an index at seq holding ids,
// checking every value a search indexes a slice with.
func (d *tableData) check(seq int64, ids []string) error {
	switch {
	case d.Format != tableFormat:
		return fmt.Errorf("format %d, not %d", d.Format, tableFormat)
	case d.Mapping != MappingVersion:
		return fmt.Errorf("mapping %q, not %q", d.Mapping, MappingVersion)
	case d.Seq != seq:
		return fmt.Errorf("saved at position %d, the index is at %d", d.Seq, seq)
	case !slices.Equal(d.IDs, ids):
		return fmt.Errorf("its %d documents are not the index's %d", len(d.IDs), len(ids))
	}
	n := len(ids)
	if len(d.Live) != n || len(d.Kind) != n || len(d.Valid) != n || len(d.Names) != n ||
		len(d.Updated) != n || len(d.Created) != n || len(d.Activity) != n || len(d.Users) != n ||
		len(d.Contribs) != n || len(d.Rows) != n || len(d.Audience) != n {
		return errors.New("a column's length is not the number of documents")
	}
	for _, k := range d.Kind {
		if k != KindSoftware && k != KindCode {
			return fmt.Errorf("kind %d", k)
		}
	}
	in := func(f Facet, id uint32) bool { return int(id) < len(d.Dicts[f]) }
	for f := range numFacets {
		if len(d.First[f]) != n || len(d.More[f]) != n {
			return fmt.Errorf("facet %d: a column's length is not the number of documents", f)
		}
		for i, v := range d.First[f] {
			if v != noValue && !in(f, v) {
				return fmt.Errorf("facet %d: value %d is not in its dictionary", f, v)
			}
			for _, v := range d.More[f][i] {
				if v == noValue || !in(f, v) {
					return fmt.Errorf("facet %d: value %d is not in its dictionary", f, v)
				}
			}
		}
	}
	for _, row := range d.Rows {
		for _, v := range row {
			if f := Facet(v >> rowIDBits); f >= numFacets || !in(f, v&(1<<rowIDBits-1)) {
				return fmt.Errorf("row value %#x is not in a dictionary", v)
			}
		}
	}
	for _, a := range d.Audience {
		for _, v := range a {
			if !in(FacetCountry, v) {
				return fmt.Errorf("audience value %d is not in its dictionary", v)
			}
		}
	}
	return nil
}
