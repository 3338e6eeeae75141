package push

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// gitea reads Gitea's deliveries (X-Gitea-Event, X-Gitea-Delivery and
// X-Gitea-Signature, the hex HMAC-SHA256 of the body) and Forgejo's, which
// share the payload and carry the same headers named X-Forgejo-*.
type gitea struct {
	name, signature, event, delivery string
}

type giteaPayload struct {
	Ref        string `json:"ref"`
	After      string `json:"after"`
	Repository *struct {
		HTMLURL       string `json:"html_url"`
		CloneURL      string `json:"clone_url"`
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

func (g gitea) Signed(h http.Header) bool { return h.Get(g.signature) != "" }

func (g gitea) Verify(h http.Header, body []byte, secret string) bool {
	return signedWith(h.Get(g.signature), "", secret, body)
}

func (g gitea) Parse(h http.Header, body []byte) (Delivery, error) {
	d := Delivery{Forge: g.name, ID: h.Get(g.delivery), Event: h.Get(g.event)}
	var p giteaPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return d, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if r := p.Repository; r != nil {
		d.Repositories = nonEmpty(r.HTMLURL, r.CloneURL)
		d.DefaultBranch = r.DefaultBranch
	}
	d.Push = d.Event == "push"
	if d.Push {
		if len(d.Repositories) == 0 {
			return d, fmt.Errorf("%w: a push without its repository", ErrMalformed)
		}
		if b := branchOf(p.Ref); b != "" && p.After != zeroSHA {
			d.Branches, d.Head = []string{b}, p.After
		}
	}
	return d, nil
}
