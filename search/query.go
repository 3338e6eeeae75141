package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrBadCursor is returned for a page cursor this index did not issue.
var ErrBadCursor = errors.New("the page cursor is not valid: start again from the first page")

// MaxQueryRunes bounds the query text; longer text is cut there.
const MaxQueryRunes = 500

// Query asks for one page of software.
type Query struct {
	Text  string
	Size  int
	After string
}

// Result is one page of matching software IDs, best first.
type Result struct {
	IDs   []string
	Total uint64
	// Next is the cursor of the following page, empty on the last page.
	Next string
}

// Search runs q. Free text is matched against names, descriptions and features;
// an empty text lists everything by name.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	size := q.Size
	if size <= 0 {
		size = 25
	}
	text := strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		text = string([]rune(text)[:MaxQueryRunes])
	}
	req := bleve.NewSearchRequestOptions(buildQuery(text), size+1, 0, false)
	if text == "" {
		req.SortBy([]string{"nameSort", "_id"})
	} else {
		// Valid entries rank above invalid ones at equal relevance.
		req.SortBy([]string{"-_score", "-valid", "_id"})
	}
	if q.After != "" {
		after, err := decodeCursor(q.After, len(req.Sort))
		if err != nil {
			return Result{}, err
		}
		req.SetSearchAfter(after)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return Result{}, errors.New("search index is closed")
	}
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search %q: %w", text, err)
	}
	out := Result{Total: res.Total}
	for i, h := range res.Hits {
		if i == size {
			out.Next = encodeCursor(res.Hits[i-1])
			break
		}
		out.IDs = append(out.IDs, h.ID)
	}
	return out, nil
}

func buildQuery(text string) query.Query {
	if text == "" {
		return bleve.NewMatchAllQuery()
	}
	var parts []query.Query
	for field, boost := range map[string]float64{"name": 4, "description": 1.5, "features": 1} {
		m := bleve.NewMatchQuery(text)
		m.SetField(field)
		m.SetBoost(boost)
		parts = append(parts, m)
	}
	// Type-ahead: the last word also matches names by prefix.
	words := strings.Fields(strings.ToLower(text))
	if last := words[len(words)-1]; utf8.RuneCountInString(last) >= 2 {
		p := bleve.NewPrefixQuery(last)
		p.SetField("name")
		p.SetBoost(2)
		parts = append(parts, p)
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// encodeCursor keeps the sort values of the last hit of a page. Bleve reports the
// score's sort value as the word "_score", so the score itself is put there.
func encodeCursor(h *search.DocumentMatch) string {
	vals := append([]string(nil), h.Sort...)
	for i, v := range vals {
		if v == "_score" {
			vals[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		}
	}
	b, _ := json.Marshal(vals)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	var v []string
	if err := json.Unmarshal(b, &v); err != nil || len(v) != n {
		return nil, ErrBadCursor
	}
	return v, nil
}
