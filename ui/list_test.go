package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every list refuses what it cannot honour in the same words, with a 400
// problem, instead of answering something else than what was asked.
func TestAPI_ListsRefuseMalformedPagesFiltersAndSorts(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	lists := []string{"/api/v1/software", "/api/v1/publishers", "/api/v1/repositories", "/api/v1/crawls", "/api/v1/changes"}
	refused := []struct{ query, want string }{
		{"page[size]=", "page[size] must be a whole number"},
		{"page[size]=+5", "page[size] must be a whole number"},
		{"page[size]=5.0", "page[size] must be a whole number"},
		{"page[size]=0", "page[size] must be a whole number"},
		{"page[size]=101", "page[size] must be a whole number"},
		{"page[size]=99999999999999999999", "page[size] must be a whole number"},
		{"filter[nothing]=x", `unknown filter "filter[nothing]"`},
		{"filter[status=x", `unknown filter "filter[status"`},
		{"sort=sideways", `unknown sort "sideways"`},
	}
	for _, list := range lists {
		for _, tt := range refused {
			var p problem
			resp, body := get(t, ts.URL+list+"?"+tt.query)
			if err := json.Unmarshal([]byte(body), &p); err != nil || resp.StatusCode != 400 || !strings.Contains(p.Detail, tt.want) {
				t.Errorf("GET %s: %d %s; want 400 saying %q", list+"?"+tt.query, resp.StatusCode, body, tt.want)
			}
		}
		if resp, body := get(t, ts.URL+list+"?page[size]=5"); resp.StatusCode != 200 {
			t.Errorf("GET %s?page[size]=5: %d %s", list, resp.StatusCode, body)
		}
	}
	cursors := map[string][]string{
		"/api/v1/software":     {"", "not-a-cursor"},
		"/api/v1/publishers":   {"", "Not A Publisher", "../x"},
		"/api/v1/repositories": {"", "abc", "+5", "-1", "1e3"},
		"/api/v1/crawls":       {"", "abc", "+5", "-1"},
		"/api/v1/changes":      {"1"}, // it pages by after
	}
	for list, bad := range cursors {
		for _, after := range bad {
			resp, body := get(t, ts.URL+list+"?page[after]="+url.QueryEscape(after))
			if resp.StatusCode != 400 || !strings.Contains(body, "is not a cursor this list gave") {
				t.Errorf("GET %s?page[after]=%s: %d %s; want 400", list, after, resp.StatusCode, body)
			}
		}
	}
	// Filters and orders a list does offer still work.
	for _, ok := range []string{"/api/v1/software?sort=-name&filter[platforms]=web", "/api/v1/repositories?filter[publisher]=voorbeeld", "/api/v1/publishers?page[after]=a"} {
		if resp, body := get(t, ts.URL+ok); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %s", ok, resp.StatusCode, body)
		}
	}
}

func TestAPI_TextLongerThanTheDocumentedMaximumIsRefused(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	for n, want := range map[int]int{500: http.StatusOK, 501: http.StatusBadRequest} {
		q := strings.Repeat("é", n) // characters, not bytes
		resp, body := get(t, ts.URL+"/api/v1/software?q="+q)
		if resp.StatusCode != want {
			t.Errorf("q of %d characters: %d %s; want %d", n, resp.StatusCode, body, want)
		}
	}
	// The site's search box does not let a person type more.
	_, body := get(t, ts.URL+"/search")
	if !strings.Contains(body, `maxlength="500"`) {
		t.Error("the search box has no maxlength")
	}
}
