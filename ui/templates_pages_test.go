package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/search"
)

// TestTemplates_CataloguePagesRenderEveryBranch draws every catalogue page
// with the data of each of its branches, in every site language.
func TestTemplates_CataloguePagesRenderEveryBranch(t *testing.T) {
	t.Parallel()
	renderTemplateCases(t, pageTemplateCases(t))
}

// pageTemplateCases are the branches of the catalogue pages: home, search,
// software, code entries, publishers, the validator, crawls, accessibility,
// the API page and the error page.
func pageTemplateCases(t *testing.T) []templateCase {
	t.Helper()
	f := pageFixtures(t)
	var cases []templateCase
	for _, group := range [][]templateCase{
		homeCases(f), searchCases(f), softwareCases(f), codeCases(f), publisherCases(f),
		validateCases(f), crawlsCases(), accessibilityCases(), apiCases(t), errorCases(),
	} {
		cases = append(cases, group...)
	}
	return cases
}

// fixtures is the data the cases share, made once in English: a parsed file,
// its findings, an activity and contribution figures.
type fixtures struct {
	l         localiser
	file      *publiccode.File
	raw       string
	findings  []findingView
	summaries []summary
	activity  activityPage
	builders  *buildersPage
	member    *catalogue.Person
}

func pageFixtures(t *testing.T) fixtures {
	t.Helper()
	texts, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	l := localiser{b: texts, Lang: i18n.English}
	raw := strings.Replace(parking, "developmentStatus: stable", "developmentStatus: stabel", 1)
	d := publiccode.Check([]byte(raw), publiccode.Options{})
	if d.File == nil || len(d.Findings) == 0 {
		t.Fatalf("the fixture should parse with findings: %+v", d.Findings)
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	act := &catalogue.Activity{Commits: 14, Authors: 3, LastCommit: &now, Score: 61.5, Formula: "oscat-activity-1", At: now,
		Truncated: true, Depth: 500, Releases: []catalogue.Release{{Name: "v2.1.0", Date: now}},
		Breakdown: []catalogue.ScoreComponent{{Name: "commits", Value: 14, Points: 16.5, Max: 30, Rule: "30 × min(1, …)"}}}
	for i := range 12 {
		act.Months = append(act.Months, catalogue.MonthActivity{Month: now.AddDate(0, i-11, 0).Format("2006-01"), Commits: i % 3, Authors: i % 2})
	}
	figs := figures(now)
	figs.Truncated, figs.Shared = true, true
	declared := []catalogue.Join{{Publisher: "b", Kind: catalogue.JoinCoDevelops}}
	return fixtures{
		l: l, file: d.File, raw: raw, findings: l.Findings(d.Findings, raw),
		summaries: []summary{
			{ID: "s1", Name: "Parkeervergunning", Valid: true, Text: "Parking permits", TextLang: "en", License: "EUPL-1.2", Status: "stable",
				Publishers: []ref{{ID: "a", Name: "Gemeente A"}, {ID: "b", Name: "Kommune B"}}, Logo: "/media/abc", Users: 3},
			{ID: "s2", Name: "Kaart", Archived: true, OpenToJoin: true, PublisherUnverified: true, Text: "Kaartviewer", TextLang: "nl", From: "oscat.dk"},
		},
		activity: activityView(l, act),
		builders: buildersView(l, figs, declared, &catalogue.Origin{Peer: "https://peer.example"}),
		member:   &catalogue.Person{ID: "p1", Email: "bo@b.example"},
	}
}

func homeCases(f fixtures) []templateCase {
	return []templateCase{
		{name: "home, empty catalogue without accounts", page: "home", v: view{Section: "home", Page: homePage{Users: -1}}},
		{name: "home, full", page: "home", v: view{Section: "home", Accounts: true, Me: f.member, Page: homePage{
			Software: 12, Publishers: 3, Users: 2, Categories: []categoryLink{{ValueCount: search.ValueCount{Value: "it-development", Count: 4}, Label: "IT development"}},
			Updated: f.summaries, Added: f.summaries[:1], BuiltTogether: f.summaries, BuiltTogetherHref: builtTogetherHref,
		}}},
	}
}

func searchCases(f fixtures) []templateCase {
	facet := facetView{Name: "categories", Label: "Categories", Selected: true, ClearHref: "/search",
		Shown: []facetValueView{{Value: "it-development", Label: "IT development", Count: 4, Selected: true, ID: "f-1"}},
		More:  []facetValueView{{Value: "maps", Label: "Maps", Count: 1, ID: "f-2"}}}
	sorts := []sortChoice{{Value: "", Label: "Relevance"}, {Value: "name", Label: "Name", Selected: true}}
	return []templateCase{
		{name: "search, nothing found", page: "search", v: view{Section: "search", Page: searchPage{Sorts: sorts}}},
		{name: "search, results with filters", page: "search", v: view{Section: "search", Query: "park", Page: searchPage{
			Text: "park", Total: 2, Results: f.summaries, Facets: []facetView{facet, {Name: "license", Label: "Licence"}},
			Chips:    []filterChip{{Facet: "categories", Value: "it-development", Label: "IT development", FacetLabel: "Categories", RemoveHref: "/search"}},
			ClearAll: "/search?q=park", Sorts: sorts, Sort: "name", Next: "/search?page[after]=x", First: "/search?q=park", PageSize: "5",
			Suggestion: "parking", SuggestionHref: "/search?q=parking", CodeCount: 3, CodeHref: "/code?q=park",
		}}},
	}
}

func softwareCases(f fixtures) []templateCase {
	bare := softwarePage{S: catalogue.Software{ID: "s0", Name: "Bare", URL: "https://git.example/bare"}, F: &publiccode.File{}}
	full := fullSoftwarePage(f)
	signedOut := full
	signedOut.Join = &joinPanel{Kinds: catalogue.JoinKinds}
	noMembership := signedOut
	harvested := bare
	harvested.S.Origin = &catalogue.Origin{Peer: "https://peer.example", Instance: "dk", Page: "https://peer.example/software/x",
		Publishers: []catalogue.OriginPublisher{{Name: "Kommune C", Country: "DK"}}}
	return []templateCase{
		{name: "software, no file, no accounts", page: "software", v: view{Page: bare}},
		{name: "software, harvested", page: "software", v: view{Page: harvested}},
		{name: "software, everything, a member signed in", page: "software", v: view{Accounts: true, Me: f.member, CSRF: "tok", Page: full}},
		{name: "software, signed out", page: "software", v: view{Accounts: true, Page: signedOut}},
		{name: "software, signed in without membership", page: "software", v: view{Accounts: true, Me: f.member, Page: noMembership}},
	}
}

// fullSoftwarePage is an entry with every part its page can show.
func fullSoftwarePage(f fixtures) softwarePage {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	sw := catalogue.Software{ID: "s1", Name: "Parkeervergunning", URL: "https://github.com/voorbeeld/parkeren", File: f.file, Raw: f.raw,
		Archived: true, PublisherUnverified: true, CreatedAt: now, UpdatedAt: now}
	src := catalogue.Repository{URL: sw.URL, SoftwareID: sw.ID, Path: "publiccode.yml", Status: catalogue.StatusInvalid, LastCrawledAt: &now}
	p := softwarePage{S: sw, F: f.file, Repositories: []catalogue.Repository{src, {URL: "https://gitlab.example/fork", Role: catalogue.RoleFork, Status: catalogue.StatusFork}},
		Publishers: []catalogue.Publisher{{ID: "a", Name: "Gemeente A", Country: "NL"}, {ID: "b", Name: "Kommune B"}},
		Source:     &src, Findings: f.findings, Counts: publiccode.Counts{Errors: 1, Warnings: 2},
		Logo: "/media/logo", Screenshots: []string{"/media/shot"}, AppOf: "https://github.com/voorbeeld/mono",
		Variants: []catalogue.SoftwareLink{{ID: "s2", URL: "https://git.example/variant"}}, BasedOn: []catalogue.SoftwareLink{{URL: "https://git.example/upstream"}},
		Copies: []catalogue.Repository{{URL: "https://copy.example/parkeren", Status: catalogue.StatusUnchanged, SoftwareID: "s3"}}, Done: "declared",
		Builders: f.builders}
	p.describe(f.l, "")
	p.DescForeign = true
	p.LocalisedName = "Parking permits"
	p.facts(f.l)
	p.Lines, p.General, p.Cut = annotate(f.raw, f.findings)
	p.General, p.Cut = f.findings[:1], true
	act := f.activity
	p.Activity = &act
	until := now.AddDate(0, -1, 0)
	join := catalogue.Join{ID: "j1", Publisher: "b", PublisherName: "Kommune B", Kind: catalogue.JoinCoDevelops, Since: "2024-05-01", Verified: true,
		Note: "weekly calls", Contact: catalogue.Contact{Name: "Bo", Role: "lead", Email: "bo@b.example"}}
	p.Join = &joinPanel{Joins: []catalogue.Join{join, {ID: "j2", Publisher: "a", PublisherName: "Gemeente A", Kind: catalogue.JoinUses, Since: "2023-01-01"}},
		Unconfirmed: []catalogue.Join{{ID: "j3", Publisher: "b", PublisherName: "Kommune B", Kind: catalogue.JoinFunds, Since: "2022-01-01", ConfirmedUntil: until}},
		Info:        catalogue.JoinInfo{Open: true, Coordination: "https://chat.example", Meetings: "Mondays", Contributing: "https://git.example/CONTRIBUTING.md"},
		Contacts:    true, MemberOf: []catalogue.Membership{{Publisher: "b", PublisherName: "Kommune B"}}, Maintainer: true, CoUser: true,
		Mine: map[string]bool{"b": true}, UsedBy: []usedByName{{Name: "Gemeente A", Publisher: &catalogue.Publisher{ID: "a"}}, {Name: "Elsewhere"}},
		FileContacts: []publiccode.Contact{{Name: "Ann", Affiliation: "Gemeente A", Email: "ann@a.example"}}, Landing: "https://parkeren.example",
		Kinds: catalogue.JoinKinds, Today: "2026-11-30"}
	return p
}

func codeCases(f fixtures) []templateCase {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	entry := catalogue.CodeEntry{ID: "c1", Name: "kaart", URL: "https://git.example/kaart", Description: "A map viewer", Readme: "Kaart shows maps.",
		License: "MIT", LicenseFile: "LICENSE", ProgrammingLanguages: []string{"Go"}, Topics: []string{"maps"}, Archived: true, LastCommitAt: &now,
		Release: &catalogue.Release{Name: "v1", Date: now}, Publishers: []string{"a"}}
	act := f.activity
	return []templateCase{
		{name: "code entry, bare", page: "code", v: view{Page: codeEntryPage{E: catalogue.CodeEntry{ID: "c0", Name: "bare", URL: "https://git.example/bare"}, Describe: "/code/c0/draft"}}},
		{name: "code entry, full", page: "code", v: view{Page: codeEntryPage{E: entry, Describe: "/code/c1/draft", Activity: &act,
			Publishers: []labelled{{Value: "a", Label: "Gemeente A", Href: "/publishers/a"}}}}},
		{name: "code draft, signed out", page: "code_draft", v: view{Page: codeDraftPage{E: entry, Draft: catalogue.MakeDraft(catalogue.DraftInputOf(entry)), Download: "/code/c1/publiccode.yml", Back: "/code/c1"}}},
		{name: "code draft, signed in", page: "code_draft", v: view{Accounts: true, Me: f.member, CSRF: "tok", Page: codeDraftPage{E: entry, Download: "/code/c1/publiccode.yml", Back: "/code/c1"}}},
		{name: "code list, empty", page: "code_list", v: view{Page: codeListPage{Software: "/search"}}},
		{name: "code list, results", page: "code_list", v: view{Page: codeListPage{Text: "kaart", Total: 1, Software: "/search?q=kaart", Next: "/code?page[after]=x", First: "/code?q=kaart",
			Results: []codeSummary{newCodeSummary(entry, &snapshot{}), {ID: "c2", Name: "plain"}},
			Facets:  []facetView{{Name: "license", Label: "Licence", Selected: true, ClearHref: "/code", Shown: []facetValueView{{Value: "MIT", Label: "MIT", Count: 1, Selected: true, ID: "f-1"}}, More: []facetValueView{{Value: "GPL", Label: "GPL", Count: 1, ID: "f-2"}}}}}}},
	}
}

func publisherCases(f fixtures) []templateCase {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	p := catalogue.Publisher{ID: "a", Name: "Gemeente A", Country: "NL", URI: "urn:x:a", EmailDomains: []string{"a.example"}, SiteDomains: []string{"a.example"},
		CodeHosting: []catalogue.CodeHosting{{URL: "https://github.com/a", Group: true, Origin: "site", Verified: "uri"}, {URL: "https://github.com/b", Origin: "site"}, {URL: "https://git.example/a"}}}
	repos := []repoView{
		{Repository: catalogue.Repository{ID: 1, URL: "https://github.com/a/x", Status: catalogue.StatusNoPubliccode, CodeVersion: 1, Archived: true, ForgeFork: true, Failures: 2,
			Reason: "no file", HiddenReason: "spam", SoftwareHiddenReason: "duplicate", LastCrawledAt: &now},
			Files: []catalogue.RepoFile{{Path: "apps/a/publiccode.yml", Outcome: catalogue.StatusInvalid, Reason: "bad"}}},
		{Repository: catalogue.Repository{ID: 2, URL: "https://github.com/a/y", Status: catalogue.StatusInvalid, SoftwareID: "s1", Path: "publiccode.yml"}, Listed: true, Findings: f.findings},
	}
	base := publisherPage{P: p, Country: "Netherlands", Software: f.summaries, Repositories: repos, Problems: 2,
		Collab: publisherCollab{Counted: true, ContributesTo: []catalogue.PublisherContribution{{Software: "s9", SoftwareName: "Other", Commits12m: 3, Commits: 9}},
			Contributors: []collabContributor{{Name: "Acme", Kind: "company", Href: "https://acme.example", Software: 1, Commits12m: 2, Commits: 4}, {Name: "Individuals", Kind: "individuals"}}}}
	member := base
	member.Done, member.publisherMaintain = "crawl-queued", publisherMaintain{Now: "2026-11-30T12:00:00Z", Member: true, Subscribed: true, CanCrawl: true,
		HostingTypes: []catalogue.HostingType{"", catalogue.HostingGitHub}}
	member.Hooks = &hookPanel{Entries: []hookEntry{{URL: "https://github.com/a", Secret: "s", PreviousUntil: "2026-12-01 12:00",
		Forges: []hookSetup{{Forge: catalogue.HostingGitHub, Name: "GitHub", Endpoint: "/hooks/github"}}}}}
	rotated := member
	rotated.Done, rotated.Subscribed, rotated.CanCrawl = "hook-secret-rotated", false, false
	admin := base
	admin.publisherMaintain = publisherMaintain{Members: []catalogue.Membership{{Person: "p2", Email: "x@a.example", Via: "domain"}}}
	pending := base
	pending.Collab, pending.Software, pending.Repositories, pending.Problems = publisherCollab{ByOperator: true}, nil, nil, 0
	pending.publisherMaintain = publisherMaintain{Pending: true}
	offByMembers := base
	offByMembers.Collab = publisherCollab{}
	offByMembers.Member = true
	return []templateCase{
		{name: "publisher, no accounts", page: "publisher", v: view{Page: base}},
		{name: "publisher, signed out", page: "publisher", v: view{Accounts: true, Page: base}},
		{name: "publisher, a member after a crawl", page: "publisher", v: view{Accounts: true, Me: f.member, CSRF: "tok", Page: member}},
		{name: "publisher, a member after a rotation", page: "publisher", v: view{Accounts: true, Me: f.member, CSRF: "tok", Page: rotated}},
		{name: "publisher, members turned counting off", page: "publisher", v: view{Accounts: true, Me: f.member, Page: offByMembers}},
		{name: "publisher, an administrator", page: "publisher", v: view{Accounts: true, Me: f.member, Admin: true, Page: admin}},
		{name: "publisher, pending, a visitor signed in", page: "publisher", v: view{Accounts: true, Me: f.member, Page: pending}},
		{name: "publisher, signed in, not a member", page: "publisher", v: view{Accounts: true, Me: f.member, Page: base}},
	}
}

func validateCases(f fixtures) []templateCase {
	valid := publiccode.NewReport("publiccode.yml", publiccode.Check([]byte(parking), publiccode.Options{}))
	invalid := publiccode.NewReport("https://x.example/publiccode.yml", publiccode.Check([]byte(f.raw), publiccode.Options{}))
	lines, general, _ := annotate(f.raw, f.findings)
	return []templateCase{
		{name: "validate, the form", page: "validate", v: view{Page: validatePage{}}},
		{name: "validate, an error", page: "validate", v: view{CSRF: "tok", Page: validatePage{Error: "Nothing to check", URL: "https://x.example/"}}},
		{name: "validate, valid", page: "validate", v: view{Page: validatePage{Report: &valid, Source: "publiccode.yml", Pasted: parking, Lines: lines}}},
		{name: "validate, invalid by URL", page: "validate", v: view{Page: validatePage{Report: &invalid, Source: "https://x.example/publiccode.yml", URL: "https://x.example/publiccode.yml",
			Findings: f.findings, Lines: lines, General: general, Cut: true, Counts: publiccode.Count(invalid.Findings)}}},
	}
}

func crawlsCases() []templateCase {
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	running := crawlView{CrawlRun: catalogue.CrawlRun{ID: 2, Trigger: "schedule", StartedAt: start}, Running: true, Seen: 3,
		Counts: []statusCount{{Status: "new", Count: 3}}}
	done := crawlView{CrawlRun: catalogue.CrawlRun{ID: 1, Trigger: "cli", StartedAt: start, FinishedAt: &end, Listed: 4,
		HostingFailures: []catalogue.HostingFailure{{Publisher: "a", URL: "https://github.com/a", Error: "rate limited"}}}}
	return []templateCase{
		{name: "crawls, none", page: "crawls", v: view{Page: crawlsPage{}}},
		{name: "crawls, one running, one done", page: "crawls", v: view{Page: crawlsPage{Runs: []crawlView{running, done}, Running: true, Next: "/crawls?page[after]=1"}}},
	}
}

func accessibilityCases() []templateCase {
	return []templateCase{
		{name: "accessibility, the statement", page: "accessibility", v: view{Page: accessibilityPage{Where: "/search"}}},
		{name: "accessibility, a report refused", page: "accessibility", v: view{CSRF: "tok", Page: accessibilityPage{Where: "/", What: "contrast", Contact: "a@b.example", Error: "Too many"}}},
		{name: "accessibility, thanks", page: "accessibility", v: view{Page: accessibilityPage{Thanks: true}}},
	}
}

func apiCases(t *testing.T) []templateCase {
	t.Helper()
	docs, err := apiDocs()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs.Operations) == 0 {
		t.Fatal("the API document lists no operations")
	}
	return []templateCase{{name: "api", page: "api", v: view{Section: "api", Page: docs}}}
}

func errorCases() []templateCase {
	return []templateCase{
		{name: "error, with a detail", page: "error", v: view{Page: errorPage{Detail: "kind \"x\": use uses"}}},
		{name: "error, bare", page: "error", v: view{Page: errorPage{}}},
	}
}
