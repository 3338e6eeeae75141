package safehttp

import (
	"net/netip"
	"strconv"
	"strings"
)

// parseNumericHost reads a URL's host (without brackets) the way the most
// lenient resolver would. An IPv6 literal, zone included, is returned as it is.
// A host whose last label is a number is an IPv4 address (as in the WHATWG URL
// standard and inet_aton): one to four parts, each decimal, octal (leading 0)
// or hexadecimal (0x), the last filling the remaining bytes. Only the
// canonical dotted-decimal form is accepted; the others (2130706433,
// 0177.0.0.1, 0x7f.1, 127.1, 127.0.0.1.) are refused whatever the policy,
// because resolvers disagree on them and a check that reads them differently
// from the dialer is a check that can be walked around. numeric is false for a
// host name.
func parseNumericHost(host string) (addr netip.Addr, numeric bool, err error) {
	if strings.Contains(host, ":") {
		a, perr := netip.ParseAddr(host)
		if perr != nil {
			return netip.Addr{}, true, &AddressError{Host: host, Why: "not a valid IPv6 address"}
		}
		return a, true, nil
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if !numericLabel(labels[len(labels)-1]) {
		return netip.Addr{}, false, nil
	}
	v, ok := inetAton(labels)
	if !ok {
		return netip.Addr{}, true, &AddressError{Host: host, Why: "not a valid IPv4 address"}
	}
	a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	if host != a.String() {
		return a, true, &AddressError{Host: host, Addr: a.String(), Why: "an IPv4 address in a form resolvers disagree on (write four decimal numbers)"}
	}
	return a, true, nil
}

// numericLabel reports whether a label is a number: decimal digits, or 0x and
// hexadecimal digits.
func numericLabel(l string) bool {
	if l == "" {
		return false
	}
	if h, ok := strings.CutPrefix(strings.ToLower(l), "0x"); ok {
		return strings.Trim(h, "0123456789abcdef") == ""
	}
	return strings.Trim(l, "0123456789") == ""
}

// inetAton reads one to four numeric parts as an IPv4 address.
func inetAton(parts []string) (uint32, bool) {
	if len(parts) > 4 {
		return 0, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := atonPart(p)
		if !ok {
			return 0, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return 0, false
			}
			v = v<<8 | n
			continue
		}
		rest := uint(4 - i) // bytes left for the last part
		if n >= 1<<(8*rest) {
			return 0, false
		}
		v = v<<(8*rest) | n
	}
	return uint32(v), true
}

func atonPart(p string) (uint64, bool) {
	base := 10
	switch l := strings.ToLower(p); {
	case strings.HasPrefix(l, "0x"):
		p, base = l[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	case p == "":
		return 0, false
	}
	n, err := strconv.ParseUint(p, base, 32)
	return n, err == nil
}

// isLocalName reports whether a host name always means this machine
// (RFC 6761): such names are refused without asking a resolver.
func isLocalName(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "localhost.localdomain"
}
