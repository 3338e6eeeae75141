// Package safehttp is the one HTTP client for everything Oscat fetches from a URL
// someone else gave it (crawls, harvests, the web validator, webhooks), and the
// one address policy: it refuses every address of IANA's special-purpose
// registries (loopback, private, link-local, NAT64, 6to4, Teredo…), IPv6 zones
// and hosts written in ambiguous numeric forms unless the operator allows
// private networks, checks each connection's address after resolution, and caps
// response sizes and times.
package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned when a URL resolves to an address the policy refuses.
var ErrForbiddenAddress = errors.New("address not allowed")

// ErrTooLarge is returned when a response body exceeds its cap.
var ErrTooLarge = errors.New("response too large")

// Policy says what the client may reach and how long and how much it may read.
type Policy struct {
	// AllowPrivate permits loopback, private and link-local addresses (tests, demos,
	// and operators crawling their own network).
	AllowPrivate bool
	// Timeout bounds a whole request, body included (default 30 s).
	Timeout time.Duration
	// DialTimeout bounds connecting (default 10 s).
	DialTimeout time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// Resolver resolves host names, for the checks and for the connections (nil:
	// the system's). The connection dials the addresses it returned, each
	// checked again, so a name answering differently the second time gains
	// nothing.
	Resolver Resolver
	// Gate, when set, paces each request toward a host and keeps its failures
	// (the crawler's per-host limits).
	Gate HostGate

	// exempt are address:port pairs the dialer lets through whatever the policy;
	// only this package's tests set it, to put a redirector on loopback.
	exempt []netip.AddrPort
}

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

func (p Policy) resolver() Resolver {
	if p.Resolver != nil {
		return p.Resolver
	}
	return net.DefaultResolver
}

// DefaultUserAgent identifies the crawler to forges.
const DefaultUserAgent = "Oscat/0.1 (+https://github.com/oscat-eu/oscat)"

// Allowed reports whether the policy lets a connection reach addr: with
// AllowPrivate everything; otherwise no address in a special-purpose range (see
// ranges.go) and no IPv6 address with a zone, which no prefix matches and which
// names an interface of this machine.
func (p Policy) Allowed(addr netip.Addr) bool { return p.refusal(addr) == "" }

// refusal says why addr is refused, or "".
func (p Policy) refusal(addr netip.Addr) string {
	switch {
	case p.AllowPrivate:
		return ""
	case !addr.IsValid():
		return "not an address"
	case addr.Zone() != "":
		return "an IPv6 address with a zone (an interface of this machine)"
	}
	if r, ok := special(addr); ok {
		return r.name + ", " + r.rfc
	}
	return ""
}

// AddressError is a refused destination. Its Error names the address, for the
// operator's log; visitors are shown Classify's neutral text instead.
type AddressError struct {
	Host string // as written in the URL
	Addr string // the address it is or resolved to, when there is one
	Why  string
}

func (e *AddressError) Error() string {
	at := e.Host
	if e.Addr != "" && e.Addr != e.Host {
		at = e.Host + " (" + e.Addr + ")"
	}
	return fmt.Sprintf("%s: %s: %v (private, loopback, link-local and other special-purpose addresses are refused unless --allow-private-networks is given)", at, e.Why, ErrForbiddenAddress)
}

func (e *AddressError) Unwrap() error { return ErrForbiddenAddress }

// CheckHost refuses host when it is written in an ambiguous numeric form, when
// it is an address the policy refuses, or when any address it resolves to is.
// It is the check at registration (webhooks, code hosting); connections are
// checked again when they are made, which is what closes DNS rebinding.
func (p Policy) CheckHost(ctx context.Context, host string) error {
	if host == "" {
		return &AddressError{Host: host, Why: "no host"}
	}
	addr, numeric, err := parseNumericHost(host)
	if err != nil {
		return err
	}
	if numeric {
		if why := p.refusal(addr); why != "" {
			return &AddressError{Host: host, Addr: addr.String(), Why: why}
		}
		return nil
	}
	if p.AllowPrivate {
		return nil
	}
	if isLocalName(host) {
		return &AddressError{Host: host, Why: "a name of this machine (RFC 6761)"}
	}
	addrs, err := p.resolver().LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if why := p.refusal(a); why != "" {
			return &AddressError{Host: host, Addr: a.String(), Why: why}
		}
	}
	return nil
}

// CheckURL checks an absolute URL before it is stored or fetched: its scheme is
// one of schemes (default http and https) and its host passes CheckHost.
func (p Policy) CheckURL(ctx context.Context, raw string, schemes ...string) error {
	if len(schemes) == 0 {
		schemes = []string{"http", "https"}
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	if !slices.Contains(schemes, strings.ToLower(u.Scheme)) || u.Opaque != "" || u.Host == "" {
		return fmt.Errorf("%w: write an absolute %s URL", ErrBadURL, strings.Join(schemes, " or "))
	}
	return p.CheckHost(ctx, u.Hostname())
}

// ErrBadURL is returned by CheckURL for text that is not a URL it accepts.
var ErrBadURL = errors.New("not an accepted URL")

// Dialer returns a dialer that checks every address it connects to, after DNS
// resolution, so that a name cannot be re-pointed at an internal address.
func (p Policy) Dialer() *net.Dialer {
	dt := p.DialTimeout
	if dt <= 0 {
		dt = 10 * time.Second
	}
	return &net.Dialer{
		Timeout:   dt,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return &AddressError{Host: address, Why: "not an address"}
			}
			if slices.Contains(p.exempt, ap) {
				return nil
			}
			if why := p.refusal(ap.Addr()); why != "" {
				return &AddressError{Host: ap.Addr().String(), Why: why}
			}
			return nil
		},
	}
}

// dial connects to address through the policy's resolver when it has one, so
// that the addresses checked are the addresses dialed; the dialer's Control
// checks each of them.
func (p Policy) dial(ctx context.Context, network, address string) (net.Conn, error) {
	d := p.Dialer()
	host, port, err := net.SplitHostPort(address)
	if err != nil || p.Resolver == nil {
		return d.DialContext(ctx, network, address)
	}
	if _, perr := netip.ParseAddr(host); perr == nil {
		return d.DialContext(ctx, network, address)
	}
	addrs, err := p.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		var dns *net.DNSError
		if !errors.As(err, &dns) {
			dns = &net.DNSError{Err: err.Error(), Name: host}
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: dns}
	}
	var first error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}}
	}
	return nil, first
}

// Client returns an HTTP client that enforces the policy on every connection,
// including those made while following redirects.
func (p Policy) Client() *http.Client {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would hide the real destination from the check
		DialContext:           p.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
	}
	ua := p.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	var next http.RoundTripper = hostCheck{policy: p, next: tr}
	if p.Gate != nil {
		next = gated{gate: p.Gate, next: next}
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: userAgent{ua: ua, next: next},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("stopped after 5 redirects")
			}
			return nil
		},
	}
}

// hostCheck refuses, before any resolver sees it, a host written in a numeric
// form resolvers disagree on (2130706433, 0177.0.0.1, 0x7f.1, 127.1) and, unless
// AllowPrivate, an address literal the policy refuses and the names of this
// machine (localhost); other names are checked by the dialer on each address
// they resolve to.
type hostCheck struct {
	policy Policy
	next   http.RoundTripper
}

func (h hostCheck) RoundTrip(r *http.Request) (*http.Response, error) {
	host := r.URL.Hostname()
	addr, numeric, err := parseNumericHost(host)
	if err != nil {
		return nil, err
	}
	if numeric {
		if why := h.policy.refusal(addr); why != "" {
			return nil, &AddressError{Host: host, Addr: addr.String(), Why: why}
		}
	} else if !h.policy.AllowPrivate && isLocalName(host) {
		return nil, &AddressError{Host: host, Why: "a name of this machine (RFC 6761)"}
	}
	return h.next.RoundTrip(r)
}

type userAgent struct {
	ua   string
	next http.RoundTripper
}

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", u.ua)
	}
	return u.next.RoundTrip(r)
}

// ReadAll reads at most max bytes of r, failing with ErrTooLarge beyond that.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}
