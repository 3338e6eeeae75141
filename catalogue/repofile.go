package catalogue

// RepoFile is one publiccode file a crawl found in a repository, with what
// became of it. Besides the root's, files in subfolders are read (see the
// crawler's monorepo rules): each with a url of its own is a software of its own,
// carried by an app entry whose URL names the repository's folder.
type RepoFile struct {
	Path string `json:"path"`
	// Entry is the canonical URL of the repository entry that carries the file:
	// the repository's for the root file, the app's for a subfolder's; empty when
	// the file was not listed (a duplicate).
	Entry   string     `json:"entry,omitempty"`
	Outcome RepoStatus `json:"outcome"`
	Reason  string     `json:"reason,omitempty"`
}

// StatusDuplicate is the outcome of a file describing the same software as a
// shallower file of its repository: the shallowest wins.
const StatusDuplicate RepoStatus = "duplicate"
