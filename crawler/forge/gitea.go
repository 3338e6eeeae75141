package forge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// Gitea lists repositories through the Gitea API, which Forgejo shares.
type Gitea struct {
	Client *http.Client
	// PageSize is the limit asked per page (default 50, Gitea's usual maximum).
	PageSize int
	// MaxPages stops a listing that never ends (default 1,000 pages).
	MaxPages int
}

type giteaRepo struct {
	CloneURL      string `json:"clone_url"`
	HTMLURL       string `json:"html_url"`
	DefaultBranch string `json:"default_branch"`
	Private       bool   `json:"private"`
	Empty         bool   `json:"empty"`
	Archived      bool   `json:"archived"`
	Fork          bool   `json:"fork"`
}

// List returns the repositories of the organisation or user at groupURL, asking
// /api/v1/orgs/{owner}/repos first and /api/v1/users/{owner}/repos when the owner
// is not an organisation.
func (g Gitea) List(ctx context.Context, groupURL string) ([]Repo, error) {
	base, owner, err := splitOwner(groupURL)
	if err != nil {
		return nil, err
	}
	repos, err := g.list(ctx, base+"/api/v1/orgs/"+url.PathEscape(owner)+"/repos")
	if err == ErrNotFound {
		repos, err = g.list(ctx, base+"/api/v1/users/"+url.PathEscape(owner)+"/repos")
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", groupURL, err)
	}
	return repos, nil
}

func (g Gitea) list(ctx context.Context, endpoint string) ([]Repo, error) {
	size := g.PageSize
	if size <= 0 {
		size = 50
	}
	maxPages := g.MaxPages
	if maxPages <= 0 {
		maxPages = 1000
	}
	var out []Repo
	for page := 1; page <= maxPages; page++ {
		u := endpoint + "?page=" + strconv.Itoa(page) + "&limit=" + strconv.Itoa(size)
		batch, err := g.page(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, r := range batch {
			out = append(out, Repo{CloneURL: r.CloneURL, WebURL: r.HTMLURL, DefaultBranch: r.DefaultBranch,
				Private: r.Private, Empty: r.Empty, Archived: r.Archived, Fork: r.Fork})
		}
		if len(batch) < size {
			return out, nil
		}
	}
	return nil, fmt.Errorf("more than %d pages: stopped", maxPages)
}

func (g Gitea) page(ctx context.Context, u string) ([]giteaRepo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := g.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, ErrNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{URL: u, Status: resp.StatusCode}
	}
	body, err := safehttp.ReadAll(resp.Body, 16<<20)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	var batch []giteaRepo
	if err := json.Unmarshal(body, &batch); err != nil {
		return nil, fmt.Errorf("GET %s: the answer is not a Gitea repository list: %w", u, err)
	}
	return batch, nil
}
