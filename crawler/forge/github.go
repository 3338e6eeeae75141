package forge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// GitHub lists an organisation's or a user's repositories through the REST API
// (v3), following Link headers. github.com's API is api.github.com; GitHub
// Enterprise Server's is https://HOST/api/v3 unless Client.APIBase says otherwise.
type GitHub struct {
	Client *Client
}

type githubRepo struct {
	CloneURL      string   `json:"clone_url"`
	HTMLURL       string   `json:"html_url"`
	DefaultBranch string   `json:"default_branch"`
	Private       bool     `json:"private"`
	Archived      bool     `json:"archived"`
	Fork          bool     `json:"fork"`
	Description   string   `json:"description"`
	Topics        []string `json:"topics"`
	// Parent is only in a single repository's answer, not in listings; kept in
	// case a forge adds it.
	Parent *struct {
		CloneURL string `json:"clone_url"`
	} `json:"parent"`
}

// List implements Lister: /orgs/{owner}/repos?type=public, or /users/{owner}/repos
// when the owner is not an organisation.
func (g GitHub) List(ctx context.Context, groupURL string, fn PageFunc) error {
	base, host, owner, err := splitGroup(groupURL)
	if err != nil {
		return err
	}
	api := base + "/api/v3"
	if host == "github.com" {
		api = "https://api.github.com"
	}
	api = g.Client.apiBase(host, api)
	o := url.PathEscape(owner)
	err = g.Client.paginate(ctx, api+"/orgs/"+o+"/repos?type=public&per_page=100", "Bearer", parseGitHub, fn)
	if errors.Is(err, ErrNotFound) {
		err = g.Client.paginate(ctx, api+"/users/"+o+"/repos?type=owner&per_page=100", "Bearer", parseGitHub, fn)
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", groupURL, err)
	}
	return nil
}

func parseGitHub(body []byte, h http.Header) (page, error) {
	var list []githubRepo
	if err := json.Unmarshal(body, &list); err != nil {
		return page{}, fmt.Errorf("the answer is not a GitHub repository list: %w", err)
	}
	p := page{next: nextLink(h)}
	for _, r := range list {
		// GitHub reports no "empty" flag, and its size is too coarse to tell: the
		// fetch finds out (an empty repository advertises no refs).
		repo := Repo{CloneURL: r.CloneURL, WebURL: r.HTMLURL, DefaultBranch: r.DefaultBranch, Private: r.Private,
			Archived: r.Archived, Fork: r.Fork, Description: r.Description, Topics: r.Topics}
		if r.Parent != nil {
			repo.Parent = r.Parent.CloneURL
		}
		p.repos = append(p.repos, repo)
	}
	return p, nil
}
