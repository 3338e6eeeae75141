package push

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// github reads GitHub's (and GitHub Enterprise's) deliveries: the event in
// X-GitHub-Event, the ID in X-GitHub-Delivery, and X-Hub-Signature-256, the
// HMAC-SHA256 of the body as "sha256=HEX".
type github struct{}

type githubPayload struct {
	Ref        string `json:"ref"`
	After      string `json:"after"`
	Deleted    bool   `json:"deleted"`
	Repository *struct {
		HTMLURL       string `json:"html_url"`
		CloneURL      string `json:"clone_url"`
		DefaultBranch string `json:"default_branch"`
		MasterBranch  string `json:"master_branch"`
	} `json:"repository"`
	Organization *struct {
		Login string `json:"login"`
		URL   string `json:"url"`
	} `json:"organization"`
}

func (github) Signed(h http.Header) bool { return h.Get("X-Hub-Signature-256") != "" }

func (github) Verify(h http.Header, body []byte, secret string) bool {
	return signedWith(h.Get("X-Hub-Signature-256"), "sha256=", secret, body)
}

func (github) Parse(h http.Header, body []byte) (Delivery, error) {
	d := Delivery{Forge: "github", ID: h.Get("X-GitHub-Delivery"), Event: h.Get("X-GitHub-Event")}
	var p githubPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return d, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if r := p.Repository; r != nil {
		d.Repositories = nonEmpty(r.HTMLURL, r.CloneURL)
		d.DefaultBranch = r.DefaultBranch
		if d.DefaultBranch == "" {
			d.DefaultBranch = r.MasterBranch
		}
	}
	if o := p.Organization; o != nil && o.Login != "" {
		d.Namespace = githubOrgPage(o.URL, o.Login)
	}
	d.Push = d.Event == "push"
	if d.Push {
		if len(d.Repositories) == 0 {
			return d, fmt.Errorf("%w: a push without its repository", ErrMalformed)
		}
		if b := branchOf(p.Ref); b != "" && !p.Deleted {
			d.Branches, d.Head = []string{b}, p.After
		}
	}
	return d, nil
}

// githubOrgPage turns an organisation's API URL (api.github.com, or a GitHub
// Enterprise server's /api/v3) into its web page.
func githubOrgPage(apiURL, login string) string {
	u, err := url.Parse(apiURL)
	if err != nil || u.Host == "" {
		return ""
	}
	host := u.Host
	if host == "api.github.com" {
		host = "github.com"
	}
	return u.Scheme + "://" + host + "/" + login
}
