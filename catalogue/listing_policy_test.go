package catalogue

import (
	"testing"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

func TestDecideCrawl_WhatACrawlDoesToARepository(t *testing.T) {
	listable := &publiccode.File{Name: "Parkeren"}
	tests := []struct {
		name string
		prev RepoFacts
		r    CrawlResult
		want CrawlDecision
	}{
		{"a failure is counted, what was listed stays", RepoFacts{Status: StatusUnchanged, Failures: 1},
			CrawlResult{Outcome: StatusFailed, GoneAfter: 3}, CrawlDecision{Step: StepFailed, Status: StatusFailed, Failures: 2}},
		{"the GoneAfter-th failure in a row makes it gone", RepoFacts{Status: StatusFailed, Failures: 2},
			CrawlResult{Outcome: StatusFailed, GoneAfter: 3}, CrawlDecision{Step: StepGone, Status: StatusGone, Failures: 3}},
		{"without GoneAfter it never goes", RepoFacts{Failures: 99},
			CrawlResult{Outcome: StatusFailed}, CrawlDecision{Step: StepFailed, Status: StatusFailed, Failures: 100}},
		{"unchanged after an update", RepoFacts{Status: StatusUpdated},
			CrawlResult{Outcome: StatusUnchanged}, CrawlDecision{Step: StepUnchanged, Status: StatusUnchanged}},
		{"unchanged after a failure", RepoFacts{Status: StatusFailed, Failures: 2},
			CrawlResult{Outcome: StatusUnchanged}, CrawlDecision{Step: StepUnchanged, Status: StatusUnchanged}},
		{"an unchanged invalid file stays invalid", RepoFacts{Status: StatusInvalid},
			CrawlResult{Outcome: StatusUnchanged}, CrawlDecision{Step: StepUnchanged, Status: StatusInvalid}},
		{"an unchanged mirror stays a mirror", RepoFacts{Status: StatusMirror, Role: RoleMirror},
			CrawlResult{Outcome: StatusUnchanged}, CrawlDecision{Step: StepUnchanged, Status: StatusMirror}},
		{"an unchanged fork of a crawled repository stays a fork", RepoFacts{Status: StatusFork, Role: RoleFork, ForkOfCrawled: true},
			CrawlResult{Outcome: StatusUnchanged}, CrawlDecision{Step: StepUnchanged, Status: StatusFork}},
		{"an unchanged fork of a repository no longer crawled carries the software", RepoFacts{Status: StatusFork, Role: RoleFork},
			CrawlResult{Outcome: StatusUnchanged}, CrawlDecision{Step: StepReapply}},
		{"a hidden fork is not reapplied", RepoFacts{Status: StatusSkipped, Role: RoleFork, Hidden: true},
			CrawlResult{Outcome: StatusUnchanged}, CrawlDecision{Step: StepUnchanged, Status: StatusSkipped}},
		{"over the cap keeps what was listed", RepoFacts{Status: StatusUnchanged},
			CrawlResult{Outcome: StatusOverCap}, CrawlDecision{Step: StepKeep, Status: StatusOverCap}},
		{"skipped keeps what was listed", RepoFacts{Status: StatusNew},
			CrawlResult{Outcome: StatusSkipped}, CrawlDecision{Step: StepKeep, Status: StatusSkipped}},
		{"no publiccode.yml unlists", RepoFacts{Status: StatusUnchanged, Read: true},
			CrawlResult{Outcome: StatusNoPubliccode}, CrawlDecision{Step: StepUnlist, Status: StatusNoPubliccode}},
		{"an unreadable file keeps what was listed", RepoFacts{Status: StatusUnchanged},
			CrawlResult{File: &publiccode.File{}}, CrawlDecision{Step: StepUnreadable, Status: StatusInvalid}},
		{"no file at all is unreadable", RepoFacts{},
			CrawlResult{}, CrawlDecision{Step: StepUnreadable, Status: StatusInvalid}},
		{"hidden by the operator: crawled, never listed", RepoFacts{Hidden: true},
			CrawlResult{File: listable}, CrawlDecision{Step: StepHidden, Status: StatusSkipped}},
		{"hidden but unreadable is unreadable", RepoFacts{Hidden: true},
			CrawlResult{File: &publiccode.File{}}, CrawlDecision{Step: StepUnreadable, Status: StatusInvalid}},
		{"a listable file is listed", RepoFacts{Status: StatusFailed, Failures: 2},
			CrawlResult{File: listable}, CrawlDecision{Step: StepList}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecideCrawl(tt.prev, tt.r); got != tt.want {
				t.Errorf("DecideCrawl = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// here is a Presence over two sets of canonical URLs.
type here struct{ crawled, gone map[string]bool }

func (h here) CrawledHere(c string) bool { return h.crawled[c] }
func (h here) GoneHere(c string) bool    { return h.gone[c] }

func TestListingRole_OriginMirrorForkAndMoved(t *testing.T) {
	const repo, other = "https://git.example.org/a/parkeren", "https://github.com/a/parkeren"
	tests := []struct {
		name          string
		fileURL       string
		crawled, gone []string
		want          RepoRole
		wantURL       string
	}{
		{"its own url", repo + ".git", nil, nil, RoleOrigin, repo},
		{"no url", "", nil, nil, RoleOrigin, repo},
		{"another repository not crawled here", other, nil, nil, RoleMirror, other},
		{"another repository crawled here", other, []string{other}, nil, RoleFork, other},
		{"another repository crawled here and gone", other, nil, []string{other}, RoleOrigin, other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := here{crawled: map[string]bool{}, gone: map[string]bool{}}
			for _, u := range tt.crawled {
				h.crawled[u] = true
			}
			for _, u := range tt.gone {
				h.gone[u] = true
			}
			role, swURL := ListingRole(repo, tt.fileURL, h)
			if role != tt.want || swURL != tt.wantURL {
				t.Errorf("ListingRole = %s %s, want %s %s", role, swURL, tt.want, tt.wantURL)
			}
		})
	}
}

func TestDecideListing_WhichFileWinsAndTheLastValidOneKept(t *testing.T) {
	// source is an entry this repository is the source of, with this very file.
	source := EntryFacts{SourceIsSelf: true, SameRaw: true, Valid: true, SourceCarries: true, SourceIsOrigin: true, CarriedBefore: true}
	with := func(f func(*EntryFacts)) *EntryFacts {
		e := source
		f(&e)
		return &e
	}
	tests := []struct {
		name  string
		facts ListingFacts
		want  ListingDecision
	}{
		{"a new file lists a new entry", ListingFacts{Role: RoleOrigin, Valid: true},
			ListingDecision{Status: StatusNew, Link: true, Create: true}},
		{"a new invalid file is listed, invalid", ListingFacts{Role: RoleOrigin},
			ListingDecision{Status: StatusInvalid, Link: true, Create: true}},
		{"a mirror lists an entry nobody else lists", ListingFacts{Role: RoleMirror, Valid: true, Read: true, Changed: true},
			ListingDecision{Status: StatusMirror, Link: true, Create: true}},
		{"a fork lists nothing", ListingFacts{Role: RoleFork, Valid: true, Entry: &source},
			ListingDecision{Status: StatusFork}},
		{"an invalid fork is invalid", ListingFacts{Role: RoleFork, Entry: &source},
			ListingDecision{Status: StatusInvalid}},
		{"the same file again changes nothing", ListingFacts{Role: RoleOrigin, Valid: true, Read: true, Entry: &source},
			ListingDecision{Status: StatusUnchanged, Link: true}},
		{"an updated file replaces the entry", ListingFacts{Role: RoleOrigin, Valid: true, Read: true, Changed: true,
			Entry: with(func(e *EntryFacts) { e.SameRaw = false })},
			ListingDecision{Status: StatusUpdated, Link: true, Replace: true}},
		{"a valid file that became invalid keeps its last valid content", ListingFacts{Role: RoleOrigin, Read: true, Changed: true,
			Entry: with(func(e *EntryFacts) { e.SameRaw = false })},
			ListingDecision{Status: StatusInvalid, Link: true}},
		{"an invalid file replaces an invalid entry", ListingFacts{Role: RoleOrigin, Read: true, Changed: true,
			Entry: with(func(e *EntryFacts) { e.SameRaw, e.Valid = false, false })},
			ListingDecision{Status: StatusInvalid, Link: true, Replace: true}},
		{"a mirror does not replace the origin's content", ListingFacts{Role: RoleMirror, Valid: true, Read: true, Changed: true,
			Entry: with(func(e *EntryFacts) { e.SourceIsSelf, e.SameRaw, e.CarriedBefore = false, false, true })},
			ListingDecision{Status: StatusMirror, Link: true}},
		{"a mirror newly carrying an entry touches it", ListingFacts{Role: RoleMirror, Valid: true,
			Entry: with(func(e *EntryFacts) { e.SourceIsSelf, e.SameRaw, e.CarriedBefore = false, false, false })},
			ListingDecision{Status: StatusMirror, Link: true, Touch: true}},
		{"the origin takes over from a mirror", ListingFacts{Role: RoleOrigin, Valid: true,
			Entry: with(func(e *EntryFacts) {
				e.SourceIsSelf, e.SameRaw, e.SourceIsOrigin, e.CarriedBefore = false, false, false, false
			})},
			ListingDecision{Status: StatusNew, Link: true, Replace: true}},
		{"the origin with the mirror's very file takes over too", ListingFacts{Role: RoleOrigin, Valid: true,
			Entry: with(func(e *EntryFacts) { e.SourceIsSelf, e.SourceIsOrigin, e.CarriedBefore = false, false, false })},
			ListingDecision{Status: StatusNew, Link: true, Replace: true}},
		{"a second origin does not take over from the origin", ListingFacts{Role: RoleOrigin, Valid: true,
			Entry: with(func(e *EntryFacts) { e.SourceIsSelf, e.SameRaw, e.CarriedBefore = false, false, false })},
			ListingDecision{Status: StatusNew, Link: true, Touch: true}},
		{"a mirror takes over from a source that no longer carries it", ListingFacts{Role: RoleMirror, Valid: true,
			Entry: with(func(e *EntryFacts) {
				e.SourceIsSelf, e.SameRaw, e.SourceCarries, e.CarriedBefore = false, false, false, false
			})},
			ListingDecision{Status: StatusMirror, Link: true, Replace: true}},
		{"a hidden entry is shown again with the new file", ListingFacts{Role: RoleOrigin, Valid: true, Read: true, Changed: true,
			Entry: with(func(e *EntryFacts) { e.SourceIsSelf, e.SameRaw, e.Hidden, e.CarriedBefore = false, false, true, false })},
			ListingDecision{Status: StatusUpdated, Link: true, Replace: true}},
		{"a hidden entry is shown again with its content when this one is the same", ListingFacts{Role: RoleOrigin, Valid: true, Read: true,
			Entry: with(func(e *EntryFacts) { e.Hidden, e.CarriedBefore = true, false })},
			ListingDecision{Status: StatusUnchanged, Link: true, Unhide: true}},
		{"a hidden valid entry is shown, keeping its valid content, for an invalid file", ListingFacts{Role: RoleOrigin, Read: true, Changed: true,
			Entry: with(func(e *EntryFacts) { e.SameRaw, e.Hidden = false, true })},
			ListingDecision{Status: StatusInvalid, Link: true, Unhide: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecideListing(tt.facts)
			if got != tt.want {
				t.Errorf("DecideListing = %+v, want %+v", got, tt.want)
			}
			if got.Changed() != (tt.want.Create || tt.want.Replace || tt.want.Unhide || tt.want.Touch) {
				t.Errorf("Changed = %v for %+v", got.Changed(), got)
			}
		})
	}
}

func TestSuccessor_TheOriginFirstThenTheFirstCrawled(t *testing.T) {
	tests := []struct {
		name     string
		carriers []Carrier
		want     Carrier
		found    bool
	}{
		{"none left", nil, Carrier{}, false},
		{"one mirror", []Carrier{{7, RoleMirror}}, Carrier{7, RoleMirror}, true},
		{"the first crawled of mirrors", []Carrier{{9, RoleMirror}, {4, RoleMirror}, {6, RoleMirror}}, Carrier{4, RoleMirror}, true},
		{"the origin over an older mirror", []Carrier{{2, RoleMirror}, {8, RoleOrigin}, {1, RoleMirror}}, Carrier{8, RoleOrigin}, true},
		{"the first crawled of origins", []Carrier{{8, RoleOrigin}, {2, RoleMirror}, {5, RoleOrigin}}, Carrier{5, RoleOrigin}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := Successor(tt.carriers)
			if got != tt.want || found != tt.found {
				t.Errorf("Successor = %+v %v, want %+v %v", got, found, tt.want, tt.found)
			}
		})
	}
}
