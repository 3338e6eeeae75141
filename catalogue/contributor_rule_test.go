package catalogue

import "testing"

func TestOrgDirectory_ClassifiesByLongestRegisteredSuffix(t *testing.T) {
	t.Parallel()
	d := NewOrgDirectory(
		[]Publisher{
			{ID: "voorbeeld", Name: "Gemeente Voorbeeld", EmailDomains: []string{"gemeente-voorbeeld.nl"}},
			{ID: "voorbeeld-ict", Name: "ICT Voorbeeld", SiteDomains: []string{"ict.gemeente-voorbeeld.nl"}},
			{ID: "greedy", Name: "Greedy", EmailDomains: []string{"gmail.com"}},
			{ID: "a-first", Name: "First", EmailDomains: []string{"shared.example"}},
			{ID: "b-second", Name: "Second", EmailDomains: []string{"shared.example"}},
			{ID: "quiet", Name: "Quiet Town", EmailDomains: []string{"quiet.example"}, MembersCountingOff: true},
			{ID: "private", Name: "Private Town", EmailDomains: []string{"private.quiet-region.example"}, CountingOff: true},
			{ID: "region", Name: "Quiet Region", EmailDomains: []string{"quiet-region.example"}},
		},
		[]OrgContractor{
			{Name: "Acme BV", Website: "https://www.acme.example/about"},
			{Name: "Nameless", Website: ""},
			{Name: "Zeta", Website: "acme.example"},
		},
	)
	tests := []struct {
		email string
		want  Org
	}{
		{"ada@gemeente-voorbeeld.nl", Org{KindAdministration, "voorbeeld", "Gemeente Voorbeeld"}},
		{"Ada@DEV.Gemeente-Voorbeeld.NL", Org{KindAdministration, "voorbeeld", "Gemeente Voorbeeld"}},
		{"bob@ict.gemeente-voorbeeld.nl", Org{KindAdministration, "voorbeeld-ict", "ICT Voorbeeld"}},
		{"bob@x.ict.gemeente-voorbeeld.nl", Org{KindAdministration, "voorbeeld-ict", "ICT Voorbeeld"}},
		{"eve@notgemeente-voorbeeld.nl", OtherOrganisations},
		{"carol@acme.example", Org{KindCompany, "", "Acme BV"}},
		{"carol@eu.acme.example", Org{KindCompany, "", "Acme BV"}},
		{"dan@gmail.com", Individuals},
		{"12345+dan@users.noreply.github.com", Individuals},
		{"x@shared.example", Org{KindAdministration, "a-first", "First"}},
		{"someone@university.example", OtherOrganisations},
		{"x@quiet.example", OtherOrganisations},
		{"x@dev.private.quiet-region.example", OtherOrganisations},
		{"x@quiet-region.example", Org{KindAdministration, "region", "Quiet Region"}},
		{"root@localhost", Individuals},
		{"no-address", Individuals},
		{"", Individuals},
	}
	for _, tt := range tests {
		if got := d.Classify(tt.email); got != tt.want {
			t.Errorf("Classify(%q) = %+v, want %+v", tt.email, got, tt.want)
		}
	}
}

func TestIsBot_ExcludesAutomationAccounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, email string
		want        bool
	}{
		{"dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", true},
		{"Renovate Bot", "bot@renovateapp.com", true},
		{"renovate", "renovate@whitesourcesoftware.com", true},
		{"github-actions", "41898282+github-actions@users.noreply.github.com", true},
		{"GitLab token", "project_123_bot_4f2a@noreply.gitlab.com", true},
		{"Ada Lovelace", "ada@gemeente-voorbeeld.nl", false},
		{"Bob", "12345+bob@users.noreply.github.com", false},
		{"Abbot Costello", "abbot@example.org", false},
	}
	for _, tt := range tests {
		if got := IsBot(tt.name, tt.email); got != tt.want {
			t.Errorf("IsBot(%q, %q) = %v, want %v", tt.name, tt.email, got, tt.want)
		}
	}
}

func TestAuthorBand_HidesSmallNumbers(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 1: "1–2", 2: "1–2", 3: "3", 40: "40"} {
		if got := AuthorBand(n); got != want {
			t.Errorf("AuthorBand(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestAuthorCount_NeverWritesOneOrTwo(t *testing.T) {
	t.Parallel()
	for n, want := range map[AuthorCount]string{0: `0`, 1: `"1–2"`, 2: `"1–2"`, 3: `3`} {
		b, err := n.MarshalJSON()
		if err != nil || string(b) != want {
			t.Errorf("%d marshals to %s (%v), want %s", n, b, err, want)
		}
		var back AuthorCount
		if err := back.UnmarshalJSON(b); err != nil || (n >= 3 && back != n) || (n > 0 && n < 3 && back != 1) {
			t.Errorf("%s reads back as %d (%v)", b, back, err)
		}
	}
}
