package catalogue

// The listing policy: what a crawl result does to a repository and to the
// software entry its publiccode.yml names. The store gathers the facts (what it
// knew of the repository, whether other repositories are crawled here), asks
// these functions, and applies the decision they return in its transaction.
//
// The rules, in short:
//   - a failed crawl keeps what was listed until the repository failed GoneAfter
//     times in a row; then it is gone, and the software it carried loses it;
//   - a crawl that read nothing for reasons not the repository's (over the cap,
//     skipped) or found nothing new keeps everything;
//   - a listable file (it parses and has a name) is listed, valid or not; an
//     unreadable one keeps what the repository listed before;
//   - a file whose url names another repository crawled here is a fork (it lists
//     nothing); one whose url names a repository not crawled here is a mirror of
//     that software, unless that repository was crawled here and is gone: then
//     this one is where it moved, its origin;
//   - the repository whose file wins is the entry's source: its current source
//     while that one still carries it, else the origin over a mirror; a file that
//     was valid and became invalid keeps its last valid content listed;
//   - a software entry no repository carries is hidden, unless a fork of it can
//     carry it or a peer lists it.

// RepoFacts is what the store knew about a repository before a crawl result.
type RepoFacts struct {
	Status   RepoStatus
	Role     RepoRole
	Failures int
	// Hidden is set when the operator hid the repository.
	Hidden bool
	// Read is set when a file was read from it before (its raw hash is known).
	Read bool
	// ForkOfCrawled is, for a fork, whether the repository its file names is
	// still crawled here (and not gone).
	ForkOfCrawled bool
}

// CrawlStep is what a crawl result does to a repository.
type CrawlStep int

// The steps of DecideCrawl.
const (
	// StepFailed counts a failure; what was listed stays listed.
	StepFailed CrawlStep = iota + 1
	// StepGone marks the repository gone: it no longer carries its software.
	StepGone
	// StepReapply applies the repository's stored file again: a fork whose
	// upstream is no longer crawled now carries the software.
	StepReapply
	// StepUnchanged records a successful crawl that fetched nothing.
	StepUnchanged
	// StepKeep records a crawl that read nothing, not for the repository's fault.
	StepKeep
	// StepUnlist records that the repository has no publiccode.yml any more.
	StepUnlist
	// StepUnreadable keeps an unlistable file's findings; what was listed stays.
	StepUnreadable
	// StepHidden keeps the findings of a repository the operator hid.
	StepHidden
	// StepList lists or links the software a listable file names (see DecideListing).
	StepList
)

// CrawlDecision is DecideCrawl's verdict: the step, the repository's status
// after it (for StepReapply and StepList, DecideListing says), and its count of
// failed crawls in a row.
type CrawlDecision struct {
	Step     CrawlStep
	Status   RepoStatus
	Failures int
}

// DecideCrawl decides what crawl result r does to a repository the store knew as prev.
func DecideCrawl(prev RepoFacts, r CrawlResult) CrawlDecision {
	switch r.Outcome {
	case StatusFailed:
		failures := prev.Failures + 1
		if r.GoneAfter > 0 && failures >= r.GoneAfter {
			return CrawlDecision{Step: StepGone, Status: StatusGone, Failures: failures}
		}
		return CrawlDecision{Step: StepFailed, Status: StatusFailed, Failures: failures}
	case StatusUnchanged:
		if prev.Role == RoleFork && !prev.Hidden && !prev.ForkOfCrawled {
			// A fork of a repository no longer crawled (moved away, gone): its
			// file, unchanged, now carries the software.
			return CrawlDecision{Step: StepReapply}
		}
		return CrawlDecision{Step: StepUnchanged, Status: unchangedStatus(prev.Status)}
	case StatusOverCap, StatusSkipped:
		return CrawlDecision{Step: StepKeep, Status: r.Outcome}
	case StatusNoPubliccode:
		return CrawlDecision{Step: StepUnlist, Status: StatusNoPubliccode}
	}
	switch {
	case !r.File.Listable():
		return CrawlDecision{Step: StepUnreadable, Status: StatusInvalid}
	case prev.Hidden:
		return CrawlDecision{Step: StepHidden, Status: StatusSkipped}
	}
	return CrawlDecision{Step: StepList}
}

// unchangedStatus is a repository's status after a crawl that fetched nothing:
// a transient status becomes "unchanged", a lasting one (invalid, fork,
// mirror…) stays.
func unchangedStatus(st RepoStatus) RepoStatus {
	switch st {
	case StatusNew, StatusUpdated, StatusPending, StatusFailed, StatusGone, "":
		return StatusUnchanged
	}
	return st
}

// Presence answers, for the listing policy, what is crawled here. Both take a
// canonical URL.
type Presence interface {
	// CrawledHere reports whether a repository other than the one being
	// applied is crawled here at that URL and not gone.
	CrawledHere(canonical string) bool
	// GoneHere reports whether the repository at that URL was crawled here and is gone.
	GoneHere(canonical string) bool
}

// ListingRole is the role of a repository at repoURL whose listable file names
// fileURL, with the software URL it carries: a mirror of a repository that was
// crawled here and is gone is where that one moved, the software's origin.
func ListingRole(repoURL, fileURL string, here Presence) (RepoRole, string) {
	role, swURL := RoleOf(repoURL, fileURL, here.CrawledHere)
	if role == RoleMirror && here.GoneHere(swURL) {
		role = RoleOrigin
	}
	return role, swURL
}

// EntryFacts is what the store keeps of the software entry a file names.
type EntryFacts struct {
	// SourceIsSelf is set when the repository being applied is the entry's source.
	SourceIsSelf bool
	// SameRaw is set when the entry's content is this very file.
	SameRaw bool
	Valid   bool
	Hidden  bool
	// SourceCarries is set while the entry's source repository still carries it.
	SourceCarries bool
	// SourceIsOrigin is set when the entry's source repository is its origin.
	SourceIsOrigin bool
	// CarriedBefore is set when the repository being applied carried it before.
	CarriedBefore bool
}

// ListingFacts is what DecideListing needs about a listable file.
type ListingFacts struct {
	Role RepoRole // from ListingRole
	// Valid is set when the file has no finding of severity error.
	Valid bool
	// Read and Changed say whether a file was read from the repository before,
	// and whether this one differs from it.
	Read, Changed bool
	// Entry is the software entry the file names, nil when there is none yet.
	Entry *EntryFacts
}

// ListingDecision is what applying a listable file does.
type ListingDecision struct {
	// Status is the repository's status.
	Status RepoStatus
	// Link is set when the repository carries the software (a fork does not).
	Link bool
	// Create lists a new software entry with this file, this repository its source.
	Create bool
	// Replace gives the entry this file's content, this repository its source, and shows it.
	Replace bool
	// Unhide shows a hidden entry again, this repository its source, with the content it has.
	Unhide bool
	// Touch marks the entry changed: a new repository carries it (its
	// publishers and repositories changed).
	Touch bool
}

// Changed reports whether the entry changed, so that the change log says so.
func (d ListingDecision) Changed() bool { return d.Create || d.Replace || d.Unhide || d.Touch }

// DecideListing decides what a listable file does to the software it names.
func DecideListing(f ListingFacts) ListingDecision {
	var d ListingDecision
	switch {
	case f.Role == RoleFork:
		d.Status = StatusFork
	case f.Role == RoleMirror:
		d.Status = StatusMirror
	case !f.Read:
		d.Status = StatusNew
	case f.Changed:
		d.Status = StatusUpdated
	default:
		d.Status = StatusUnchanged
	}
	if f.Role != RoleFork {
		d.Link = true
		d.Create, d.Replace, d.Unhide, d.Touch = decideEntry(f)
	}
	if !f.Valid {
		d.Status = StatusInvalid
	}
	return d
}

// decideEntry decides which repository's file wins the entry.
func decideEntry(f ListingFacts) (create, replace, unhide, touch bool) {
	e := f.Entry
	if e == nil {
		return true, false, false, false
	}
	// This repository's file wins while it is the source, and takes over from a
	// source that no longer carries the entry, from a hidden entry, and (as its
	// origin) from a source that is a mirror.
	wins := e.SourceIsSelf || e.Hidden || !e.SourceCarries || (f.Role == RoleOrigin && !e.SourceIsOrigin)
	if wins {
		sameContent := e.SameRaw && e.SourceIsSelf
		// A file that was valid and became invalid keeps its last valid content listed.
		replace = !sameContent && (f.Valid || !e.Valid)
		unhide = !replace && e.Hidden
	}
	touch = !replace && !unhide && !e.CarriedBefore
	return false, replace, unhide, touch
}

// Carrier is a repository that carries a software entry.
type Carrier struct {
	Repository int64
	Role       RepoRole
}

// Successor is the repository whose file an entry takes when its source stopped
// carrying it: the origin first, then the first crawled; false when none is left.
func Successor(carriers []Carrier) (Carrier, bool) {
	var best Carrier
	found := false
	for _, c := range carriers {
		switch {
		case !found:
			best, found = c, true
		case (c.Role == RoleOrigin) != (best.Role == RoleOrigin):
			if c.Role == RoleOrigin {
				best = c
			}
		case c.Repository < best.Repository:
			best = c
		}
	}
	return best, found
}
