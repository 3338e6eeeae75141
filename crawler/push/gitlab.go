package push

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
)

// gitlab reads GitLab's deliveries: the event in X-Gitlab-Event ("Push Hook",
// "Tag Push Hook"), the ID in Idempotency-Key (kept across retries) or
// X-Gitlab-Event-UUID, and the secret token itself in X-Gitlab-Token: GitLab does
// not sign bodies.
type gitlab struct{}

type gitlabPayload struct {
	ObjectKind string `json:"object_kind"`
	Ref        string `json:"ref"`
	After      string `json:"after"`
	Project    *struct {
		WebURL        string `json:"web_url"`
		GitHTTPURL    string `json:"git_http_url"`
		DefaultBranch string `json:"default_branch"`
	} `json:"project"`
	Repository *struct {
		Homepage   string `json:"homepage"`
		GitHTTPURL string `json:"git_http_url"`
	} `json:"repository"`
}

// zeroSHA is the "after" of a push that deleted its branch.
const zeroSHA = "0000000000000000000000000000000000000000"

func (gitlab) Signed(h http.Header) bool { return h.Get("X-Gitlab-Token") != "" }

func (gitlab) Verify(h http.Header, _ []byte, secret string) bool {
	got := h.Get("X-Gitlab-Token")
	return secret != "" && subtle.ConstantTimeCompare([]byte(got), []byte(secret)) == 1
}

func (gitlab) Parse(h http.Header, body []byte) (Delivery, error) {
	d := Delivery{Forge: "gitlab", ID: h.Get("Idempotency-Key"), Event: h.Get("X-Gitlab-Event")}
	if d.ID == "" {
		d.ID = h.Get("X-Gitlab-Event-UUID")
	}
	var p gitlabPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return d, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if pr := p.Project; pr != nil {
		d.Repositories = nonEmpty(pr.WebURL, pr.GitHTTPURL)
		d.DefaultBranch = pr.DefaultBranch
	}
	if r := p.Repository; r != nil && len(d.Repositories) == 0 {
		d.Repositories = nonEmpty(r.Homepage, r.GitHTTPURL)
	}
	d.Push = p.ObjectKind == "push" || p.ObjectKind == "tag_push"
	if d.Push {
		if len(d.Repositories) == 0 {
			return d, fmt.Errorf("%w: a push without its project", ErrMalformed)
		}
		if b := branchOf(p.Ref); b != "" && p.After != zeroSHA {
			d.Branches, d.Head = []string{b}, p.After
		}
	}
	return d, nil
}
