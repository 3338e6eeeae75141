package ui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// worstInputs are the validator attacks: each is answered with one finding,
// from the raw bytes, however many arrive at once.
var worstInputs = []struct{ name, body, code string }{
	{"a flow sequence of 500,000 items (1 MB)", "name: X\nplatforms: [" + strings.Repeat("1,", 499_999) + "1]\n", "too-complex"},
	{"a flow mapping of 300,000 keys", "name: X\nlegal: {" + strings.Repeat("a,", 299_999) + "a}\n", "too-complex"},
	{"a block sequence of 250,000 items", "name: X\nplatforms:\n" + strings.Repeat("- a\n", 250_000), "too-complex"},
	{"200,000 empty documents", strings.Repeat("---\n", 200_000) + "name: X\n", "too-complex"},
	{"billion laughs", "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nname: X\n", "too-complex"},
	{"10,000 nested flow sequences", strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000), "too-deep"},
	{"a 1 MB key", "name: X\n" + strings.Repeat("k", 1<<20-16) + ": v\n", "yaml-syntax"},
}

func postValidate(t *testing.T, ts *httptest.Server, body string) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.Post(ts.URL+"/api/v1/validate", "application/yaml", strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return nil, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func firstCode(rep map[string]any) string {
	fs, _ := rep["findings"].([]any)
	if len(fs) == 0 {
		return ""
	}
	f, _ := fs[0].(map[string]any)
	c, _ := f["code"].(string)
	return c
}

func TestValidator_AnswersEveryWorstInputWithOneFinding(t *testing.T) {
	t.Parallel()
	_, ts, _ := siteWith(t, Options{ValidatePerMinute: 1000})
	for _, in := range worstInputs {
		resp, rep := postValidate(t, ts, in.body)
		if resp == nil {
			continue
		}
		if resp.StatusCode != http.StatusOK || firstCode(rep) != in.code || rep["valid"] != false {
			t.Errorf("%s: %d %s, want 200 with %s", in.name, resp.StatusCode, firstCode(rep), in.code)
		}
	}
}

// Sixteen at once, the attack: every one is answered, 200 with its
// finding or 429 with Retry-After.
func TestValidator_SixteenWorstPostsAtOnceAreAllAnswered(t *testing.T) {
	t.Parallel()
	_, ts, _ := siteWith(t, Options{ValidatePerMinute: 10, ValidateConcurrency: 2})
	body := worstInputs[0].body
	var wg sync.WaitGroup
	var mu sync.Mutex
	answers := map[int]int{}
	for range 16 {
		wg.Go(func() {
			resp, rep := postValidate(t, ts, body)
			if resp == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			answers[resp.StatusCode]++
			switch resp.StatusCode {
			case http.StatusOK:
				if firstCode(rep) != "too-complex" {
					t.Errorf("200 with %s", firstCode(rep))
				}
			case http.StatusTooManyRequests:
				if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
					t.Errorf("429 with Retry-After %q", resp.Header.Get("Retry-After"))
				}
			default:
				t.Errorf("answered %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if answers[http.StatusOK]+answers[http.StatusTooManyRequests] != 16 || answers[http.StatusOK] == 0 || answers[http.StatusTooManyRequests] == 0 {
		t.Errorf("answers %v: want 10 validated and 6 told to come back", answers)
	}
}

func TestValidator_PerClientLimitAnswers429WithRetryAfter(t *testing.T) {
	t.Parallel()
	_, ts, _ := siteWith(t, Options{ValidatePerMinute: 3})
	for i := range 3 {
		if resp, _ := postValidate(t, ts, "name: X\n"); resp == nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("validation %d refused", i+1)
		}
	}
	resp, err := http.Post(ts.URL+"/api/v1/validate", "application/yaml", strings.NewReader("name: X\n"))
	if err != nil {
		t.Fatal(err)
	}
	var p problem
	_ = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Content-Type") != "application/problem+json" ||
		resp.Header.Get("Retry-After") == "" || !strings.Contains(p.Detail, "try again in") {
		t.Errorf("API over the limit: %d %s Retry-After %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Retry-After"), p.Detail)
	}
	// The page: pasted text, upload and URL share the client's bucket.
	for _, fields := range []map[string]string{{"yaml": "name: X\n"}, {"url": "https://git.example.org/a/publiccode.yml"}} {
		resp, body := postForm(t, ts.URL+"/validate?lang=nl", fields, "")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "probeer het over") {
			t.Errorf("page over the limit (%v): %d %q", fields, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if resp, _ := postForm(t, ts.URL+"/validate", nil, "name: X\n"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("an upload over the limit: %d", resp.StatusCode)
	}
}

// With every slot taken, a validation waits for one, then is told to come back.
func TestValidator_ConcurrencyLimitAnswers429WhenBusy(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		_, _ = w.Write([]byte("name: Slow\n"))
	}))
	defer slow.Close()
	s, ts, _ := siteWith(t, Options{ValidateConcurrency: 1, ValidatePerMinute: 1000, FetchPolicy: safehttp.Policy{AllowPrivate: true}})
	s.validation.wait = 50 * time.Millisecond
	done := make(chan int)
	go func() {
		resp, _ := postForm(t, ts.URL+"/validate", map[string]string{"url": slow.URL + "/publiccode.yml"}, "")
		done <- resp.StatusCode
	}()
	<-arrived // the one slot is held by the slow fetch
	resp, rep := postValidate(t, ts, "name: X\n")
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("with the only slot taken: %v %v", resp, rep)
	}
	close(release)
	if code := <-done; code != http.StatusOK {
		t.Errorf("the slow validation: %d", code)
	}
	if resp, _ := postValidate(t, ts, "name: X\n"); resp == nil || resp.StatusCode != http.StatusOK {
		t.Error("the slot was not given back")
	}
}
