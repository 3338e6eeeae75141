// Package push takes the push webhooks forges send (GitHub, GitLab, Gitea,
// Forgejo, Bitbucket Cloud): it checks each delivery the forge's own way, and
// turns a push to a crawled repository's default branch into a crawl queued
// ahead of the schedule, so that a fixed publiccode.yml shows within a minute.
package push

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// Delivery is what the catalogue reads of one webhook delivery.
type Delivery struct {
	Forge string
	// ID is the forge's delivery ID (empty when it sends none).
	ID    string
	Event string
	// Push is true for an event that moved refs (a push, a tag push).
	Push bool
	// Repositories are the URLs naming the repository (web page, clone URL).
	Repositories []string
	// Namespace is the organisation or group of an event without a repository
	// (a GitHub organisation hook's ping).
	Namespace string
	// Branches are the branches the push moved (none for a tag push).
	Branches []string
	// DefaultBranch is the repository's default branch, when the forge says
	// (when it does not, the branch the catalogue last crawled is taken).
	DefaultBranch string
	// Head is the pushed commit (of the first branch moved; the crawl reads
	// the default branch's own).
	Head string
}

// Forge reads and checks one forge's deliveries.
type Forge interface {
	// Verify reports whether the delivery carries secret's signature (or token).
	Verify(h http.Header, body []byte, secret string) bool
	// Signed reports whether the delivery carries a signature at all.
	Signed(h http.Header) bool
	// Parse reads the delivery; a body that is not the forge's JSON is an error.
	Parse(h http.Header, body []byte) (Delivery, error)
}

// Forges are the forges whose webhooks are taken, by the name in their endpoint
// (/hooks/NAME).
var Forges = map[string]Forge{
	"github":    github{},
	"gitlab":    gitlab{},
	"gitea":     gitea{signature: "X-Gitea-Signature", event: "X-Gitea-Event", delivery: "X-Gitea-Delivery", name: "gitea"},
	"forgejo":   gitea{signature: "X-Forgejo-Signature", event: "X-Forgejo-Event", delivery: "X-Forgejo-Delivery", name: "forgejo"},
	"bitbucket": bitbucket{},
}

// ErrMalformed is a delivery whose body the forge's documentation does not describe.
var ErrMalformed = errors.New("the delivery is not a webhook payload of this forge")

// hmacHex is the hex HMAC-SHA256 of body under secret.
func hmacHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// signedWith reports whether got (hex, after prefix) is body's HMAC under secret.
func signedWith(got, prefix, secret string, body []byte) bool {
	if secret == "" {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(got), prefix)
	if !ok {
		return false
	}
	want := hmacHex(secret, body)
	return hmac.Equal([]byte(strings.ToLower(hexSig)), []byte(want))
}

// branchOf is the branch a ref names ("" for tags and other refs).
func branchOf(ref string) string {
	b, _ := strings.CutPrefix(ref, "refs/heads/")
	if b == ref {
		return ""
	}
	return b
}

func nonEmpty(in ...string) []string {
	var out []string
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
