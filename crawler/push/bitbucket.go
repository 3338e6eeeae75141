package push

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// bitbucket reads Bitbucket Cloud's deliveries: the event in X-Event-Key
// ("repo:push"), the ID in X-Request-UUID, and X-Hub-Signature, the HMAC-SHA256
// of the body as "sha256=HEX". The branches a push moved are its changes' `new`
// refs of type "branch". The repository object of a webhook payload (the
// documented "common entity") does not carry the repository's main branch,
// which only the API's repository object has, as `mainbranch`: it is read when
// present, and otherwise the receiver compares with the branch the catalogue
// last crawled.
type bitbucket struct{}

type bitbucketRef struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Target struct {
		Hash string `json:"hash"`
	} `json:"target"`
}

type bitbucketPayload struct {
	Repository *struct {
		FullName   string `json:"full_name"`
		MainBranch *struct {
			Name string `json:"name"`
		} `json:"mainbranch"`
		Links struct {
			HTML struct {
				Href string `json:"href"`
			} `json:"html"`
		} `json:"links"`
	} `json:"repository"`
	Push *struct {
		Changes []struct {
			New *bitbucketRef `json:"new"`
		} `json:"changes"`
	} `json:"push"`
}

func (bitbucket) Signed(h http.Header) bool { return h.Get("X-Hub-Signature") != "" }

func (bitbucket) Verify(h http.Header, body []byte, secret string) bool {
	return signedWith(h.Get("X-Hub-Signature"), "sha256=", secret, body)
}

func (bitbucket) Parse(h http.Header, body []byte) (Delivery, error) {
	d := Delivery{Forge: "bitbucket", ID: h.Get("X-Request-UUID"), Event: h.Get("X-Event-Key")}
	var p bitbucketPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return d, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if r := p.Repository; r != nil {
		d.Repositories = nonEmpty(r.Links.HTML.Href)
		if len(d.Repositories) == 0 && r.FullName != "" {
			d.Repositories = []string{"https://bitbucket.org/" + r.FullName}
		}
		if r.MainBranch != nil {
			d.DefaultBranch = r.MainBranch.Name
		}
	}
	d.Push = d.Event == "repo:push"
	if d.Push {
		if len(d.Repositories) == 0 || p.Push == nil {
			return d, fmt.Errorf("%w: a push without its repository or changes", ErrMalformed)
		}
		for _, c := range p.Push.Changes {
			if c.New != nil && c.New.Type == "branch" && c.New.Name != "" {
				d.Branches = append(d.Branches, c.New.Name)
				if d.Head == "" {
					d.Head = c.New.Target.Hash
				}
			}
		}
	}
	return d, nil
}
