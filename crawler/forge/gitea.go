package forge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Gitea lists repositories through the Gitea API, which Forgejo shares.
type Gitea struct {
	Client *Client
	// PageSize is the limit asked per page (default 50, Gitea's usual maximum).
	PageSize int
}

type giteaRepo struct {
	CloneURL      string   `json:"clone_url"`
	HTMLURL       string   `json:"html_url"`
	DefaultBranch string   `json:"default_branch"`
	Private       bool     `json:"private"`
	Empty         bool     `json:"empty"`
	Archived      bool     `json:"archived"`
	Fork          bool     `json:"fork"`
	Description   string   `json:"description"`
	Topics        []string `json:"topics"`
	Parent        *struct {
		CloneURL string `json:"clone_url"`
	} `json:"parent"`
}

// List implements Lister: /api/v1/orgs/{owner}/repos, or /api/v1/users/{owner}/repos
// when the owner is not an organisation. Pages follow the Link header.
func (g Gitea) List(ctx context.Context, groupURL string, fn PageFunc) error {
	base, owner, err := splitOwner(groupURL)
	if err != nil {
		return err
	}
	size := g.PageSize
	if size <= 0 {
		size = 50
	}
	api := g.Client.apiBase(HostOf(groupURL), base+"/api/v1")
	q := fmt.Sprintf("/repos?page=1&limit=%d", size)
	err = g.Client.paginate(ctx, api+"/orgs/"+url.PathEscape(owner)+q, "token", parseGitea, fn)
	if errors.Is(err, ErrNotFound) {
		err = g.Client.paginate(ctx, api+"/users/"+url.PathEscape(owner)+q, "token", parseGitea, fn)
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", groupURL, err)
	}
	return nil
}

func parseGitea(body []byte, h http.Header) (page, error) {
	var list []giteaRepo
	if err := json.Unmarshal(body, &list); err != nil {
		return page{}, fmt.Errorf("the answer is not a Gitea repository list: %w", err)
	}
	p := page{next: nextLink(h)}
	for _, r := range list {
		repo := Repo{CloneURL: r.CloneURL, WebURL: r.HTMLURL, DefaultBranch: r.DefaultBranch,
			Private: r.Private, Empty: r.Empty, Archived: r.Archived, Fork: r.Fork, Description: r.Description, Topics: r.Topics}
		if r.Parent != nil {
			repo.Parent = r.Parent.CloneURL
		}
		p.repos = append(p.repos, repo)
	}
	return p, nil
}
