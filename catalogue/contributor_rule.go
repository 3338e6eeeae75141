package catalogue

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// OrgDirectory says which organisation an author's e-mail domain counts for. It
// matches the longest registered suffix (dev.gemeente-voorbeeld.nl counts for an
// administration that registered gemeente-voorbeeld.nl): deliberately looser
// than membership, which stays an exact match. Build it with NewOrgDirectory.
type OrgDirectory struct {
	suffixes map[string]Org
	digest   string
}

// Digest identifies what the directory says: figures computed with another
// digest are computed again (an administration turned counting off, a
// contractor appeared).
func (d *OrgDirectory) Digest() string { return d.digest }

// Org is what a commit's author counts for: its kind, our publisher ID for an
// administration, and the name shown.
type Org struct {
	Kind      ContributorKind
	Publisher string
	Name      string
}

// OtherOrganisations and Individuals are the names of the two catch-all kinds.
var (
	OtherOrganisations = Org{Kind: KindOther, Name: "Other organisations"}
	Individuals        = Org{Kind: KindIndividuals, Name: "Individuals"}
)

// PublicMailProviders are domains where anyone can have an address; an author
// there counts as one of the individuals.
var PublicMailProviders = []string{
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
	"icloud.com", "me.com", "mac.com", "aol.com", "gmx.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "web.de",
	"t-online.de", "posteo.de", "posteo.net", "mailbox.org", "protonmail.com", "protonmail.ch", "proton.me", "pm.me",
	"tutanota.com", "tuta.io", "fastmail.com", "fastmail.fm", "zoho.com", "yandex.ru", "yandex.com", "mail.ru",
	"qq.com", "163.com", "hotmail.it", "libero.it", "virgilio.it", "alice.it", "tiscali.it", "tin.it", "outlook.it",
	"hotmail.fr", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "outlook.fr", "hotmail.de",
	"outlook.de", "ziggo.nl", "kpnmail.nl", "xs4all.nl", "hetnet.nl", "planet.nl", "home.nl", "hotmail.nl",
	"live.nl", "outlook.dk", "hotmail.dk", "live.dk", "mail.dk", "jubii.dk", "sol.dk", "ofir.dk", "stofanet.dk",
	"riseup.net", "disroot.org", "hey.com",
}

// NoReplyDomains are forges' address-hiding domains; their authors are individuals.
var NoReplyDomains = []string{
	"users.noreply.github.com", "noreply.github.com", "users.noreply.gitlab.com", "noreply.gitlab.com",
	"noreply.codeberg.org", "users.noreply.codeberg.org", "users.noreply.bitbucket.org", "noreply.gitea.io",
}

// botAccounts are automation accounts known by the local part of their address
// or their name.
var botAccounts = []string{
	"dependabot", "renovate", "renovate-bot", "renovatebot", "greenkeeper", "snyk-bot", "github-actions",
	"pre-commit-ci", "semantic-release-bot", "allcontributors", "imgbot", "mergify", "weblate", "gitlab-bot",
	"codecov", "deepsource-autofix", "pyup-bot", "whitesource-bolt", "transifex", "crowdin-bot", "action@github.com",
}

// IsBot reports whether a commit's author (or co-author) is an automation
// account: a "[bot]" name or address, a GitLab token bot, or a well-known
// account such as Dependabot or Renovate. Bots are not counted.
func IsBot(name, email string) bool {
	name, email = strings.ToLower(strings.TrimSpace(name)), strings.ToLower(strings.TrimSpace(email))
	if strings.Contains(name, "[bot]") || strings.Contains(email, "[bot]") {
		return true
	}
	local, _, _ := strings.Cut(email, "@")
	if i := strings.IndexByte(local, '+'); i >= 0 { // 49699333+dependabot@users.noreply.github.com
		local = local[i+1:]
	}
	if strings.HasPrefix(local, "project_") && strings.Contains(local, "_bot") { // GitLab project access tokens
		return true
	}
	for _, b := range botAccounts {
		if local == b || name == b || email == b || strings.TrimSuffix(name, " bot") == b || name == b+"-bot" {
			return true
		}
	}
	return false
}

// NewOrgDirectory builds the directory from the administrations and the
// contractors the catalogue's files name. An administration that turned
// counting off (CountsCommits false) is not named: its authors count as other
// organisations.
func NewOrgDirectory(admins []Publisher, contractors []OrgContractor) *OrgDirectory {
	d := &OrgDirectory{suffixes: map[string]Org{}}
	for _, p := range PublicMailProviders {
		d.suffixes[p] = Individuals
	}
	for _, p := range NoReplyDomains {
		d.suffixes[p] = Individuals
	}
	for _, c := range contractors {
		dom := WebsiteDomain(c.Website)
		if dom == "" || strings.TrimSpace(c.Name) == "" {
			continue
		}
		if prev, ok := d.suffixes[dom]; ok && (prev.Kind != KindCompany || prev.Name <= c.Name) {
			continue // a mail provider stays one; two names for one website: the first by name
		}
		d.suffixes[dom] = Org{Kind: KindCompany, Name: strings.TrimSpace(c.Name)}
	}
	for _, p := range admins {
		for _, dom := range p.AllDomains() {
			dom = strings.ToLower(strings.Trim(strings.TrimSpace(dom), "."))
			if dom == "" {
				continue
			}
			if prev, ok := d.suffixes[dom]; ok && prev.Kind == KindAdministration && prev.Publisher < p.ID {
				continue // two administrations registered one domain: the first by ID, every time
			}
			if prev, ok := d.suffixes[dom]; ok && prev.Kind == KindIndividuals {
				continue // nobody registers gmail.com for an administration
			}
			if !p.CountsCommits() {
				// Registered, so that no shorter suffix claims its authors either.
				if _, ok := d.suffixes[dom]; !ok {
					d.suffixes[dom] = OtherOrganisations
				}
				continue
			}
			d.suffixes[dom] = Org{Kind: KindAdministration, Publisher: p.ID, Name: p.Name}
		}
	}
	doms := make([]string, 0, len(d.suffixes))
	for dom := range d.suffixes {
		doms = append(doms, dom)
	}
	slices.Sort(doms)
	h := sha256.New()
	for _, dom := range doms {
		o := d.suffixes[dom]
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\n", dom, o.Kind, o.Publisher, o.Name)
	}
	d.digest = hex.EncodeToString(h.Sum(nil)[:12])
	return d
}

// OrgContractor is a maintenance contractor named in a publiccode.yml.
type OrgContractor struct {
	Name    string
	Website string
}

// Classify says what an author's address counts for: the organisation whose
// registered domain is the longest suffix of the address's domain, else other
// organisations. An address without a domain counts as an individual's.
func (d *OrgDirectory) Classify(email string) Org {
	_, dom, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	dom = strings.Trim(dom, ".> ")
	if !ok || dom == "" || !strings.Contains(dom, ".") {
		return Individuals
	}
	for {
		if o, ok := d.suffixes[dom]; ok {
			return o
		}
		_, rest, found := strings.Cut(dom, ".")
		if !found || !strings.Contains(rest, ".") {
			return OtherOrganisations
		}
		dom = rest
	}
}

// WebsiteDomain is the host of a website address without "www.", lower-cased;
// empty when it names no host.
func WebsiteDomain(website string) string {
	w := strings.TrimSpace(website)
	if w == "" {
		return ""
	}
	if !strings.Contains(w, "://") {
		w = "https://" + w
	}
	u, err := url.Parse(w)
	if err != nil || u.Hostname() == "" || !strings.Contains(u.Hostname(), ".") {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}
