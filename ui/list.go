package ui

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Page sizes of DESIGN.md: 25 by default, at most 100.
const (
	defaultPageSize = 25
	maxPageSize     = 100
)

// listSpec is what one list reads besides page[size] and page[after]. Every
// list, in the API and on the site, reads its query through parseList, so each
// refuses a malformed page, an unknown filter or an unknown order in the same
// words.
type listSpec struct {
	filters []string          // the NAMEs of filter[NAME]
	sorts   []string          // the values of sort; none: the list has one order
	cursor  func(string) bool // whether page[after] is a cursor this list gives
}

// listQuery is a list's query, checked against its listSpec.
type listQuery struct {
	size  int
	after string
	// filters holds the values of each filter[NAME], trimmed, empty ones left out.
	filters map[string][]string
	sort    string
}

// first is the first value of the filter named name, or "".
func (q listQuery) first(name string) string {
	if vs := q.filters[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

var (
	wholeNumber = regexp.MustCompile(`^[0-9]{1,9}$`)
	numericID   = regexp.MustCompile(`^[0-9]{1,18}$`)
)

// numericCursor is the cursor of the lists paged by numeric ID.
func numericCursor(after string) bool { return numericID.MatchString(after) }

// parseList reads the paging, filters and order of a list from the query.
func parseList(c echo.Context, spec listSpec) (listQuery, error) {
	q := c.QueryParams()
	lq := listQuery{size: defaultPageSize, filters: map[string][]string{}}
	if vs, ok := q["page[size]"]; ok {
		n, err := strconv.Atoi(vs[0])
		if !wholeNumber.MatchString(vs[0]) || err != nil || n < 1 || n > maxPageSize {
			return lq, badRequest{"page[size] must be a whole number from 1 to " + strconv.Itoa(maxPageSize) + ", not " + quote(vs[0])}
		}
		lq.size = n
	}
	if vs, ok := q["page[after]"]; ok {
		lq.after = vs[0]
		if lq.after == "" || spec.cursor != nil && !spec.cursor(lq.after) {
			return lq, badCursor(lq.after)
		}
	}
	for key, values := range q {
		rest, isFilter := strings.CutPrefix(key, "filter[")
		if !isFilter {
			continue
		}
		name, closed := strings.CutSuffix(rest, "]")
		if !closed || !slices.Contains(spec.filters, name) {
			if len(spec.filters) == 0 {
				return lq, badRequest{"unknown filter " + quote(key) + ": this list takes no filter"}
			}
			return lq, badRequest{"unknown filter " + quote(key) + ": use filter[NAME] with NAME one of " + strings.Join(spec.filters, ", ")}
		}
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				lq.filters[name] = append(lq.filters[name], v)
			}
		}
	}
	if vs, ok := q["sort"]; ok {
		lq.sort = vs[0]
		if len(spec.sorts) == 0 {
			return lq, badRequest{"unknown sort " + quote(lq.sort) + ": this list has one order and takes no sort"}
		}
		if !slices.Contains(spec.sorts, lq.sort) {
			return lq, badRequest{"unknown sort " + quote(lq.sort) + ": use one of " + strings.Join(nonEmpty(spec.sorts), ", ")}
		}
	}
	return lq, nil
}

// badCursor is the error of a page[after] the list did not give.
func badCursor(after string) badRequest {
	return badRequest{"page[after] " + quote(after) + " is not a cursor this list gave: follow links.next, or leave page[after] out for the first page"}
}

func nonEmpty(list []string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == "" })
}
