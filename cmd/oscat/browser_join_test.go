package main

import (
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
	chromium := chromiumPath(t)
	axe := axeScript(t)
	data := t.TempDir()
	base := startDemoWith(t, data, "--admin", "root@example.org")
	ctx := newBrowser(t, chromium)
	artifacts := artifactsDir(t)
	software := softwareID(t, base, "afvalkalender")

	// Pages are drawn and forms used with scripts off; axe-core itself needs
	// scripts, so they are on while it checks the page as it was drawn.
	axeCheck := func(where string) {
		t.Helper()
		do(t, ctx, scripts(true))
		checkAxe(t, ctx, axe, where)
		do(t, ctx, scripts(false))
	}
	check := func(name, path string) {
		t.Helper()
		do(t, ctx, scripts(true))
		defer do(t, ctx, scripts(false))
		for _, vp := range viewports {
			do(t, ctx, viewport(vp.width, vp.height, vp.mobile), chromedp.Navigate(base+path+sep(path)+"lang=en"))
			checkAxe(t, ctx, axe, vp.name+" "+path)
			if vp.mobile {
				checkNoSideways(t, ctx, path)
			}
			screenshot(t, ctx, filepath.Join(artifacts, "join-"+name+"-"+vp.name+".png"))
		}
		do(t, ctx, viewport(1280, 900, false))
	}
	signIn := func(email string) {
		t.Helper()
		do(t, ctx, chromedp.Navigate(base+"/signin?lang=en"), chromedp.SendKeys(chromedp.CSS("#email"), email))
		clickAndLoad(t, ctx, `form[action="/signin"] button[type=submit]`, `document.querySelector("h1")`)
		link := mailedLink(t, data, email)
		do(t, ctx, chromedp.Navigate(link))
		clickAndLoad(t, ctx, `form[action="/signin/confirm"] button[type=submit]`, `location.pathname === "/account"`)
	}

	do(t, ctx, scripts(false))
	check("signin", "/signin")
	check("privacy", "/privacy")
	check("initiatives", "/initiatives")
	signIn("bo@eksempel.dk")
	check("account", "/account")
	check("register", "/administrations/new")
	check("software", "/software/"+software)

	// Declare from the software page, without JavaScript.
	do(t, ctx, chromedp.Navigate(base+"/software/"+software+"?lang=en"),
		chromedp.SendKeys(chromedp.CSS("#j-cname"), "Bo Jensen"),
		chromedp.SendKeys(chromedp.CSS("#j-cmail"), "bo@eksempel.dk"),
		chromedp.SendKeys(chromedp.CSS("#j-note"), "In all citizen service centres"))
	clickAndLoad(t, ctx, `form[action$="/joins"] button[type=submit]`, `location.search.includes("done=declared")`)
	if txt := eval[string](t, ctx, `document.querySelector("#join ul.joins").innerText`); !strings.Contains(txt, "Eksempel Kommune") || !strings.Contains(txt, "bo@eksempel.dk") {
		t.Errorf("after declaring, the panel says %q", txt)
	}
	axeCheck("software page after declaring")

	check("publisher", "/publishers/eksempel-kommune")
	do(t, ctx, chromedp.Navigate(base+"/publishers/eksempel-kommune?lang=en"), chromedp.SendKeys(chromedp.CSS("#h-url"), "https://github.com/eksempel-kommune"))
	clickAndLoad(t, ctx, `form[action$="/code-hosting"] button[type=submit]`, `location.search.includes("done=hosting-added")`)
	if txt := eval[string](t, ctx, `document.querySelector("#maintain").innerText`); !strings.Contains(txt, "not verified yet") {
		t.Errorf("the new code hosting is not shown unverified: %q", txt)
	}
	axeCheck("publisher page after adding code hosting")

	check("initiative-new", "/initiatives/new")
	do(t, ctx, chromedp.Navigate(base+"/initiatives/new?lang=en"),
		chromedp.SendKeys(chromedp.CSS("#i-title"), "Booking of sports halls"),
		chromedp.SendKeys(chromedp.CSS("#i-problem"), "Clubs book halls by phone."))
	clickAndLoad(t, ctx, `form[action="/initiatives"] button[type=submit]`, `location.pathname.startsWith("/initiatives/")`)
	initiative := eval[string](t, ctx, `location.pathname`)
	check("initiative", initiative)

	// The anonymous visitor sees the record but not its contact.
	do(t, ctx, chromedp.Navigate(base+"/account?lang=en"))
	clickAndLoad(t, ctx, `form[action="/signout"] button`, `location.pathname === "/"`)
	do(t, ctx, chromedp.Navigate(base+"/software/"+software+"?lang=en"))
	if txt := eval[string](t, ctx, `document.querySelector("#join").innerText`); !strings.Contains(txt, "Eksempel Kommune") || strings.Contains(txt, "bo@eksempel.dk") {
		t.Errorf("an anonymous visitor sees %q", txt)
	}

	signIn("root@example.org")
	check("admin", "/admin")
	check("admin-status", "/admin/status")
	check("publisher-admin", "/publishers/eksempel-kommune")
	do(t, ctx, scripts(true))
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
