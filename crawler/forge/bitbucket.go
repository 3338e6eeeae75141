package forge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Bitbucket lists a Bitbucket Cloud workspace's repositories through the 2.0 API
// (api.bitbucket.org), following the "next" URL of each page.
type Bitbucket struct {
	Client *Client
}

type bitbucketLink struct {
	Href string `json:"href"`
	Name string `json:"name"`
}

type bitbucketRepo struct {
	IsPrivate   bool   `json:"is_private"`
	Description string `json:"description"`
	Mainbranch  *struct {
		Name string `json:"name"`
	} `json:"mainbranch"`
	Links struct {
		HTML  bitbucketLink   `json:"html"`
		Clone []bitbucketLink `json:"clone"`
	} `json:"links"`
	Parent *struct {
		Links struct {
			HTML  bitbucketLink   `json:"html"`
			Clone []bitbucketLink `json:"clone"`
		} `json:"links"`
	} `json:"parent"`
}

// List implements Lister.
func (b Bitbucket) List(ctx context.Context, groupURL string, fn PageFunc) error {
	base, owner, err := splitOwner(groupURL)
	if err != nil {
		return err
	}
	host := HostOf(groupURL)
	api := base + "/2.0"
	if host == "bitbucket.org" {
		api = "https://api.bitbucket.org/2.0"
	}
	api = b.Client.apiBase(host, api)
	err = b.Client.paginate(ctx, api+"/repositories/"+url.PathEscape(owner)+"?pagelen=100", "Bearer", parseBitbucket, fn)
	if err != nil {
		return fmt.Errorf("list %s: %w", groupURL, err)
	}
	return nil
}

func httpsClone(links []bitbucketLink, html string) string {
	for _, l := range links {
		if l.Name == "https" {
			return l.Href
		}
	}
	if html != "" {
		return html + ".git"
	}
	return ""
}

func parseBitbucket(body []byte, _ http.Header) (page, error) {
	var pg struct {
		Next   string          `json:"next"`
		Values []bitbucketRepo `json:"values"`
	}
	if err := json.Unmarshal(body, &pg); err != nil {
		return page{}, fmt.Errorf("the answer is not a Bitbucket repository page: %w", err)
	}
	p := page{next: pg.Next}
	for _, r := range pg.Values {
		repo := Repo{CloneURL: httpsClone(r.Links.Clone, r.Links.HTML.Href), WebURL: r.Links.HTML.Href, Private: r.IsPrivate,
			Empty: r.Mainbranch == nil, Fork: r.Parent != nil, Description: r.Description}
		if r.Mainbranch != nil {
			repo.DefaultBranch = r.Mainbranch.Name
		}
		if r.Parent != nil {
			repo.Parent = httpsClone(r.Parent.Links.Clone, r.Parent.Links.HTML.Href)
		}
		p.repos = append(p.repos, repo)
	}
	return p, nil
}
