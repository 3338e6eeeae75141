package safehttp

import "net/netip"

// specialRange is one entry of IANA's special-purpose address registries (or a
// range beside them that is just as far from the public internet), with the
// document that defines it.
type specialRange struct {
	prefix netip.Prefix
	name   string
	rfc    string
}

func sr(prefix, name, rfc string) specialRange {
	return specialRange{netip.MustParsePrefix(prefix), name, rfc}
}

// specialPurpose lists every range refused unless AllowPrivate: all of the IANA
// IPv4 and IPv6 Special-Purpose Address Registries (whether or not the registry
// calls the range globally reachable: none is a place a URL from a stranger has
// business reaching), multicast, and the IPv6 forms that carry an IPv4 address
// (mapped, compatible, NAT64, 6to4, Teredo), whose IPv4 address a
// translator or the kernel may reach on the caller's behalf.
var specialPurpose = []specialRange{
	// IPv4 Special-Purpose Address Registry.
	sr("0.0.0.0/8", `"this network" (0.0.0.0 reaches the local host)`, "RFC 791, RFC 1122"),
	sr("10.0.0.0/8", "private use", "RFC 1918"),
	sr("100.64.0.0/10", "shared address space (carrier-grade NAT)", "RFC 6598"),
	sr("127.0.0.0/8", "loopback", "RFC 1122"),
	sr("169.254.0.0/16", "link local (cloud metadata services)", "RFC 3927"),
	sr("172.16.0.0/12", "private use", "RFC 1918"),
	sr("192.0.0.0/24", "IETF protocol assignments (DS-Lite, NAT64 discovery, PCP and TURN anycast)", "RFC 6890"),
	sr("192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737"),
	sr("192.31.196.0/24", "AS112-v4", "RFC 7535"),
	sr("192.52.193.0/24", "automatic multicast tunneling", "RFC 7450"),
	sr("192.88.99.0/24", "deprecated 6to4 relay anycast", "RFC 7526"),
	sr("192.168.0.0/16", "private use", "RFC 1918"),
	sr("192.175.48.0/24", "direct delegation AS112 service", "RFC 7534"),
	sr("198.18.0.0/15", "benchmarking", "RFC 2544"),
	sr("198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737"),
	sr("203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737"),
	sr("240.0.0.0/4", "reserved (and 255.255.255.255, limited broadcast)", "RFC 1112, RFC 919"),
	// Beside the registry: multicast.
	sr("224.0.0.0/4", "multicast", "RFC 5771"),

	// IPv6 Special-Purpose Address Registry.
	sr("::1/128", "loopback", "RFC 4291"),
	sr("::/128", "unspecified", "RFC 4291"),
	sr("::ffff:0:0/96", "IPv4-mapped", "RFC 4291"),
	sr("64:ff9b::/96", "IPv4/IPv6 translation (NAT64 well-known prefix)", "RFC 6052"),
	sr("64:ff9b:1::/48", "local-use IPv4/IPv6 translation", "RFC 8215"),
	sr("100::/64", "discard-only", "RFC 6666"),
	sr("100:0:0:1::/64", "dummy IPv6 prefix", "RFC 9780"),
	sr("2001::/23", "IETF protocol assignments (Teredo 2001::/32, benchmarking, AMT, AS112, ORCHID, drone remote ID)", "RFC 2928"),
	sr("2001::/32", "Teredo", "RFC 4380"),
	sr("2001:db8::/32", "documentation", "RFC 3849"),
	sr("2002::/16", "6to4", "RFC 3056"),
	sr("2620:4f:8000::/48", "direct delegation AS112 service", "RFC 7534"),
	sr("3fff::/20", "documentation", "RFC 9637"),
	sr("5f00::/16", "segment routing (SRv6) SIDs", "RFC 9602"),
	sr("fc00::/7", "unique local", "RFC 4193"),
	sr("fe80::/10", "link-local unicast", "RFC 4291"),
	// Beside the registry: deprecated and multicast forms.
	sr("::/96", "IPv4-compatible (deprecated)", "RFC 4291 §2.5.5.1"),
	sr("fec0::/10", "site-local (deprecated)", "RFC 3879"),
	sr("ff00::/8", "multicast", "RFC 4291"),
}

// special returns the range addr lies in, if any.
func special(addr netip.Addr) (specialRange, bool) {
	for _, r := range specialPurpose {
		if r.prefix.Contains(addr) {
			return r, true
		}
	}
	return specialRange{}, false
}
