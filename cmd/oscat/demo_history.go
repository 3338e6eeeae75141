package main

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/crawler/localforge"
)

// demoToday is the day the demo world's history is drawn up to: the same all day,
// so the demo repositories keep their commits between restarts on one day.
func demoToday() time.Time {
	return time.Now().UTC().Truncate(24 * time.Hour).Add(9 * time.Hour)
}

// Fictional people who commit to the demo repositories.
var demoAuthors = []string{
	"Giulia Ferri", "Marco Rinaldi", "Jan de Vries", "Sanne Bakker", "Mette Jensen", "Lars Nielsen",
	"Lukas Becker", "Anna Schmidt", "Camille Moreau", "Hugo Lefèvre", "Lucía Gómez", "Erik Lindqvist",
}

// demoEmails are the demo people's addresses: most at the demo
// administrations' domains (one through a subdomain), some at a public mail
// provider or a forge's no-reply domain, so that the demo shows who builds what.
var demoEmails = map[string]string{
	"Giulia Ferri": "giulia.ferri@comune.borgoesempio.it", "Marco Rinaldi": "m.rinaldi@sit.regione.esempio.it",
	"Jan de Vries": "jan.de.vries@voorbeeldstad.nl", "Sanne Bakker": "sanne.bakker@gmail.com",
	"Mette Jensen": "mette.jensen@eksempel.dk", "Lars Nielsen": "lars@eksempel.dk",
	"Lukas Becker": "lukas.becker@musterstadt.de", "Anna Schmidt": "48121+annaschmidt@users.noreply.github.com",
	"Camille Moreau": "camille.moreau@ville-exemple.fr", "Hugo Lefèvre": "hugo.lefevre@ville-exemple.fr",
	"Lucía Gómez": "lucia.gomez@villaejemplo.es", "Erik Lindqvist": "erik.lindqvist@exempelverket.se",
}

var demoMessages = []string{
	"Fix date formatting in the calendar view", "Add Dutch translations", "Update dependencies",
	"Improve keyboard navigation in forms", "Document the configuration options", "Fix a crash on empty input",
	"Add an export to CSV", "Speed up the search page", "Make the header accessible to screen readers",
	"Refactor the notification service", "Add tests for the booking rules", "Fix timezone handling",
	"Support single sign-on", "Clarify the installation guide", "Tidy the API error messages",
}

var softwareVersionRE = regexp.MustCompile(`(?m)^softwareVersion:\s*["']?([0-9][^"'\s]*)`)

// pushHistory gives a demo repository a plausible past: a first commit shared
// by repositories of the same name (so copies of one project share their root),
// then commits by a few people over the last months — many for a lively
// project, a handful long ago for a dormant one — with releases, ending on the
// commit that holds the sample files.
func pushHistory(forge *localforge.Forge, owner, name string, files map[string][]byte, today time.Time) error {
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(h.Sum64(), 7))
	root := localforge.Commit{
		Files:   map[string][]byte{".gitignore": []byte("/build/\n*.log\n")},
		When:    today.AddDate(-2, 0, -r.IntN(200)),
		Author:  demoAuthors[r.IntN(len(demoAuthors))],
		Message: "Initial commit",
	}
	root.Email = demoEmails[root.Author]
	if _, err := forge.Push(owner, name, root); err != nil {
		return err
	}
	h.Write([]byte(owner))
	r = rand.New(rand.NewPCG(h.Sum64(), 11))
	var n, spanDays, endDays int
	switch p := r.IntN(20); {
	case p < 12: // lively
		n, spanDays, endDays = 25+r.IntN(35), 360, 1+r.IntN(10)
	case p < 17: // steady
		n, spanDays, endDays = 8+r.IntN(12), 360, 10+r.IntN(40)
	default: // dormant
		n, spanDays, endDays = 2+r.IntN(4), 300, 300+r.IntN(200)
	}
	dates := make([]time.Time, n)
	for i := range dates {
		dates[i] = today.AddDate(0, 0, -endDays-r.IntN(spanDays)).Add(time.Duration(r.IntN(8*60)) * time.Minute)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	dates[n-1] = today.AddDate(0, 0, -endDays)
	team := demoAuthors[r.IntN(len(demoAuthors)):]
	team = team[:min(len(team), 1+r.IntN(5))]
	version := "1.0.0"
	if m := softwareVersionRE.FindSubmatch(files["publiccode.yml"]); m != nil {
		version = string(m[1])
	}
	var changelog strings.Builder
	changelog.WriteString("# Changes\n\n")
	minor := 0
	for i, when := range dates {
		msg := demoMessages[r.IntN(len(demoMessages))]
		last := i == n-1
		if last {
			msg = "Publish " + name
		}
		fmt.Fprintf(&changelog, "- %s: %s\n", when.Format("2006-01-02"), msg)
		author := team[r.IntN(len(team))]
		c := localforge.Commit{When: when, Author: author, Email: demoEmails[author], Message: msg, Files: map[string][]byte{
			".gitignore":   root.Files[".gitignore"],
			"CHANGELOG.md": []byte(changelog.String()),
		}}
		// The publiccode.yml and the rest arrive a little after the start.
		if last || i > n/5 {
			for p, b := range files {
				c.Files[p] = b
			}
		}
		switch {
		case last:
			c.Release = "v" + version
		case i > 0 && i%9 == 0:
			minor++
			c.Release = fmt.Sprintf("v0.%d.0", minor)
		}
		if _, err := forge.Push(owner, name, c); err != nil {
			return err
		}
	}
	return nil
}
