package ui

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/schemas"
	"github.com/oscat-eu/oscat/search"
)

type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

func readOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	b, err := schemas.Read(openAPIName)
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", openAPIName, err)
	}
	return doc
}

var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// Every /api/v1 route the server answers is in the OpenAPI document, with
// its method: a route added without documentation fails here.
func TestOpenAPI_DocumentsEveryAPIRoute(t *testing.T) {
	t.Parallel()
	srv, _, _ := siteWith(t, Options{})
	doc := readOpenAPI(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	checked := 0
	for _, r := range srv.echo.Routes() {
		rest, ok := strings.CutPrefix(r.Path, "/api/v1")
		if !ok || r.Method == "echo_route_not_found" || rest == "/*" {
			continue
		}
		path := echoParam.ReplaceAllString(rest, "{$1}")
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s /api/v1%s is served but not documented in schemas/%s", r.Method, path, openAPIName)
		}
		checked++
	}
	if checked < 6 {
		t.Errorf("only %d API routes found: the walk over Echo's routes is broken", checked)
	}
}

// The software list documents every query parameter the API reads, one
// filter per facet.
func TestOpenAPI_SoftwareListNamesEveryFilter(t *testing.T) {
	t.Parallel()
	b, _ := schemas.Read(openAPIName)
	var doc struct {
		Components struct {
			Parameters map[string]struct{ Name string } `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range doc.Components.Parameters {
		names[p.Name] = true
	}
	want := []string{"q", "sort", "updatedSince", "page[size]", "page[after]"}
	for _, f := range search.FacetNames() {
		want = append(want, "filter["+f+"]")
	}
	for _, w := range want {
		if !names[w] {
			t.Errorf("the OpenAPI document lacks the parameter %s", w)
		}
	}
}

func TestOpenAPI_ServedAndRenderedForPeople(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	resp, body := get(t, ts.URL+"/api/v1/openapi.json")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"openapi"`) {
		t.Fatalf("openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, body = get(t, ts.URL+"/api")
	doc := parse(t, body)
	for _, id := range []string{"listSoftware", "getSoftware", "listPublishers", "validate"} {
		if find(doc, "section", "id", id) == nil {
			t.Errorf("the API page lacks the operation %s", id)
		}
	}
	if !strings.Contains(text(find(doc, "section", "id", "listSoftware")), "filter[categories]") {
		t.Error("the API page does not list the software list's filters")
	}
}

// Every operation says who may call it (security: [] for public ones) and
// documents its client errors as problem+json, so a client knows what to expect
// without trying.
func TestOpenAPI_EveryOperationStatesItsSecurityAndClientErrors(t *testing.T) {
	t.Parallel()
	b, err := schemas.Read(openAPIName)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	// These answer anyone with the same document and read no input, so no
	// request of theirs is a client error.
	noClientError := map[string]bool{"GET /openapi.json": true, "GET /dcat-ap.jsonld": true, "GET /dcat-ap.rdf": true, "GET /feeds/software.atom": true}
	operations := 0
	for path, item := range doc.Paths {
		for method, raw := range item {
			if method == "parameters" || method == "servers" || method == "summary" || method == "description" {
				continue
			}
			operations++
			name := strings.ToUpper(method) + " " + path
			var op struct {
				Security  *[]map[string][]string `json:"security"`
				Responses map[string]struct {
					Ref     string                     `json:"$ref"`
					Content map[string]json.RawMessage `json:"content"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if op.Security == nil {
				t.Errorf("%s does not say its security (security: [] for a public operation)", name)
			}
			clientErrors := 0
			for status, r := range op.Responses {
				if !strings.HasPrefix(status, "4") {
					continue
				}
				clientErrors++
				// The API's errors are problem+json; the feeds', outside it, are
				// the site's error page.
				_, problem := r.Content["application/problem+json"]
				api := item["servers"] == nil || strings.HasPrefix(path, "/di/v1/")
				switch {
				case strings.HasPrefix(r.Ref, "#/components/responses/"):
				case api && !problem:
					t.Errorf("%s: its %s response is not application/problem+json", name, status)
				case len(r.Content) == 0:
					t.Errorf("%s: its %s response documents no body", name, status)
				}
			}
			if clientErrors == 0 && !noClientError[name] {
				t.Errorf("%s documents no 4xx response", name)
			}
		}
	}
	if operations < 20 {
		t.Errorf("only %d operations read: the walk over the document is broken", operations)
	}
}
