package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// A crawl with activity, a logo and a screenshot shows them on the software
// page, served by the catalogue; an image that is not what it claims is not served.
func TestSoftwarePage_ShowsActivityLogoAndScreenshots(t *testing.T) {
	t.Parallel()
	ts, store := site(t)
	ctx := t.Context()
	const repo = "https://git.example.org/voorbeeld/kaart"
	file := strings.Replace(parking, "name: Parkeervergunning", "name: Kaartviewer", 1)
	file = strings.Replace(file, "url: https://github.com/voorbeeld/parkeren", "url: "+repo+"\nlogo: logo.png", 1)
	if err := store.RegisterRepository(ctx, "voorbeeld", repo); err != nil {
		t.Fatal(err)
	}
	logo, shot := pngOf(32, 32), []byte("<html>not a picture</html>")
	last := time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC)
	act := &catalogue.Activity{Commits: 14, Authors: 3, LastCommit: &last, Score: 61.5, Formula: "oscat-activity-1", At: last,
		Releases:  []catalogue.Release{{Name: "v2.1.0", Date: last}},
		Breakdown: []catalogue.ScoreComponent{{Name: "commits", Value: 14, Points: 16.5, Max: 30, Rule: "30 × min(1, ln(1+commits in 12 months) / ln(121))"}}}
	for i := range 12 {
		act.Months = append(act.Months, catalogue.MonthActivity{Month: time.Date(2025, time.Month(12+i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), Commits: i % 3, Authors: i % 2})
	}
	d := publiccode.Check([]byte(file), publiccode.Options{})
	if _, err := store.ApplyCrawl(ctx, catalogue.CrawlResult{RepoURL: repo, Raw: []byte(file), Path: "publiccode.yml", File: d.File, Findings: d.Findings,
		Activity: act, Media: []catalogue.MediaFile{
			{MediaRef: catalogue.MediaRef{Role: "logo", Path: "logo.png"}, ContentType: "image/png", Data: logo},
			{MediaRef: catalogue.MediaRef{Role: "screenshot", Path: "shot.png"}, ContentType: "image/png", Data: shot},
		}}); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, ts.URL+"/software/"+idOf(t, store, "Kaartviewer")+"?lang=en")
	doc := parse(t, body)
	svg := find(doc, "svg", "role", "img")
	if svg == nil || attr(svg, "aria-labelledby") == "" {
		t.Fatal("no activity chart with an accessible name")
	}
	if n := strings.Count(body, `fill="#0b4f9c"`); n != 12 {
		t.Errorf("the chart has %d bars, want 12", n)
	}
	act2 := text(find(doc, "section", "id", "activity"))
	for _, want := range []string{"61.5", "v2.1.0", "2026-10-30", "16.5 / 30", "14 in 12 months"} {
		if !strings.Contains(act2, want) {
			t.Errorf("the activity section lacks %q", want)
		}
	}
	hash := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	img := find(doc, "img", "class", "logo")
	if img == nil || attr(img, "src") != "/media/"+hash(logo) {
		t.Fatalf("the logo is not served by the catalogue: %v", img)
	}
	resp, _ := get(t, ts.URL+"/media/"+hash(logo))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("logo: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Security-Policy"))
	}
	if resp, _ := get(t, ts.URL+"/media/"+hash(shot)); resp.StatusCode != 404 {
		t.Errorf("HTML stored as a PNG screenshot is served: %d", resp.StatusCode)
	}
}
