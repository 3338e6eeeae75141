// Package safehttp is the one HTTP client for everything Oscat fetches from a URL
// someone else gave it (crawls, harvests, the web validator, webhooks): it refuses
// loopback, private, link-local and other non-public addresses unless the operator
// allows them, and caps response sizes and times.
package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
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
}

// DefaultUserAgent identifies the crawler to forges.
const DefaultUserAgent = "Oscat/0.1 (+https://github.com/oscat-eu/oscat)"

// nonPublic lists the ranges refused unless AllowPrivate: everything that is not
// the public internet.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/128"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("ff00::/8"),
}

// Allowed reports whether the policy lets a connection reach addr.
func (p Policy) Allowed(addr netip.Addr) bool {
	if p.AllowPrivate {
		return true
	}
	addr = addr.Unmap()
	for _, pre := range nonPublic {
		if pre.Contains(addr) {
			return false
		}
	}
	return true
}

// CheckHost resolves host and refuses it when any of its addresses is not allowed.
// Protocols whose connections Oscat does not dial itself (git://, ssh://) are
// checked this way before use.
func (p Policy) CheckHost(ctx context.Context, host string) error {
	if p.AllowPrivate {
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if !p.Allowed(a) {
			return fmt.Errorf("%s resolves to %s: %w (private, loopback and link-local addresses are refused unless --allow-private-networks is given)", host, a, ErrForbiddenAddress)
		}
	}
	return nil
}

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
				return fmt.Errorf("dial %s: %w", address, err)
			}
			if !p.Allowed(ap.Addr()) {
				return fmt.Errorf("dial %s: %w (private, loopback and link-local addresses are refused unless --allow-private-networks is given)", address, ErrForbiddenAddress)
			}
			return nil
		},
	}
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
		DialContext:           p.Dialer().DialContext,
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
	return &http.Client{
		Timeout:   timeout,
		Transport: userAgent{ua: ua, next: tr},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("stopped after 5 redirects")
			}
			return nil
		},
	}
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
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}
