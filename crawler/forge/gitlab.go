package forge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// GitLab lists a group's projects, its subgroups' included, through /api/v4 (on
// gitlab.com or a self-hosted instance), or a user's projects.
type GitLab struct {
	Client *Client
}

type gitlabProject struct {
	HTTPURLToRepo     string   `json:"http_url_to_repo"`
	WebURL            string   `json:"web_url"`
	DefaultBranch     *string  `json:"default_branch"`
	Visibility        string   `json:"visibility"`
	Archived          bool     `json:"archived"`
	EmptyRepo         bool     `json:"empty_repo"`
	Description       *string  `json:"description"`
	Topics            []string `json:"topics"`
	ForkedFromProject *struct {
		HTTPURLToRepo string `json:"http_url_to_repo"`
	} `json:"forked_from_project"`
}

// List implements Lister.
func (g GitLab) List(ctx context.Context, groupURL string, fn PageFunc) error {
	base, host, path, err := splitGroup(groupURL)
	if err != nil {
		return err
	}
	api := g.Client.apiBase(host, base+"/api/v4")
	id := url.PathEscape(path) // "city/parking" → "city%2Fparking"
	err = g.Client.paginate(ctx, api+"/groups/"+id+"/projects?include_subgroups=true&with_shared=false&per_page=100&order_by=id&sort=asc", "Bearer", parseGitLab, fn)
	if errors.Is(err, ErrNotFound) && !strings.Contains(path, "/") {
		err = g.Client.paginate(ctx, api+"/users/"+id+"/projects?per_page=100&order_by=id&sort=asc", "Bearer", parseGitLab, fn)
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", groupURL, err)
	}
	return nil
}

func parseGitLab(body []byte, h http.Header) (page, error) {
	var list []gitlabProject
	if err := json.Unmarshal(body, &list); err != nil {
		return page{}, fmt.Errorf("the answer is not a GitLab project list: %w", err)
	}
	p := page{next: nextLink(h)}
	for _, r := range list {
		repo := Repo{CloneURL: r.HTTPURLToRepo, WebURL: r.WebURL, Private: r.Visibility != "" && r.Visibility != "public",
			Archived: r.Archived, Empty: r.EmptyRepo, Fork: r.ForkedFromProject != nil, Topics: r.Topics}
		if r.Description != nil {
			repo.Description = *r.Description
		}
		if r.DefaultBranch != nil {
			repo.DefaultBranch = *r.DefaultBranch
		}
		if r.ForkedFromProject != nil {
			repo.Parent = r.ForkedFromProject.HTTPURLToRepo
		}
		p.repos = append(p.repos, repo)
	}
	return p, nil
}
