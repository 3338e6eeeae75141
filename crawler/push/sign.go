package push

import (
	"fmt"
	"net/http"
)

// Headers are the headers forgeName would send with a push delivery of body
// signed with secret (for `oscat bench push`, and for testing a receiver):
// each forge's event, delivery ID and signature (or token) headers.
func Headers(forgeName, id string, body []byte, secret string) (http.Header, error) {
	h := http.Header{"Content-Type": {"application/json"}}
	sig := hmacHex(secret, body)
	switch forgeName {
	case "github":
		h.Set("X-GitHub-Event", "push")
		h.Set("X-GitHub-Delivery", id)
		h.Set("X-Hub-Signature-256", "sha256="+sig)
	case "gitlab":
		h.Set("X-Gitlab-Event", "Push Hook")
		h.Set("X-Gitlab-Event-UUID", id)
		h.Set("X-Gitlab-Token", secret)
	case "gitea":
		h.Set("X-Gitea-Event", "push")
		h.Set("X-Gitea-Delivery", id)
		h.Set("X-Gitea-Signature", sig)
	case "forgejo":
		h.Set("X-Forgejo-Event", "push")
		h.Set("X-Forgejo-Delivery", id)
		h.Set("X-Forgejo-Signature", sig)
	case "bitbucket":
		h.Set("X-Event-Key", "repo:push")
		h.Set("X-Request-UUID", id)
		h.Set("X-Hub-Signature", "sha256="+sig)
	default:
		return nil, fmt.Errorf("webhook headers of %q: %w", forgeName, ErrUnknownForge)
	}
	return h, nil
}
