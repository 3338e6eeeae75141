package main

// The exports checked by their standards' own validators: the official DCAT-AP
// SHACL shapes (through rdf-validate-shacl, from npm, like axe-core for the
// browser tests), the Atom RELAX NG grammar and the sitemap XSD (through
// xmllint). They run on the demo and on a crawl of the real corpus files served
// on loopback. The artefacts are in ../shared/standards; without them, node, the
// npm packages (.ci/run installs them) or xmllint, the tests skip and say why.

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// standardsDir is ../shared/standards beside the clone, or the test skips.
func standardsDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "standards")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skip("../shared/standards is not beside this clone: the standards' validators cannot be run")
	}
	return dir
}

// shaclResult is one result of a SHACL validation report.
type shaclResult struct {
	Severity    string   `json:"severity"`
	FocusNode   string   `json:"focusNode"`
	Path        string   `json:"path"`
	Value       string   `json:"value"`
	Message     []string `json:"message"`
	SourceShape string   `json:"sourceShape"`
	Constraint  string   `json:"constraint"`
}

func (r shaclResult) String() string {
	return fmt.Sprintf("%s %s: %s %s %s %v", strings.TrimPrefix(r.Severity, "http://www.w3.org/ns/shacl#"), r.FocusNode, r.Path,
		strings.TrimPrefix(r.Constraint, "http://www.w3.org/ns/shacl#"), r.Value, r.Message)
}

type shaclReport struct {
	Conforms bool          `json:"conforms"`
	Triples  int           `json:"triples"`
	Results  []shaclResult `json:"results"`
}

// dcatViolations validates an export (a file name whose extension gives its
// format, and its content) against the DCAT-AP 3.0.1 shapes, with the ADMS
// vocabularies loaded beside it, and returns the violations about the export.
func dcatViolations(t *testing.T, name string, export []byte) []shaclResult {
	t.Helper()
	std := standardsDir(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: install Debian's nodejs (.ci/run installs npm) to run the DCAT-AP SHACL check")
	}
	ci := filepath.Join("..", "..", ".ci")
	for _, m := range []string{"rdf-validate-shacl", "@zazuko/env-node"} {
		if _, err := os.Stat(filepath.Join(ci, "node_modules", m)); err != nil {
			t.Skipf("no %s under .ci/node_modules: run `npm ci --prefix .ci` (.ci/run does) to run the DCAT-AP SHACL check", m)
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, export, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, filepath.Join(ci, "shacl.mjs"),
		filepath.Join(std, "dcat-ap-3.0.1", "dcat-ap-SHACL.ttl"), path,
		"--vocabulary", filepath.Join(std, "adms", "ADMS_SKOS_v1.00.rdf"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("shacl %s (kept as %s): %v: %s", name, keepArtifact(t, name, export), err, stderr.String())
	}
	var rep shaclReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("shacl %s: %v in %q", name, err, stdout.String())
	}
	if rep.Triples == 0 {
		t.Fatalf("shacl %s: the export was read as no triples", name)
	}
	var out []shaclResult
	for _, r := range rep.Results {
		if r.Severity == "http://www.w3.org/ns/shacl#Violation" {
			out = append(out, r)
		}
	}
	t.Logf("DCAT-AP SHACL, %s: %d triples, %d violations", name, rep.Triples, len(out))
	return out
}

// keepArtifact saves a document that failed its check under OSCAT_ARTIFACTS
// (or .artifacts/), for a human to look at, and returns where.
func keepArtifact(t *testing.T, name string, doc []byte) string {
	dir := os.Getenv("OSCAT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", ".artifacts")
	}
	dir = filepath.Join(dir, "standards")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return ""
	}
	path := filepath.Join(dir, repoNameRE.ReplaceAllString(strings.ToLower(t.Name()), "-")+"-"+name)
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Log(err)
		return ""
	}
	abs, _ := filepath.Abs(path)
	return abs
}

// xmllintPath is xmllint, or the test skips.
func xmllintPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("no xmllint: install Debian's libxml2-utils (.ci/run does) to validate the feeds and the sitemap")
	}
	return p
}

// xmllint validates doc against a RELAX NG grammar (.rng) or an XML Schema
// (.xsd) and returns xmllint's complaints, or "" when the document is valid.
func xmllint(t *testing.T, schema, name string, doc []byte) string {
	t.Helper()
	bin := xmllintPath(t)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	kind := "--schema"
	if strings.HasSuffix(schema, ".rng") {
		kind = "--relaxng"
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--noout", "--nonet", kind, schema, path).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &exit):
		return string(out)
	}
	t.Fatalf("xmllint %s: %v", name, err)
	return ""
}

// getBody GETs a URL and returns its status and body.
func getBody(t *testing.T, url string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// checkDCAT validates both DCAT-AP exports of the site at base.
func checkDCAT(t *testing.T, base string) {
	t.Helper()
	for _, name := range []string{"dcat-ap.jsonld", "dcat-ap.rdf"} {
		code, body := getBody(t, base+"/"+name)
		if code != http.StatusOK {
			t.Fatalf("GET /%s: %d", name, code)
		}
		violations := dcatViolations(t, name, body)
		for _, v := range violations {
			t.Errorf("%s: %s", name, v)
		}
		if len(violations) > 0 {
			t.Logf("the export is kept as %s", keepArtifact(t, name, body))
		}
	}
}

// One demo serves both: the standards' validators on its exports, and its
// /metrics, which counts the crawl run before it serves because the process
// has one registry.
func TestStandards_DemoPassesTheStandardsValidatorsAndCountsItsCrawl(t *testing.T) {
	t.Parallel()
	base := startDemo(t)
	t.Run("/metrics counts the crawl run at start", func(t *testing.T) {
		if n := metricSum(t, base, "oscat_crawl_runs_total"); n < 1 {
			t.Errorf("oscat_crawl_runs_total = %v after the demo's crawl", n)
		}
		if n := metricSum(t, base, "oscat_crawl_repositories_total"); n < 19 {
			t.Errorf("oscat_crawl_repositories_total = %v; the demo's crawl sees 20 repositories", n)
		}
		if n := metricSum(t, base, "go_goroutines"); n < 1 {
			t.Error("the Go runtime's metrics are missing")
		}
	})
	checkStandards(t, base)
}

func TestStandards_RealCorpusPassesTheStandardsValidators(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("crawling the real corpus is not short")
	}
	standardsDir(t)
	checkStandards(t, startCorpusSite(t))
}

// Entries harvested from a peer carry where they come from (dct:source), and
// the export stays within the shapes.
func TestStandards_HarvestedEntriesPassDCATAP(t *testing.T) {
	t.Parallel()
	standardsDir(t)
	da, db := t.TempDir(), t.TempDir()
	seedInstance(t, da, "aa", 2)
	seedInstance(t, db, "bb", 2)
	a := startInstance(t, da, "127.0.0.1:0", "--instance-id", "inst-a")
	b := startInstance(t, db, "127.0.0.1:0", "--instance-id", "inst-b")
	if out := harvestInto(t, da, b.url); !strings.Contains(out, "2 added") {
		t.Fatalf("harvest: %s", out)
	}
	code, body := getBody(t, a.url+"/dcat-ap.jsonld")
	if code != http.StatusOK || !bytes.Contains(body, []byte("dct:source")) {
		t.Fatalf("GET /dcat-ap.jsonld: %d, harvested entries without dct:source: %.300s", code, body)
	}
	checkDCAT(t, a.url)
}

// checkStandards runs every standard's own validator on the site at base.
func checkStandards(t *testing.T, base string) {
	t.Run("DCAT-AP exports pass the SHACL shapes", func(t *testing.T) { checkDCAT(t, base) })
	t.Run("Atom feeds pass the RFC 4287 grammar", func(t *testing.T) { checkFeeds(t, base) })
	t.Run("/metrics passes promlint", func(t *testing.T) { checkMetrics(t, base) })
	t.Run("the sitemap passes its XSD", func(t *testing.T) {
		xsd := filepath.Join(standardsDir(t), "sitemap", "sitemap.xsd")
		code, body := getBody(t, base+"/sitemap.xml")
		if code != http.StatusOK || !bytes.Contains(body, []byte("/software/")) {
			t.Fatalf("GET /sitemap.xml: %d %.300s", code, body)
		}
		if msg := xmllint(t, xsd, "sitemap.xml", body); msg != "" {
			t.Errorf("the sitemap (kept as %s) breaks sitemap.xsd:\n%s", keepArtifact(t, "sitemap.xml", body), msg)
		}
	})
}

// checkMetrics lints /metrics with Prometheus's own linter (the one
// `promtool check metrics` runs).
func checkMetrics(t *testing.T, base string) {
	code, body := getBody(t, base+"/metrics")
	if code != http.StatusOK || !bytes.Contains(body, []byte("oscat_crawl_")) {
		t.Fatalf("GET /metrics: %d %.300s", code, body)
	}
	problems, err := promlint.New(bytes.NewReader(body)).Lint()
	if err != nil {
		t.Fatalf("promlint: %v", err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

// metricSum reads /metrics and adds up the samples of a metric whose labels
// include every one of labels (written name="value").
func metricSum(t *testing.T, base, metric string, labels ...string) float64 {
	t.Helper()
	code, body := getBody(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", code)
	}
	total := 0.0
	for _, line := range strings.Split(string(body), "\n") {
		name, rest, _ := strings.Cut(line, " ")
		labelSet := ""
		if n, l, ok := strings.Cut(name, "{"); ok {
			name, labelSet = n, l
			if i := strings.Index(line, "} "); i >= 0 {
				rest = line[i+2:]
			}
		}
		if name != metric {
			continue
		}
		match := true
		for _, l := range labels {
			match = match && strings.Contains(labelSet, l)
		}
		if v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64); err == nil && match {
			total += v
		}
	}
	return total
}

// checkFeeds validates the whole catalogue's feed, the feed of every category
// its entries name and every publisher's feed against atom.rng.
func checkFeeds(t *testing.T, base string) {
	rng := filepath.Join(standardsDir(t), "atom", "atom.rng")
	xmllintPath(t)
	validate := func(path string) []byte {
		code, body := getBody(t, base+path)
		if code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
			return nil
		}
		if msg := xmllint(t, rng, "feed.atom", body); msg != "" {
			t.Errorf("%s (kept as %s) breaks atom.rng:\n%s", path, keepArtifact(t, strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", "-"), body), msg)
		}
		return body
	}
	var feed struct {
		Entries []struct {
			Categories []struct {
				Term string `xml:"term,attr"`
			} `xml:"category"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(validate("/feeds/software.atom"), &feed); err != nil || len(feed.Entries) == 0 {
		t.Fatalf("the software feed: %v, %d entries", err, len(feed.Entries))
	}
	checked := map[string]bool{}
	for _, e := range feed.Entries {
		for _, c := range e.Categories {
			if !checked[c.Term] && slices.Contains(publiccode.Categories(), c.Term) {
				checked[c.Term] = true
				validate("/feeds/categories/" + url.PathEscape(c.Term) + ".atom")
			}
		}
	}
	code, body := getBody(t, base+"/api/v1/publishers?"+url.Values{"page[size]": {"100"}}.Encode())
	var pubs struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &pubs); code != http.StatusOK || err != nil || len(pubs.Data) == 0 {
		t.Fatalf("GET /api/v1/publishers: %d %v", code, err)
	}
	for _, p := range pubs.Data {
		validate("/feeds/publishers/" + url.PathEscape(p.ID) + ".atom")
	}
	t.Logf("%d feeds checked: the catalogue's, %d categories', %d publishers'", 1+len(checked)+len(pubs.Data), len(checked), len(pubs.Data))
}

// The SHACL check is not vacuous: an export breaking the shapes is caught.
func TestStandards_SHACLCheckCatchesAViolation(t *testing.T) {
	t.Parallel()
	bad := []byte(`{"@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
 "@graph": [{"@id": "https://example.org/d", "@type": ["dcat:Dataset"], "dct:title": [{"@value": "A dataset without description"}]}]}`)
	if v := dcatViolations(t, "bad.jsonld", bad); len(v) == 0 {
		t.Error("a dataset without dct:description passed the DCAT-AP shapes: the check is not working")
	}
}

var repoNameRE = regexp.MustCompile(`[^a-z0-9._-]+`)

// The xmllint checks are not vacuous: a feed without its id and a sitemap
// with a relative location are caught.
func TestStandards_XMLChecksCatchInvalidDocuments(t *testing.T) {
	t.Parallel()
	std := standardsDir(t)
	feed := []byte(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2026-01-01T00:00:00Z</updated></feed>`)
	if msg := xmllint(t, filepath.Join(std, "atom", "atom.rng"), "bad.atom", feed); msg == "" {
		t.Error("a feed without atom:id passed atom.rng: the check is not working")
	}
	sitemap := []byte(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc><lastmod>yesterday</lastmod></url></urlset>`)
	if msg := xmllint(t, filepath.Join(std, "sitemap", "sitemap.xsd"), "bad.xml", sitemap); msg == "" {
		t.Error("a sitemap with a bad lastmod passed sitemap.xsd: the check is not working")
	}
}

// startCorpusSite serves every real publiccode file of ../shared/corpus as a
// repository of a local forge, crawls them for real with `oscat crawl`, serves
// the catalogue with `oscat serve`, and returns its address.
func startCorpusSite(t *testing.T) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", "publiccode", "*.yml"))
	if len(files) == 0 {
		t.Skip("../shared/corpus/publiccode is not beside this clone; the real corpus is crawled in CI")
	}
	forge, srv := localforge.StartTest(t)
	if err := forge.AddOwner("corpus", localforge.Org); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := repoNameRE.ReplaceAllString(strings.ToLower(strings.TrimSuffix(filepath.Base(f), ".yml")), "-")
		if _, err := forge.Push("corpus", name, localforge.Commit{Files: map[string][]byte{"publiccode.yml": data}}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	list := filepath.Join(dir, "publishers.yml")
	if err := os.WriteFile(list, fmt.Appendf(nil, "- id: corpus\n  name: Real corpus\n  codeHosting:\n    - {url: %q, group: true, type: gitea}\n", srv.URL+"/corpus"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	code, out, stderr := oscat(t, "crawl", "--data", data, "--publishers", list, "--allow-private-networks", "--log-level", "error")
	if code != 0 || !strings.Contains(out, "listed") {
		t.Fatalf("crawl of the real corpus: exit %d, %s %s", code, out, stderr)
	}
	t.Logf("crawl of the real corpus: %s", strings.TrimSpace(out))
	return startServe(t, "--data", data, "--crawl-schedule", "off")
}

// startServe runs `oscat serve` on a free loopback port until the test ends and
// returns its address.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "info", "--log-format", "json"}, args...), strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		dec := json.NewDecoder(pr)
		for {
			var rec struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if err := dec.Decode(&rec); err != nil {
				io.Copy(io.Discard, pr)
				return
			}
			if rec.Msg == "serving" {
				addr <- rec.URL
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("oscat serve did not stop")
		}
	})
	select {
	case a := <-addr:
		return a
	case code := <-done:
		t.Fatalf("oscat serve exited with %d before serving", code)
	case <-time.After(2 * time.Minute):
		t.Fatal("oscat serve did not start within 2 minutes")
	}
	return ""
}
