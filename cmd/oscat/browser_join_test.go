package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The join pages in a real browser: sign in through the mailed link, declare,
// list code hosting, post an initiative, approve, each page checked with
// axe-core at desktop and phone width, and the forms used without JavaScript.
func TestBrowser_JoinPagesWorkWithoutJavaScriptAndPassAxe(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	chromium, axe, data := chromiumPath(t), axeScript(t), t.TempDir()
	b := joinBrowser{t: t, data: data, axe: axe, base: startDemoWith(t, data, "--admin", "root@example.org")}
	b.ctx, b.artifacts = newBrowser(t, chromium), artifactsDir(t)
	software := softwareID(t, b.base, "afvalkalender")

	do(t, b.ctx, scripts(false))
	b.check("signin", "/signin")
	b.check("privacy", "/privacy")
	b.check("initiatives", "/initiatives")
	b.signIn("bo@eksempel.dk")
	b.check("account", "/account")
	b.check("register", "/administrations/new")
	b.check("software", "/software/"+software)
	b.declare(software)
	b.check("publisher", "/publishers/eksempel-kommune")
	b.addCodeHosting()
	b.check("initiative-new", "/initiatives/new")
	b.check("initiative", b.postInitiative())

	// The anonymous visitor sees the record but not its contact.
	do(t, b.ctx, chromedp.Navigate(b.base+"/account?lang=en"))
	clickAndLoad(t, b.ctx, `form[action="/signout"] button`, `location.pathname === "/"`)
	do(t, b.ctx, chromedp.Navigate(b.base+"/software/"+software+"?lang=en"))
	if txt := eval[string](t, b.ctx, `document.querySelector("#join").innerText`); !strings.Contains(txt, "Eksempel Kommune") || strings.Contains(txt, "bo@eksempel.dk") {
		t.Errorf("an anonymous visitor sees %q", txt)
	}

	b.signIn("root@example.org")
	b.check("admin", "/admin")
	b.check("publisher-admin", "/publishers/eksempel-kommune")
	do(t, b.ctx, scripts(true))
}

// joinBrowser is a browser on a demo site whose mails land in data's outbox.
// Pages are drawn and forms used with scripts off; axe-core itself needs
// scripts, so they are on while it checks the page as it was drawn.
type joinBrowser struct {
	t                          *testing.T
	ctx                        context.Context
	base, data, axe, artifacts string
}

// axeCheck checks the page as it is now.
func (b joinBrowser) axeCheck(where string) {
	b.t.Helper()
	do(b.t, b.ctx, scripts(true))
	checkAxe(b.t, b.ctx, b.axe, where)
	do(b.t, b.ctx, scripts(false))
}

// check opens a page at every viewport, checks it with axe-core and keeps a
// screenshot of it.
func (b joinBrowser) check(name, path string) {
	t, ctx := b.t, b.ctx
	t.Helper()
	do(t, ctx, scripts(true))
	defer do(t, ctx, scripts(false))
	for _, vp := range viewports {
		do(t, ctx, viewport(vp.width, vp.height, vp.mobile), chromedp.Navigate(b.base+path+sep(path)+"lang=en"))
		checkAxe(t, ctx, b.axe, vp.name+" "+path)
		if vp.mobile {
			checkNoSideways(t, ctx, path)
		}
		screenshot(t, ctx, filepath.Join(b.artifacts, "join-"+name+"-"+vp.name+".png"))
	}
	do(t, ctx, viewport(1280, 900, false))
}

// signIn signs in through the form and the mailed link.
func (b joinBrowser) signIn(email string) {
	t, ctx := b.t, b.ctx
	t.Helper()
	do(t, ctx, chromedp.Navigate(b.base+"/signin?lang=en"), chromedp.SendKeys(chromedp.CSS("#email"), email))
	clickAndLoad(t, ctx, `form[action="/signin"] button[type=submit]`, `document.querySelector("h1")`)
	link := mailedLink(t, b.data, email)
	do(t, ctx, chromedp.Navigate(link))
	clickAndLoad(t, ctx, `form[action="/signin/confirm"] button[type=submit]`, `location.pathname === "/account"`)
}

// declare declares a use from the software page, without JavaScript.
func (b joinBrowser) declare(software string) {
	t, ctx := b.t, b.ctx
	t.Helper()
	do(t, ctx, chromedp.Navigate(b.base+"/software/"+software+"?lang=en"),
		chromedp.SendKeys(chromedp.CSS("#j-cname"), "Bo Jensen"),
		chromedp.SendKeys(chromedp.CSS("#j-cmail"), "bo@eksempel.dk"),
		chromedp.SendKeys(chromedp.CSS("#j-note"), "In all citizen service centres"))
	clickAndLoad(t, ctx, `form[action$="/joins"] button[type=submit]`, `location.search.includes("done=declared")`)
	if txt := eval[string](t, ctx, `document.querySelector("#join ul.joins").innerText`); !strings.Contains(txt, "Eksempel Kommune") || !strings.Contains(txt, "bo@eksempel.dk") {
		t.Errorf("after declaring, the panel says %q", txt)
	}
	b.axeCheck("software page after declaring")
}

// addCodeHosting lists a group of repositories from the publisher page.
func (b joinBrowser) addCodeHosting() {
	t, ctx := b.t, b.ctx
	t.Helper()
	do(t, ctx, chromedp.Navigate(b.base+"/publishers/eksempel-kommune?lang=en"), chromedp.SendKeys(chromedp.CSS("#h-url"), "https://github.com/eksempel-kommune"))
	clickAndLoad(t, ctx, `form[action$="/code-hosting"] button[type=submit]`, `location.search.includes("done=hosting-added")`)
	if txt := eval[string](t, ctx, `document.querySelector("#maintain").innerText`); !strings.Contains(txt, "not verified yet") {
		t.Errorf("the new code hosting is not shown unverified: %q", txt)
	}
	b.axeCheck("publisher page after adding code hosting")
}

// postInitiative posts an initiative and gives its page's path.
func (b joinBrowser) postInitiative() string {
	t, ctx := b.t, b.ctx
	t.Helper()
	do(t, ctx, chromedp.Navigate(b.base+"/initiatives/new?lang=en"),
		chromedp.SendKeys(chromedp.CSS("#i-title"), "Booking of sports halls"),
		chromedp.SendKeys(chromedp.CSS("#i-problem"), "Clubs book halls by phone."))
	clickAndLoad(t, ctx, `form[action="/initiatives"] button[type=submit]`, `location.pathname.startsWith("/initiatives/")`)
	return eval[string](t, ctx, `location.pathname`)
}

// mailedLink waits for the sign-in mail to an address in the outbox.
func mailedLink(t *testing.T, data, email string) string {
	t.Helper()
	re := regexp.MustCompile(`http://[^\s]+/signin/confirm\?token=[A-Za-z0-9_-]+`)
	deadline := time.Now().Add(time.Minute) // a generous bound
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(data, "outbox", "*.eml"))
		for i := len(files) - 1; i >= 0; i-- {
			b, err := os.ReadFile(files[i])
			if err == nil && strings.Contains(string(b), "To: <"+email+">") {
				if m := re.FindString(string(b)); m != "" {
					return m + "&lang=en"
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no sign-in mail to %s in %s/outbox", email, data)
	return ""
}
