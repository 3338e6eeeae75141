package forge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// Organisation is what a forge says about an organisation's identity.
type Organisation struct {
	Login string
	// Verified is the forge's word that the organisation proved it owns a domain;
	// Domains are the domains its profile names (website, e-mail).
	Verified bool
	Domains  []string
}

// Organisation asks GitHub's REST API about an organisation: GET /orgs/{owner}.
// GitHub marks an organisation that verified a domain is_verified; the verified
// domain is shown on its profile, and the REST API gives the profile's website
// and e-mail, so their domains are the candidates.
func (g GitHub) Organisation(ctx context.Context, groupURL string) (Organisation, error) {
	base, host, owner, err := splitGroup(groupURL)
	if err != nil {
		return Organisation{}, err
	}
	api := base + "/api/v3"
	if host == "github.com" {
		api = "https://api.github.com"
	}
	api = g.Client.apiBase(host, api)
	u := api + "/orgs/" + url.PathEscape(owner)
	var body struct {
		Login      string `json:"login"`
		IsVerified bool   `json:"is_verified"`
		Blog       string `json:"blog"`
		Email      string `json:"email"`
	}
	if err := g.Client.getJSON(ctx, u, "Bearer", &body); err != nil {
		return Organisation{}, err
	}
	o := Organisation{Login: body.Login, Verified: body.IsVerified}
	if b := strings.TrimSpace(body.Blog); b != "" {
		if !strings.Contains(b, "://") {
			b = "https://" + b
		}
		if pu, err := url.Parse(b); err == nil && pu.Hostname() != "" {
			o.Domains = append(o.Domains, strings.ToLower(strings.TrimPrefix(pu.Hostname(), "www.")))
		}
	}
	if i := strings.LastIndexByte(body.Email, '@'); i >= 0 {
		o.Domains = append(o.Domains, strings.ToLower(body.Email[i+1:]))
	}
	return o, nil
}

// getJSON fetches one JSON document from a forge's API with the host's token.
func (c *Client) getJSON(ctx context.Context, u, scheme string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	host := HostOf(u)
	if tok := c.Tokens[host]; tok != "" {
		req.Header.Set("Authorization", scheme+" "+tok)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if c.Observer != nil {
		c.Observer.Request(host, resp.StatusCode)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return ErrNotFound
	default:
		return &StatusError{URL: u, Status: resp.StatusCode}
	}
	b, err := safehttp.ReadAll(resp.Body, 1<<20)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("GET %s: the answer is not the JSON expected: %w", u, err)
	}
	return nil
}
