package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// The links of a /di/v1 list keep every parameter of the request, as the
// upstream API's do, with the cursor first.
func TestDI_LinksKeepEveryQueryParameter(t *testing.T) {
	t.Parallel()
	query := "url=https%3A%2F%2Fgit.example.org%2Fa&all=true&from=2020-01-01T00%3A00%3A00Z&to=2100-01-01T00%3A00%3A00Z&page[size]=3&page[before]=old"
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/di/v1/software?"+query, nil), httptest.NewRecorder())
	for _, param := range []string{"after", "before"} {
		l := diLink(c, param, "Y3Vyc29y+/=")
		if l == nil || !strings.HasPrefix(*l, "?page["+param+"]=") {
			t.Fatalf("%s link %v", param, l)
		}
		got, err := url.ParseQuery(strings.TrimPrefix(*l, "?"))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := url.ParseQuery(query)
		want.Del("page[before]")
		want.Set("page["+param+"]", "Y3Vyc29y+/=")
		if got.Encode() != want.Encode() {
			t.Errorf("%s link %s:\n got %v\nwant %v", param, *l, got, want)
		}
	}
}

func TestDI_FollowingTheLinksWalksTheSameList(t *testing.T) {
	t.Parallel()
	ts, store := fedSite(t)
	for i := range 3 {
		listFile(t, store, "torino", fmt.Sprintf("https://git.example.org/torino/altro%d", i), fmt.Sprintf("name: Altro %d\n", i))
	}
	type diPage struct {
		Data  []map[string]any `json:"data"`
		Links struct {
			Prev *string `json:"prev"`
			Next *string `json:"next"`
		} `json:"links"`
	}
	first := "?all=true&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&page[size]=2"
	var ids []string
	var pages []string
	for link := first; link != ""; {
		var page diPage
		getJSON(t, ts.URL+"/di/v1/software"+link, 200, &page)
		pages = append(pages, link)
		for _, it := range page.Data {
			ids = append(ids, it["id"].(string))
		}
		link = ""
		if page.Links.Next != nil {
			link = *page.Links.Next
			for _, p := range []string{"all=true", "from=", "to=", "page%5Bsize%5D=2"} {
				if !strings.Contains(link, p) && !strings.Contains(link, strings.ReplaceAll(strings.ReplaceAll(p, "%5B", "["), "%5D", "]")) {
					t.Errorf("next %s lacks %s", link, p)
				}
			}
		}
		if len(pages) > 10 {
			t.Fatal("the links do not end")
		}
	}
	if len(ids) != 5 || len(pages) != 3 {
		t.Fatalf("walked %d entries in %d pages (%v), want 5 in 3", len(ids), len(pages), pages)
	}
	// Back from the last page: the prev link keeps the page size too.
	var last, back diPage
	getJSON(t, ts.URL+"/di/v1/software"+pages[2], 200, &last)
	if last.Links.Prev == nil {
		t.Fatal("the last page has no prev")
	}
	getJSON(t, ts.URL+"/di/v1/software"+*last.Links.Prev, 200, &back)
	if len(back.Data) != 2 || back.Data[0]["id"] != ids[2] || back.Data[1]["id"] != ids[3] {
		t.Errorf("prev of the last page: %v, want %v", back.Data, ids[2:4])
	}
}
