package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/oscat-eu/oscat/schemas"
)

// The API tests serve through conforming, which checks every response
// to a documented operation against schemas/openapi.json with kin-openapi's
// validator: a response the document does not describe (an undocumented status,
// a field of the wrong type, a missing required one) fails the test that
// received it, so the document and the server cannot drift apart.

var (
	openAPIOnce   sync.Once
	openAPIRouter routers.Router
	openAPIErr    error
	// validatedResponses counts the responses checked, for the report.
	validatedResponses atomic.Int64
	// validatedOperations holds the operations ("GET /software") checked.
	validatedOperations sync.Map
)

func loadOpenAPIRouter() (routers.Router, error) {
	openAPIOnce.Do(func() {
		// The feeds' errors are the site's error page.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		b, err := schemas.Read(openAPIName)
		if err != nil {
			openAPIErr = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(b)
		if err != nil {
			openAPIErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			openAPIErr = err
			return
		}
		openAPIRouter, openAPIErr = gorillamux.NewRouter(doc)
	})
	return openAPIRouter, openAPIErr
}

// conforming serves h, checking each response to a documented operation
// against the OpenAPI document before it is sent.
func conforming(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	router, err := loadOpenAPIRouter()
	if err != nil {
		t.Fatalf("schemas/%s: %v", openAPIName, err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, params, err := router.FindRoute(r)
		if err != nil {
			if errors.Is(err, routers.ErrMethodNotAllowed) && documentedPrefix(r.URL.Path) {
				t.Errorf("%s %s: the path is documented, the method is not", r.Method, r.URL.Path)
			}
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		body := rec.Body.Bytes()
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{
				Request: r, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
			},
			Status:  res.StatusCode,
			Header:  res.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		in.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
			t.Errorf("%s %s: the %d response does not match schemas/%s: %v\nbody: %.2000s", r.Method, r.URL, res.StatusCode, openAPIName, err, body)
		}
		validatedResponses.Add(1)
		validatedOperations.Store(r.Method+" "+route.Path, true)
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(body)
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if n := validatedResponses.Load(); n > 0 {
		ops := 0
		validatedOperations.Range(func(any, any) bool { ops++; return true })
		if os.Getenv("OSCAT_LIST_OPERATIONS") != "" {
			validatedOperations.Range(func(k, _ any) bool { fmt.Println("validated:", k); return true })
		}
		fmt.Printf("ui: %d API responses, of %d operations, validated against schemas/%s\n", n, ops, openAPIName)
	}
	os.Exit(code)
}

// documentedPrefix reports whether path lies where the document describes
// every operation.
func documentedPrefix(path string) bool {
	return strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/di/v1/")
}

// recordingTB keeps the errors reported to it.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestConforming_FailsOnResponsesTheDocumentDoesNotDescribe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, body string
		status     int
		fails      bool
	}{
		{"/api/v1/software", `{"data":5}`, 200, true},                                                 // data is a list
		{"/api/v1/software", `{"type":"about:blank","title":"I'm a teapot","status":418}`, 418, true}, // undocumented status
		{"/api/v1/publishers/x", `{"title":"Not Found"}`, 404, true},                                  // a problem lacks type and status
		{"/api/v1/publishers/x", `{"type":"about:blank","title":"Not Found","status":404}`, 404, false},
		{"/about", `<p>not the API</p>`, 200, false},
	}
	for _, tt := range tests {
		rec := &recordingTB{TB: t}
		h := conforming(rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tt.status >= 400 {
				w.Header().Set("Content-Type", "application/problem+json")
			} else {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(tt.status)
			_, _ = w.Write([]byte(tt.body))
		}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if w.Code != tt.status || w.Body.String() != tt.body {
			t.Errorf("%s: the client got %d %q, want the response unchanged", tt.path, w.Code, w.Body.String())
		}
		if failed := len(rec.errs) > 0; failed != tt.fails {
			t.Errorf("%s %d %s: failed %v (%q), want %v", tt.path, tt.status, tt.body, failed, rec.errs, tt.fails)
		}
	}
}

// Each public operation's client errors, made to happen: conforming fails the
// test on any the document does not describe.
func TestAPI_ClientErrorsAreTheDocumentedOnes(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	fed, _ := fedSite(t)
	tests := []struct {
		base, method, path, contentType string
		status                          int
	}{
		{ts.URL, "GET", "/api/v1/software?page[size]=x", "", 400},
		{ts.URL, "GET", "/api/v1/software/nope", "", 404},
		{ts.URL, "GET", "/api/v1/publishers?page[size]=0", "", 400},
		{ts.URL, "GET", "/api/v1/publishers/nope", "", 404},
		{ts.URL, "GET", "/api/v1/repositories?filter[status]=bogus", "", 400},
		{ts.URL, "GET", "/api/v1/crawls?page[size]=x", "", 400},
		{ts.URL, "POST", "/api/v1/validate", "image/png", 415},
		{ts.URL, "GET", "/api/v1/changes?after=x", "", 400},
		{ts.URL, "GET", "/api/v1/admin/webhooks", "", 404}, // no --admin-token
		{ts.URL, "POST", "/api/v1/admin/webhooks", "application/json", 404},
		{fed.URL, "GET", "/api/v1/admin/webhooks", "", 401},
		{fed.URL, "POST", "/api/v1/admin/webhooks", "application/json", 401},
		{fed.URL, "DELETE", "/api/v1/admin/webhooks/1", "", 401},
		{fed.URL, "GET", "/api/v1/admin/webhooks/1/deliveries", "", 401},
		{ts.URL, "GET", "/di/v1/software?page[size]=x", "", 422},
		{ts.URL, "GET", "/di/v1/software/nope", "", 404},
		{ts.URL, "GET", "/di/v1/publishers?page[after]=not-a-cursor", "", 422},
		{ts.URL, "GET", "/di/v1/publishers/nope", "", 404},
		{ts.URL, "GET", "/feeds/publishers/nope.atom", "", 404},
	}
	for _, tt := range tests {
		req, err := http.NewRequestWithContext(t.Context(), tt.method, tt.base+tt.path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		if tt.contentType != "" {
			req.Header.Set("Content-Type", tt.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
		}
	}
}
