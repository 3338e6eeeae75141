package ui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// figures are a software's contribution figures as a crawl computes them.
func figures(now time.Time) *catalogue.Contributions {
	month := now.UTC().Format("2006-01")
	last := now.UTC().AddDate(0, 0, -1)
	return &catalogue.Contributions{
		Contributors: []catalogue.Contributor{
			{Kind: catalogue.KindAdministration, Publisher: "b", Name: "Kommune B", Commits12m: 30, Authors12m: 4, Commits: 90, Authors: 6, LastCommit: last},
			{Kind: catalogue.KindAdministration, Publisher: "a", Name: "Gemeente A", Commits12m: 10, Authors12m: 2, Commits: 10, Authors: 2, LastCommit: last},
			{Kind: catalogue.KindCompany, Name: "Acme BV", Commits12m: 5, Authors12m: 1, Commits: 5, Authors: 1, LastCommit: last},
		},
		Months:  []catalogue.ContributionMonth{{Month: month, Commits: []int{30, 10, 5}, Authors: []catalogue.AuthorCount{4, 2, 1}}},
		Commits: 100, Commits12m: 40, At: now,
	}
}

func TestSoftwarePage_ShowsWhoBuildsItAndEvidenceBesideTheRecords(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	ctx := t.Context()
	if err := js.store.SetContributions(ctx, js.software, figures(time.Now())); err != nil {
		t.Fatal(err)
	}
	bob := js.signIn(t, "bob@b.example")
	page := "/software/" + js.software
	form := url.Values{"csrf": {bob.csrf(page)}, "publisher": {"b"}, "kind": {"co-develops"}, "since": {"2024-05-01"},
		"contactName": {"Bo"}, "contactEmail": {"bo@b.example"}}
	if resp, _ := bob.post(page+"/joins", form); resp.StatusCode != 303 {
		t.Fatalf("declaring: %d", resp.StatusCode)
	}
	_, body := js.browser(t).get(page + "?lang=en")
	doc := parse(t, body)
	sec := find(doc, "section", "id", "builders")
	if sec == nil {
		t.Fatal("no Who builds it section")
	}
	all := text(sec)
	for _, want := range []string{"Who builds it", "40 commits in the last 12 months, 100 in all the history fetched",
		"Kommune B", "75 % (30 commits)", "90 % (90 commits)", "Acme BV", "Company", "1–2"} {
		if !strings.Contains(all, want) {
			t.Errorf("the section lacks %q:\n%s", want, all)
		}
	}
	// Gemeente A has commits and no co-develops record: it contributes, from its commits.
	if !strings.Contains(all, "Contributes, from its commits") || !strings.Contains(all, "Gemeente A: backed by 10 commits") {
		t.Errorf("an administration with commits and no record is not shown as contributing:\n%s", all)
	}
	if !strings.Contains(body, "Kommune B</a> co-develops it since 2024-05-01") ||
		!strings.Contains(text(find(doc, "section", "id", "join")), "backed by 30 commits in the last 12 months") {
		t.Errorf("the co-develops record lacks its evidence")
	}
	svg := find(sec, "svg", "role", "img")
	if svg == nil || attr(svg, "aria-labelledby") == "" {
		t.Fatal("no stacked chart with an accessible name")
	}
	for _, colour := range seriesColours[:3] {
		if !strings.Contains(body, `fill="`+colour+`"`) {
			t.Errorf("no segment of colour %s", colour)
		}
	}
	if tbl := find(sec, "details", "class", "chart-data"); tbl == nil || !strings.Contains(text(tbl), "30") {
		t.Error("the chart's figures are not given as a table")
	}

	// The API: contributors on the item, evidence on the co-develops record.
	_, raw := js.browser(t).get("/api/v1/software/" + js.software)
	var item struct {
		Contributors []map[string]any `json:"contributors"`
		Joins        []struct {
			Kind     string         `json:"kind"`
			Evidence map[string]any `json:"evidence"`
		} `json:"joins"`
	}
	if err := json.Unmarshal([]byte(raw), &item); err != nil {
		t.Fatal(err)
	}
	if len(item.Contributors) != 3 || item.Contributors[0]["publisher"] != "b" || item.Contributors[2]["authors"] != "1–2" {
		t.Errorf("contributors %v", item.Contributors)
	}
	if len(item.Joins) != 1 || item.Joins[0].Evidence["commits12m"] != 30.0 {
		t.Errorf("joins %+v", item.Joins)
	}
}

func TestPublisherPage_ShowsCollaborationAndLetsMembersTurnCountingOff(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	ctx := t.Context()
	if err := js.store.SetContributions(ctx, js.software, figures(time.Now())); err != nil {
		t.Fatal(err)
	}
	// B contributes to A's software; A's own page names B among its contributors.
	_, body := js.browser(t).get("/publishers/b?lang=en")
	sec := text(find(parse(t, body), "section", "id", "collaboration"))
	if !strings.Contains(sec, "What it contributes to that others publish") || !strings.Contains(sec, "Parkeervergunning: 30 commits in the last 12 months, 90 in all") {
		t.Errorf("B's page:\n%s", sec)
	}
	_, body = js.browser(t).get("/publishers/a?lang=en")
	sec = text(find(parse(t, body), "section", "id", "collaboration"))
	if !strings.Contains(sec, "Kommune B (Administration): 30 commits in the last 12 months, 90 in all, to 1 of its entries") ||
		!strings.Contains(sec, "Acme BV (Company)") || strings.Contains(sec, "Gemeente A (") {
		t.Errorf("A's page:\n%s", sec)
	}

	bob := js.signIn(t, "bob@b.example")
	page := "/publishers/b"
	_, body = bob.get(page)
	if !strings.Contains(body, `action="/publishers/b/commit-counting"`) {
		t.Fatal("a member is not offered to turn counting off")
	}
	form := url.Values{"csrf": {bob.csrf(page)}, "count": {"false"}}
	if resp, _ := bob.post("/publishers/b/commit-counting", form); resp.StatusCode != 303 {
		t.Fatalf("turning counting off: %d", resp.StatusCode)
	}
	p, err := js.store.Publisher(ctx, "b")
	if err != nil || !p.MembersCountingOff || p.CountsCommits() {
		t.Errorf("after turning counting off: %+v %v", p, err)
	}
	if _, body = bob.get(page + "?lang=en"); !strings.Contains(body, "Its members turned off the counting") {
		t.Error("the page does not say counting is off")
	}
	// Not a member of A: refused.
	form.Set("csrf", bob.csrf("/publishers/a"))
	if resp, _ := bob.post("/publishers/a/commit-counting", form); resp.StatusCode != 403 {
		t.Errorf("a non-member turning A's counting off: %d", resp.StatusCode)
	}
}

func TestHome_ShowsSoftwareBuiltTogether(t *testing.T) {
	t.Parallel()
	store := testStore(t, catalogue.Publisher{ID: "voorbeeld", Name: "Gemeente Voorbeeld", Country: "NL"})
	listFile(t, store, "voorbeeld", "https://git.example.org/voorbeeld/parkeren", parking)
	listFile(t, store, "voorbeeld", "https://git.example.org/voorbeeld/afval", "name: Afvalkalender\nplatforms: web\n")
	ctx := t.Context()
	list, _, err := store.ListSoftware(ctx, "", catalogue.Page{Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, sw := range list {
		c := figures(time.Now())
		if sw.Name == "Afvalkalender" {
			c.Contributors = c.Contributors[1:] // one administration only
		}
		if err := store.SetContributions(ctx, sw.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(storeSources(store), testIndex(t, store), Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(srv)
	t.Cleanup(server.Close)
	ts := server.URL
	_, body := get(t, ts+"/?lang=en")
	doc := parse(t, body)
	sec := find(doc, "section", "aria-labelledby", "h-together")
	if sec == nil {
		t.Fatal("no built together section")
	}
	if s := text(sec); !strings.Contains(s, "Parkeervergunning") || strings.Contains(s, "Afvalkalender") {
		t.Errorf("built together lists:\n%s", s)
	}
	_, body = get(t, ts+builtTogetherHref)
	if !strings.Contains(body, "Parkeervergunning") || strings.Contains(body, "Afvalkalender") {
		t.Error("the search for all software built together lists the wrong entries")
	}
}

// The API's twin of the members' form: the same rule, JSON in.
func TestAPI_MembersTurnCommitCountingOffAndOthersCannot(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	bob, anon := js.signIn(t, "bob@b.example"), js.browser(t)
	path := "/api/v1/publishers/b/commit-counting"
	for _, tc := range []struct {
		name string
		who  *browser
		path string
		body any
		want int
	}{
		{"anonymous", anon, path, map[string]bool{"counting": false}, http.StatusUnauthorized},
		{"a body without counting", bob, path, map[string]any{}, http.StatusBadRequest},
		{"a body of another shape", bob, path, map[string]any{"counting": "no"}, http.StatusBadRequest},
		{"not a member of A", bob, "/api/v1/publishers/a/commit-counting", map[string]bool{"counting": false}, http.StatusForbidden},
		{"a member", bob, path, map[string]bool{"counting": false}, http.StatusNoContent},
	} {
		token := ""
		if tc.who != anon {
			token = tc.who.token()
		}
		if resp, body := tc.who.api(http.MethodPut, tc.path, token, tc.body); resp.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.want)
		}
	}
	p, err := js.store.Publisher(t.Context(), "b")
	if err != nil || !p.MembersCountingOff || p.CountsCommits() {
		t.Errorf("after the member turned counting off: %+v %v", p, err)
	}
	if a, _ := js.store.Publisher(t.Context(), "a"); a.MembersCountingOff {
		t.Error("a non-member turned A's counting off")
	}
	if resp, body := bob.api(http.MethodPut, path, bob.token(), map[string]bool{"counting": true}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("turning it back on: %d %s", resp.StatusCode, body)
	}
	if p, _ := js.store.Publisher(t.Context(), "b"); p.MembersCountingOff {
		t.Error("counting is still off after the member turned it on")
	}
}
