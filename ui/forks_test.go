package ui

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"golang.org/x/net/html"
)

// The software page names every repository the API lists for the entry, forks
// with their own history included, each with its role.
func TestSoftwarePage_NamesEveryRepositoryTheAPIListsForksIncluded(t *testing.T) {
	t.Parallel()
	store := testStore(t, catalogue.Publisher{ID: "stad", Name: "Stad"}, catalogue.Publisher{ID: "dorp", Name: "Dorp"})
	const origin, fork = "https://git.example.org/stad/balie", "https://git.example.org/dorp/balie-eigen"
	file := "publiccodeYmlVersion: \"0\"\nname: Balie\nurl: " + origin + "\n"
	listFile(t, store, "stad", origin, file)
	listFile(t, store, "dorp", fork, strings.Replace(file, "name: Balie", "name: Balie (Dorp)", 1))
	srv, err := New(storeSources(store), testIndex(t, store), Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	id := idOf(t, store, "Balie")

	_, body := get(t, ts.URL+"/api/v1/software/"+id)
	var api struct {
		Repositories []struct{ URL, Role string } `json:"repositories"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil || len(api.Repositories) != 2 {
		t.Fatalf("the API lists %+v (%v), want the origin and the fork", api.Repositories, err)
	}
	_, body = get(t, ts.URL+"/software/"+id+"?lang=en")
	section := find(parse(t, body), "section", "id", "repositories")
	if section == nil {
		t.Fatal("no repositories section")
	}
	rows := map[string]string{} // URL → role, as shown
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" {
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "td" {
					cells = append(cells, strings.TrimSpace(text(c)))
				}
			}
			if len(cells) >= 2 {
				rows[cells[0]] = cells[1]
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(section)
	want := map[string]string{"origin": "Origin", "fork": "Fork"}
	for _, r := range api.Repositories {
		if got, ok := rows[r.URL]; !ok || got != want[r.Role] {
			t.Errorf("%s (%s in the API) is shown as %q (shown: %v)", r.URL, r.Role, got, rows)
		}
	}
}
