package catalogue

import (
	"net/mail"
	"regexp"
	"strings"

	"golang.org/x/net/idna"
)

// An e-mail address is one identity whatever the case its owner types it in:
// accounts, sign-in limits and memberships are keyed on its normal form, the
// whole address in lower case with its domain in ASCII (IDNA A-labels). Mail
// servers that tell "Dora@" from "dora@" exist in theory; in public
// administrations they are one person, and two accounts for one mailbox would
// be two sets of limits for one attacker.

// EmailDomain is the lower-cased part of an address after its last '@'.
func EmailDomain(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(addr[i+1:]))
}

// NormaliseEmail checks an e-mail address and returns its normal form: trimmed,
// in lower case, its domain a valid host name in ASCII. A display name
// ("Ada <ada@x.org>") is refused: the catalogue wants the address alone.
func NormaliseEmail(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	refuse := Invalidf("%q is not an e-mail address such as name@example.org", raw)
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Address != raw || len(raw) > 254 {
		return "", refuse
	}
	i := strings.LastIndexByte(raw, '@')
	local := raw[:i]
	if local == "" || strings.ContainsFunc(local, isControl) {
		return "", refuse
	}
	domain, err := NormaliseDomain(raw[i+1:])
	if err != nil {
		return "", refuse
	}
	return strings.ToLower(local) + "@" + domain, nil
}

// NormaliseDomain checks that d is a host name (at least two labels of letters,
// digits and inner hyphens, a top-level label that is not all digits) and
// returns it in lower case, in ASCII: an internationalised domain becomes its
// A-labels ("müller.example" gives "xn--mller-kva.example"), so that both
// spellings are one domain.
func NormaliseDomain(d string) (string, error) {
	orig := d
	d = strings.TrimSuffix(strings.TrimSpace(d), ".")
	ascii, err := idna.Lookup.ToASCII(d)
	if err != nil || !hostName(ascii) {
		return "", Invalidf("%q is not a domain such as gemeente.example.nl", orig)
	}
	return ascii, nil
}

var (
	labelRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	digits  = regexp.MustCompile(`^[0-9]+$`)
)

// hostName reports whether d (lower-case ASCII) is a host name of the DNS.
func hostName(d string) bool {
	if len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 || digits.MatchString(labels[len(labels)-1]) {
		return false
	}
	for _, l := range labels {
		if !labelRE.MatchString(l) {
			return false
		}
	}
	return true
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
