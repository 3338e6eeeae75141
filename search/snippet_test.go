package search

import (
	"strings"
	"testing"
)

func TestMark_FoldsCaseAndAccentsAndKeepsItsWindow(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("altro testo qui ", 40)
	for _, c := range []struct {
		text string
		keys []string
		want string // a piece of the snippet; "" for no match
	}{
		{"Gestione PARCHEGGI comunali", []string{"parc"}, "<mark>PARCHEGGI</mark>"},
		{"La Città di Roma", []string{"citta"}, "<mark>Città</mark>"},
		{"ÉCOLE et école", []string{"ecol"}, "<mark>ÉCOLE</mark> et <mark>école</mark>"},
		{"short par", []string{"parc"}, ""},
		{"Open data of the city", []string{"parc", "данн"}, ""},
		{"Данные города", []string{"данн"}, "<mark>Данные</mark>"},
		{"PARCheggio", []string{"zzzz", "parc"}, "<mark>PARCheggio</mark>"},
		{"parcheggio " + long + "parcheggio", []string{"parc"}, "<mark>parcheggio</mark> altro"},
		{long + "parcheggio e parcheggi " + long, []string{"parc"}, "…"},
	} {
		got, ok := mark(c.text, c.keys)
		if ok != (c.want != "") || !strings.Contains(got, c.want) {
			t.Errorf("mark(%.40q, %q) = %q, %v; want it to hold %q", c.text, c.keys, got, ok, c.want)
		}
		if ok && strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
			t.Errorf("unbalanced marks: %q", got)
		}
	}
	// Far matches lie outside the window: only the first is shown.
	got, _ := mark("parcheggio "+long+"parcheggio", []string{"parc"})
	if n := strings.Count(got, "<mark>"); n != 1 || !strings.HasSuffix(got, "…") {
		t.Errorf("window: %d marks in %q", n, got)
	}
	got, _ = mark(long+"parcheggio e parcheggi "+long, []string{"parc"})
	if n := strings.Count(got, "<mark>"); n != 2 || !strings.HasPrefix(got, "…") {
		t.Errorf("window around a late match: %d marks in %q", n, got)
	}
}
