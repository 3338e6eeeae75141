package main

// Browser tests: the real `oscat demo` (its world crawled for real, served by
// the real server) driven by headless Chromium. They sit here, beside the demo
// world, because the ui package cannot import package main, and building the
// world again in ui would copy the demo's machinery.
//
// They need Debian's chromium (or OSCAT_CHROMIUM) and axe-core's axe.min.js
// (.ci/node_modules/axe-core, installed by .ci/run, or OSCAT_AXE_JS); without
// them they skip and say why. Screenshots go to OSCAT_ARTIFACTS or .artifacts/.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/oscat-eu/oscat/crawler/localforge"
)

// axeTags are the rule sets every page must pass: WCAG 2.1 A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// viewports are the widths pages are checked and photographed at.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"desktop", 1280, 900, false},
	{"phone", 375, 812, true},
}

// browserRun is what every browser check drives: the browser, axe-core,
// the demo's address and a few of its entries.
type browserRun struct {
	ctx                          context.Context
	axe, base, artifacts         string
	valid, invalid, shared, code string
}

func TestBrowser_SiteWorksAndPassesAxe(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	chromium := chromiumPath(t)
	r := browserRun{axe: axeScript(t), base: startDemo(t)}
	r.ctx, r.artifacts = newBrowser(t, chromium), artifactsDir(t)
	r.valid, r.invalid = softwareID(t, r.base, "parkeervergunning"), softwareID(t, r.base, "kita")
	r.shared, r.code = softwareID(t, r.base, "visore cartografico regionale"), codeID(t, r.base, "albo pretorio")
	for _, check := range []struct {
		name string
		run  func(*testing.T, browserRun)
	}{
		{"every page passes axe-core's WCAG 2.1 AA rules at desktop and phone width", browserPagesPassAxe},
		{"pages in every language pass axe-core and say their language", browserLanguagesPassAxe},
		{"the axe-core check catches a violation", browserAxeCatches},
		{"search, filter and open a software page", browserSearch},
		{"the software page draws its logo and activity from the catalogue", browserSoftwareMedia},
		{"type-ahead suggests names", browserTypeAhead},
		{"switch language and keep it", browserSwitchLanguage},
		{"validate a file and see findings next to its lines", browserValidate},
		{"the editor opens prefilled from a code entry, checks as you type and without JavaScript", browserEditor},
		{"the skip link is the first stop and leads to the content", browserSkipLink},
		{"everything works with JavaScript off", browserNoJavaScript},
	} {
		t.Run(check.name, func(t *testing.T) { check.run(t, r) })
	}
}

// browserPages are the pages every viewport checks.
func browserPages(r browserRun) []struct{ name, path string } {
	return []struct{ name, path string }{
		{"code-results", "/code?q=atti"},
		{"code", "/code/" + r.code},
		{"code-draft", "/code/" + r.code + "/draft"},
		{"home", "/"},
		{"search", "/search?q=parkeer"},
		{"search-filtered", "/search?filter[developmentStatus]=stable&filter[platforms]=web&sort=name"},
		{"software", "/software/" + r.valid},
		{"software-invalid", "/software/" + r.invalid},
		{"software-shared", "/software/" + r.shared},
		{"publisher", "/publishers/gemeente-voorbeeldstad"},
		{"crawls", "/crawls"},
		{"validate", "/validate"},
		{"editor", "/editor"},
		{"api", "/api"},
		{"accessibility", "/accessibility"},
		{"collaboration", "/collaboration"},
		{"privacy", "/privacy"},
		{"not-found", "/software/no-such-entry"},
	}
}

// browserPagesPassAxe: every page passes axe-core's WCAG 2.1 AA rules at desktop and phone width.
func browserPagesPassAxe(t *testing.T, r browserRun) {
	ctx, axe, base, artifacts := r.ctx, r.axe, r.base, r.artifacts
	for _, vp := range viewports {
		for _, p := range browserPages(r) {
			do(t, ctx, viewport(vp.width, vp.height, vp.mobile), chromedp.Navigate(base+p.path+sep(p.path)+"lang=en"))
			checkAxe(t, ctx, axe, vp.name+" "+p.path)
			if vp.mobile {
				checkNoSideways(t, ctx, p.path)
			}
			screenshot(t, ctx, filepath.Join(artifacts, p.name+"-"+vp.name+".png"))
		}
	}

}

// browserLanguagesPassAxe: pages in every language pass axe-core and say their language.
func browserLanguagesPassAxe(t *testing.T, r browserRun) {
	ctx, axe, base, valid, invalid := r.ctx, r.axe, r.base, r.valid, r.invalid
	do(t, ctx, viewport(1280, 900, false))
	for _, lang := range []string{"nl", "da", "it", "de", "fr"} {
		for _, p := range []string{"/", "/search?q=parkeer", "/software/" + valid, "/software/" + invalid, "/validate", "/editor"} {
			do(t, ctx, chromedp.Navigate(base+p+sep(p)+"lang="+lang))
			if got := eval[string](t, ctx, `document.documentElement.lang`); got != lang {
				t.Errorf("%s?lang=%s: <html lang=%q>", p, lang, got)
			}
			checkAxe(t, ctx, axe, lang+" "+p)
		}
	}
	do(t, ctx, chromedp.Navigate(base+"/?lang=en"))

}

// browserAxeCatches: the axe-core check catches a violation.
func browserAxeCatches(t *testing.T, r browserRun) {
	ctx, axe, base := r.ctx, r.axe, r.base
	do(t, ctx, chromedp.Navigate(base+"/accessibility"))
	eval[bool](t, ctx, `(() => { const i = document.createElement("input"); document.querySelector("main").appendChild(i); return true })()`)
	if n := len(axeViolations(t, ctx, axe)); n == 0 {
		t.Error("an input without a label passed axe-core: the check is not working")
	}

}

// browserSearch: search, filter and open a software page.
func browserSearch(t *testing.T, r browserRun) {
	ctx, base := r.ctx, r.base
	do(t, ctx, chromedp.Navigate(base+"/"),
		chromedp.SendKeys(chromedp.CSS("#q-home"), "parkeervergunning"),
		chromedp.Submit(chromedp.CSS("#q-home")),
		chromedp.WaitVisible(chromedp.CSS("#search-form ul.results")))
	if loc := location(t, ctx); !strings.Contains(loc, "/search?q=parkeervergunning") {
		t.Fatalf("searching from the home page went to %s", loc)
	}
	if txt := eval[string](t, ctx, `document.querySelector("ul.results").innerText`); !strings.Contains(txt, "Parkeervergunning") {
		t.Fatalf("results lack Parkeervergunning: %s", txt)
	}
	// A filter updates the results in place, and the URL says so.
	do(t, ctx, chromedp.Navigate(base+"/search"))
	before := eval[string](t, ctx, `document.getElementById("result-count").innerText`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="filter[developmentStatus]"][value="beta"]`)))
	waitFor(t, ctx, `location.search.includes("filter[developmentStatus]=beta")`)
	waitFor(t, ctx, `document.getElementById("result-count").innerText !== `+jsString(before))
	if focused := eval[string](t, ctx, `document.activeElement.getAttribute("value") || ""`); focused != "beta" {
		t.Errorf("focus moved away from the filter to %q", focused)
	}
	// The URL is shareable: loading it shows the same state.
	do(t, ctx, chromedp.Reload())
	if !eval[bool](t, ctx, `document.querySelector('input[name="filter[developmentStatus]"][value="beta"]').checked`) {
		t.Error("reloading the filtered URL lost the filter")
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("ul.results h3 a")), chromedp.WaitVisible(chromedp.CSS("article.software h1")))
	if !strings.Contains(location(t, ctx), "/software/") {
		t.Errorf("a result link went to %s", location(t, ctx))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('script[type="application/ld+json"]').length`); n != 1 {
		t.Errorf("software page has %d JSON-LD blocks", n)
	}

}

// browserSoftwareMedia: the software page draws its logo and activity from the catalogue.
func browserSoftwareMedia(t *testing.T, r browserRun) {
	ctx, base, shared := r.ctx, r.base, r.shared
	do(t, ctx, chromedp.Navigate(base+"/software/"+shared+"?lang=en"), chromedp.WaitVisible(chromedp.CSS("#activity svg")))
	if !eval[bool](t, ctx, `(() => { const i = document.querySelector("img.logo"); return !!i && i.complete && i.naturalWidth > 0 && new URL(i.src).pathname.startsWith("/media/") })()`) {
		t.Error("the logo is missing, broken or not served by the catalogue")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#activity svg rect").length`); n != 12 {
		t.Errorf("the activity chart has %d bars, want 12", n)
	}

}

// browserTypeAhead: type-ahead suggests names.
func browserTypeAhead(t *testing.T, r browserRun) {
	ctx, base := r.ctx, r.base
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.SendKeys(chromedp.CSS("#q-home"), "Parkeer"))
	waitFor(t, ctx, `Array.from(document.querySelectorAll("datalist option")).some(o => o.value === "Parkeervergunning")`)

}

// browserSwitchLanguage: switch language and keep it.
func browserSwitchLanguage(t *testing.T, r browserRun) {
	ctx, base, valid := r.ctx, r.base, r.valid
	do(t, ctx, chromedp.Navigate(base+"/software/"+valid+"?lang=en"))
	clickAndLoad(t, ctx, `nav.langs a[lang="de"]`, `document.querySelector("article.software h1")`)
	if got := eval[string](t, ctx, `document.documentElement.lang`); got != "de" {
		t.Fatalf("after choosing Deutsch: <html lang=%q>", got)
	}
	do(t, ctx, chromedp.Navigate(base+"/search"))
	if got := eval[string](t, ctx, `document.documentElement.lang`); got != "de" {
		t.Errorf("the choice was not remembered: <html lang=%q>", got)
	}
	if txt := eval[string](t, ctx, `document.querySelector("h1").innerText`); txt != "Alle Software" {
		t.Errorf("German results page is titled %q", txt)
	}
	do(t, ctx, chromedp.Navigate(base+"/?lang=en"))

}

// browserValidate: validate a file and see findings next to its lines.
func browserValidate(t *testing.T, r browserRun) {
	ctx, axe, base, artifacts := r.ctx, r.axe, r.base, r.artifacts
	bad := "publiccodeYmlVersion: \"0\"\nname: Test\nurl: https://example.org/test\nplatforms: [web]\ndevelopmentStatus: finished\nsoftwareType: standalone/web\n"
	do(t, ctx, chromedp.Navigate(base+"/validate"),
		chromedp.SetValue(chromedp.CSS("#v-yaml"), bad),
		chromedp.Click(chromedp.CSS("form.validate button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#result")))
	if !eval[bool](t, ctx, `document.querySelector(".verdict").classList.contains("bad")`) {
		t.Error("an invalid file is not reported invalid")
	}
	if !eval[bool](t, ctx, `!!document.querySelector("#V5.error .note")`) {
		t.Error("the finding about developmentStatus is not next to line 5")
	}
	checkAxe(t, ctx, axe, "validation result")
	screenshot(t, ctx, filepath.Join(artifacts, "validate-result-desktop.png"))
	// The demo allows loopback addresses, so its validator fetches a URL
	// on this machine (here one that is not a publiccode.yml at all).
	do(t, ctx, chromedp.Navigate(base+"/validate"), chromedp.SetValue(chromedp.CSS("#v-url"), base+"/healthz"))
	clickAndLoad(t, ctx, "form.validate button[type=submit]", `document.querySelector("#result, .alert")`)
	if !eval[bool](t, ctx, `!!document.querySelector("#result .verdict.bad")`) {
		t.Errorf("validating by URL in the demo: %s", eval[string](t, ctx, `document.querySelector("main").innerText.slice(0, 400)`))
	}

}

// browserEditor: the editor opens prefilled from a code entry, checks as you
// type, and without JavaScript shows the YAML with its findings.
func browserEditor(t *testing.T, r browserRun) {
	ctx, axe, base := r.ctx, r.axe, r.base
	do(t, ctx, viewport(1280, 900, false), chromedp.Navigate(base+"/code/"+r.code+"?lang=en"))
	clickAndLoad(t, ctx, "#describe a.button", `document.getElementById("editor")`)
	if u, _ := url.Parse(location(t, ctx)); u == nil || u.Path != "/editor" || u.Query().Get("repository") == "" {
		t.Fatalf("Describe this software went to %s", location(t, ctx))
	}
	if !eval[bool](t, ctx, `document.querySelector('input[name="name"]').value !== ""`) {
		t.Error("the editor is not prefilled from the draft")
	}
	checkAxe(t, ctx, axe, "editor from a draft")
	do(t, ctx, chromedp.SetValue(chromedp.CSS(`input[name="legal.license"]`), "not a licence"))
	eval[bool](t, ctx, `document.querySelector('input[name="legal.license"]').dispatchEvent(new Event("input", {bubbles: true}))`)
	waitFor(t, ctx, `!!document.querySelector('[data-field="legal.license"] .field-findings:not([hidden]) li')`)
	checkAxe(t, ctx, axe, "editor with findings as you type")

	do(t, ctx, scripts(false))
	defer do(t, ctx, scripts(true))
	do(t, ctx, chromedp.Navigate(base+"/editor?lang=en"), chromedp.SetValue(chromedp.CSS(`input[name="name"]`), "Proefsoftware"))
	clickAndLoad(t, ctx, `button[value="check"]`, `document.getElementById("result")`)
	if !eval[bool](t, ctx, `document.getElementById("editor-yaml").textContent.includes("name: Proefsoftware") && document.querySelector('input[name="name"]').value === "Proefsoftware"`) {
		t.Error("submitting without JavaScript does not show the YAML and keep the field")
	}
	if !eval[bool](t, ctx, `!!document.querySelector('[data-field="legal.license"] .field-findings li.error')`) {
		t.Error("the missing licence has no finding at its field")
	}
	do(t, ctx, scripts(true))
	for _, vp := range viewports {
		do(t, ctx, viewport(vp.width, vp.height, vp.mobile))
		checkAxe(t, ctx, axe, vp.name+" editor result")
	}
	do(t, ctx, viewport(1280, 900, false))
}

// browserSkipLink: the skip link is the first stop and leads to the content.
func browserSkipLink(t *testing.T, r browserRun) {
	ctx, base := r.ctx, r.base
	do(t, ctx, chromedp.Navigate(base+"/search"), chromedp.KeyEvent("\t"))
	if cls := eval[string](t, ctx, `document.activeElement.className`); cls != "skip" {
		t.Fatalf("the first Tab stop is %q, not the skip link", cls)
	}
	do(t, ctx, chromedp.KeyEvent("\r"))
	waitFor(t, ctx, `location.hash === "#main"`)
	do(t, ctx, chromedp.KeyEvent("\t"))
	if inMain := eval[bool](t, ctx, `document.getElementById("main").contains(document.activeElement)`); !inMain {
		t.Error("after the skip link, Tab does not continue in the main content")
	}

}

// browserNoJavaScript: everything works with JavaScript off.
func browserNoJavaScript(t *testing.T, r browserRun) {
	ctx, axe, base := r.ctx, r.axe, r.base
	do(t, ctx, scripts(false))
	defer do(t, ctx, scripts(true))
	do(t, ctx, chromedp.Navigate(base+"/search?lang=en"),
		chromedp.Click(chromedp.CSS(`input[name="filter[developmentStatus]"][value="stable"]`)))
	clickAndLoad(t, ctx, ".facets button.apply", `document.querySelector("ul.chips")`)
	if loc := location(t, ctx); !strings.Contains(loc, "filter[developmentStatus]=stable") && !strings.Contains(loc, "filter%5BdevelopmentStatus%5D=stable") {
		t.Errorf("applying a filter without JavaScript went to %s", loc)
	}
	if eval[bool](t, ctx, `document.documentElement.classList.contains("js")`) {
		t.Error("the page's script ran although scripts are off")
	}
	// axe-core itself needs scripts: turn them on for it, on the page as
	// it was drawn without them.
	do(t, ctx, scripts(true))
	checkAxe(t, ctx, axe, "search without JavaScript")

}

// chromiumPath finds the browser or skips the test.
func chromiumPath(t *testing.T) string {
	if p := os.Getenv("OSCAT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium: install Debian's chromium (.ci/run does) or set OSCAT_CHROMIUM to run the browser tests")
	return ""
}

// axeScript reads axe-core or skips the test.
func axeScript(t *testing.T) string {
	p := os.Getenv("OSCAT_AXE_JS")
	if p == "" {
		p = filepath.Join("..", "..", ".ci", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("no axe-core at %s: run `npm ci --prefix .ci` (.ci/run does) or set OSCAT_AXE_JS to run the browser tests", p)
	}
	return string(b)
}

// startDemo runs `oscat demo` on free loopback ports and returns its address.
func startDemo(t *testing.T) string {
	t.Helper()
	return startDemoWith(t, t.TempDir())
}

// startDemoWith runs `oscat demo` with its data in dir and extra flags.
func startDemoWith(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip(localforge.ErrNoGit)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		args := append([]string{"demo", "--data", dir, "--addr", "127.0.0.1:0", "--forge-addr", "127.0.0.1:0", "--log-level", "error"}, extra...)
		done <- run(ctx, args, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "open http://"); ok {
				addr <- "http://" + strings.TrimSuffix(strings.Fields(rest)[0], "/")
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Error("the demo did not stop")
		}
	})
	select {
	case a := <-addr:
		return a
	case code := <-done:
		t.Fatalf("oscat demo exited with %d before serving", code)
	case <-time.After(2 * time.Minute):
		t.Fatal("oscat demo did not start within 2 minutes")
	}
	return ""
}

// newBrowser starts headless Chromium with a fresh profile.
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return ctx
}

// do runs browser steps with a deadline; a failure stops the test.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browser: evaluate %s: %v", js, err)
	}
	return v
}

// waitFor waits until a JavaScript condition holds. It asks again when the
// page navigates in between, so it also waits for a new page to load.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a generous bound
	var last error
	for time.Now().Before(deadline) {
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`(() => { try { return !!(`+cond+`) } catch (e) { return false } })()`))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("browser: waiting for %s: timed out (last error: %v)", cond, last)
}

// clickAndLoad clicks an element that loads a new page and waits until the
// new page, not the old one, satisfies cond.
func clickAndLoad(t *testing.T, ctx context.Context, sel, cond string) {
	t.Helper()
	eval[bool](t, ctx, `(window.oscatStale = true)`)
	do(t, ctx, chromedp.Click(chromedp.CSS(sel)))
	waitFor(t, ctx, `!window.oscatStale && document.readyState === "complete" && !!(`+cond+`)`)
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `location.href`)
}

func viewport(w, h int64, mobile bool) chromedp.Action[chromedp.Void] {
	if mobile {
		return chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(w, h)
}

func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// axeViolation is what axe-core reports, cut to what a reader needs.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct{ Target, Summary, HTML string }
}

// checkAxe injects axe-core into the page and fails on any violation of the
// WCAG 2.1 A and AA rules, listing each with the elements at fault.
func checkAxe(t *testing.T, ctx context.Context, axe, where string) {
	t.Helper()
	vs := axeViolations(t, ctx, axe)
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    at %s\n      %s\n      %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "\n      "), n.HTML)
		}
	}
	t.Errorf("%s: %d axe-core violations of WCAG 2.1 A/AA:%s", where, len(vs), b.String())
}

// axeViolations runs axe-core's WCAG 2.1 A and AA rules on the current page.
func axeViolations(t *testing.T, ctx context.Context, axe string) []axeViolation {
	t.Helper()
	do(t, ctx, chromedp.WaitReady(chromedp.CSS("body")))
	if !eval[bool](t, ctx, `typeof window.axe === "object"`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	vs := eval[[]axeViolation](t, ctx, `axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]})
		.then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact || "", Help: v.help,
			Nodes: v.nodes.map(n => ({Target: n.target.join(" "), Summary: n.failureSummary || "", HTML: n.html.slice(0, 160)}))})))`)
	return vs
}

// checkNoSideways fails when the page is wider than the phone's screen.
func checkNoSideways(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("%s at phone width scrolls sideways by %d px", where, w)
	}
}

func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", path, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Error(err)
	}
}

var artifactsOnce sync.Once

// artifactsDir is where screenshots go: OSCAT_ARTIFACTS, else .artifacts/
// at the repository's root.
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("OSCAT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", ".artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	var err error
	artifactsOnce.Do(func() { err = os.MkdirAll(dir, 0o755) })
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	t.Logf("screenshots in %s", abs)
	return dir
}

// softwareID finds an entry's ID through the API.
func softwareID(t *testing.T, base, q string) string {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/software?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data []struct{ ID string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || len(body.Data) == 0 {
		t.Fatalf("no software for %q: %v", q, err)
	}
	return body.Data[0].ID
}

func codeID(t *testing.T, base, q string) string {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/code?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data []struct{ ID string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || len(body.Data) == 0 {
		t.Fatalf("no code entry for %q: %v", q, err)
	}
	return body.Data[0].ID
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
