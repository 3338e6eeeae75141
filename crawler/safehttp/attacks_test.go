package safehttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// specialAddresses holds one address of every special-purpose range (and the
// forms that carry an IPv4 address inside IPv6): each is refused by default and
// allowed with AllowPrivate. The table is the list of what is refused.
var specialAddresses = []struct{ addr, kind string }{
	{"0.0.0.0", "this network (reaches the local host)"},
	{"0.1.2.3", "this network"},
	{"10.1.2.3", "private use"},
	{"100.64.0.1", "shared address space (CGNAT)"},
	{"100.127.255.254", "shared address space (CGNAT)"},
	{"127.0.0.1", "loopback"},
	{"127.255.255.254", "loopback"},
	{"169.254.169.254", "link local: cloud metadata"},
	{"172.16.0.1", "private use"},
	{"172.31.255.254", "private use"},
	{"192.0.0.8", "IETF protocol assignments"},
	{"192.0.0.170", "NAT64 discovery"},
	{"192.0.2.1", "documentation"},
	{"192.31.196.1", "AS112-v4"},
	{"192.52.193.1", "AMT"},
	{"192.88.99.1", "deprecated 6to4 relay anycast"},
	{"192.168.1.1", "private use"},
	{"192.175.48.1", "AS112 direct delegation"},
	{"198.18.0.1", "benchmarking"},
	{"198.19.255.254", "benchmarking"},
	{"198.51.100.1", "documentation"},
	{"203.0.113.1", "documentation"},
	{"224.0.0.1", "multicast"},
	{"239.255.255.250", "multicast"},
	{"240.0.0.1", "reserved"},
	{"255.255.255.255", "limited broadcast"},
	{"::", "unspecified"},
	{"::1", "loopback"},
	{"::ffff:127.0.0.1", "IPv4-mapped loopback"},
	{"::ffff:8.8.8.8", "IPv4-mapped (whatever the IPv4 address)"},
	{"::127.0.0.1", "IPv4-compatible ::a.b.c.d"},
	{"::8.8.8.8", "IPv4-compatible ::a.b.c.d"},
	{"64:ff9b::7f00:1", "NAT64 well-known prefix"},
	{"64:ff9b::a00:1", "NAT64 well-known prefix"},
	{"64:ff9b:1::1", "local-use NAT64"},
	{"100::1", "discard-only"},
	{"100:0:0:1::1", "dummy prefix"},
	{"2001::1", "Teredo"},
	{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
	{"2001:2::1", "benchmarking"},
	{"2001:3::1", "AMT"},
	{"2001:4:112::1", "AS112-v6"},
	{"2001:10::1", "ORCHID"},
	{"2001:20::1", "ORCHIDv2"},
	{"2001:30::1", "drone remote ID"},
	{"2001:db8::1", "documentation"},
	{"2002:7f00:1::1", "6to4 of 127.0.0.1"},
	{"2002:c0a8:101::1", "6to4 of 192.168.1.1"},
	{"2620:4f:8000::1", "AS112 direct delegation"},
	{"3fff::1", "documentation"},
	{"5f00::1", "SRv6 SIDs"},
	{"fc00::1", "unique local"},
	{"fd12:3456::1", "unique local"},
	{"fe80::1", "link-local"},
	{"fec0::1", "site-local (deprecated)"},
	{"ff02::1", "multicast"},
	{"fe80::1%eth0", "zone: an interface of this machine"},
	{"::1%lo", "zone on loopback"},
	{"2a00:1450:4001:80b::200e%1", "zone on a public address"},
}

func TestPolicy_RefusesEverySpecialPurposeRange(t *testing.T) {
	t.Parallel()
	for _, tt := range specialAddresses {
		a := netip.MustParseAddr(tt.addr)
		if (Policy{}).Allowed(a) {
			t.Errorf("%s (%s) allowed by default", tt.addr, tt.kind)
		}
		if !(Policy{AllowPrivate: true}).Allowed(a) {
			t.Errorf("%s (%s) refused with AllowPrivate", tt.addr, tt.kind)
		}
	}
	for _, a := range []string{"93.184.216.34", "8.8.8.8", "1.1.1.1", "192.0.1.1", "192.88.98.1", "100.128.0.1", "198.20.0.1",
		"2a00:1450:4001:80b::200e", "2001:200::1", "2003::1", "64:ff9b:2::1"} {
		if !(Policy{}).Allowed(netip.MustParseAddr(a)) {
			t.Errorf("public %s refused", a)
		}
	}
}

func TestSpecialPurpose_EveryRangeHasItsDocument(t *testing.T) {
	t.Parallel()
	for _, r := range specialPurpose {
		if !strings.HasPrefix(r.rfc, "RFC ") || r.name == "" || r.prefix.Masked() != r.prefix {
			t.Errorf("%v: %q %q", r.prefix, r.name, r.rfc)
		}
	}
}

// urlAttacks are the URL forms that try to reach this machine. always marks
// those refused even with AllowPrivate: numeric forms resolvers disagree on.
var urlAttacks = []struct {
	url    string
	kind   string
	always bool
}{
	{"http://127.0.0.1:PORT/", "loopback", false},
	{"http://[::1%25lo]:PORT/", "IPv6 zone by name", false},
	{"http://[::1%251]:PORT/", "IPv6 zone by index", false},
	{"http://[fe80::1%25eth0]:PORT/", "link-local with zone", false},
	{"http://2130706433:PORT/", "decimal", true},
	{"http://0177.0.0.1:PORT/", "octal", true},
	{"http://0x7f.1:PORT/", "hexadecimal, short", true},
	{"http://0x7f000001:PORT/", "hexadecimal", true},
	{"http://017700000001:PORT/", "octal, one part", true},
	{"http://127.1:PORT/", "short", true},
	{"http://127.0.1:PORT/", "short, three parts", true},
	{"http://127.0.0.1.:PORT/", "trailing dot", true},
	{"http://0:PORT/", "zero", true},
	{"http://0.0.0.0:PORT/", "this network", false},
	{"http://[::]:PORT/", "unspecified", false},
	{"http://[::ffff:127.0.0.1]:PORT/", "IPv4-mapped", false},
	{"http://[::ffff:7f00:1]:PORT/", "IPv4-mapped, hexadecimal", false},
	{"http://[::127.0.0.1]:PORT/", "IPv4-compatible", false},
	{"http://[64:ff9b::7f00:1]:PORT/", "NAT64", false},
	{"http://[2002:7f00:1::1]:PORT/", "6to4", false},
	{"http://[2001:0:7f00:1::1]:PORT/", "Teredo", false},
	{"http://a@127.0.0.1:PORT/", "userinfo", false},
	{"http://example.org@127.0.0.1:PORT/", "userinfo naming a public host", false},
	{"http://user:pass@[::1]:PORT/", "userinfo and IPv6", false},
	{"http://127.0.0.1:PORT#@example.org/", "fragment naming a public host", false},
	{"http://localhost:PORT/", "a name of this machine", false},
	{"http://LOCALHOST.:PORT/", "a name of this machine, trailing dot", false},
	{"http://169.254.169.254/latest/meta-data/", "cloud metadata", false},
	{"http://1.2.3.4.5/", "five parts", true},
	{"http://256.1.1.1/", "part out of range", true},
}

// secretServer is a loopback-only service; it counts the requests that reach it.
func secretServer(t *testing.T) (port string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("secret"))
	}))
	t.Cleanup(srv.Close)
	_, port, _ = net.SplitHostPort(srv.Listener.Addr().String())
	return port, hits
}

func TestClient_RefusesEveryAddressForm(t *testing.T) {
	t.Parallel()
	port, hits := secretServer(t)
	for _, tt := range urlAttacks {
		u := strings.ReplaceAll(tt.url, "PORT", port)
		resp, err := (Policy{}).Client().Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s (%s): err = %v, want ErrForbiddenAddress", u, tt.kind, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback service was reached %d times", n)
	}
}

func TestCheckURL_RefusesEveryAddressForm(t *testing.T) {
	t.Parallel()
	for _, tt := range urlAttacks {
		u := strings.ReplaceAll(tt.url, "PORT", "8080")
		if err := (Policy{}).CheckURL(t.Context(), u); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s (%s): err = %v, want ErrForbiddenAddress", u, tt.kind, err)
		}
		err := (Policy{AllowPrivate: true}).CheckURL(t.Context(), u)
		if tt.always != errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s (%s) with AllowPrivate: err = %v", u, tt.kind, err)
		}
	}
}

func TestCheckURL_RefusesOtherSchemes(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"file:///etc/passwd", "git://127.0.0.1/x", "ssh://git@example.org/x", "gopher://example.org/",
		"ftp://example.org/", "javascript:alert(1)", "/relative/path", "example.org/no-scheme", "http:///no-host", "http:example.org"} {
		if err := (Policy{AllowPrivate: true}).CheckURL(t.Context(), u); !errors.Is(err, ErrBadURL) {
			t.Errorf("%s: err = %v, want ErrBadURL", u, err)
		}
	}
	if err := (Policy{}).CheckURL(t.Context(), "HTTPS://93.184.216.34/x"); err != nil {
		t.Errorf("public address literal: %v", err)
	}
}

func TestClient_AllowPrivateReachesLoopback(t *testing.T) {
	t.Parallel()
	port, hits := secretServer(t)
	for _, u := range []string{"http://127.0.0.1:PORT/", "http://a@127.0.0.1:PORT/", "http://localhost:PORT/"} {
		resp, err := (Policy{AllowPrivate: true}).Client().Get(strings.ReplaceAll(u, "PORT", port))
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		resp.Body.Close()
	}
	if hits.Load() != 3 {
		t.Errorf("reached %d times, want 3", hits.Load())
	}
}

// A redirect is checked like the first request: the redirector is let through
// (it stands for a public server), each place it sends the client is not.
func TestClient_RefusesRedirectsToEveryAddressForm(t *testing.T) {
	t.Parallel()
	port, hits := secretServer(t)
	var target atomic.Value
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.Load().(string), http.StatusFound)
	}))
	defer redirector.Close()
	ap := netip.MustParseAddrPort(redirector.Listener.Addr().String())
	p := Policy{exempt: []netip.AddrPort{ap}}
	from := "http://localhost:" + url.PathEscape(strings.Split(redirector.Listener.Addr().String(), ":")[1]) + "/"
	for _, tt := range urlAttacks {
		// One request at a time: the redirector reads the target.
		target.Store(strings.ReplaceAll(tt.url, "PORT", port))
		resp, err := p.Client().Get(from)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("redirect to %s (%s): err = %v", tt.url, tt.kind, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback service was reached %d times through redirects", n)
	}
}

func TestClassify_NamesNoNetworkDetail(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want Failure
	}{
		{&net.DNSError{Err: "no such host", Name: "intranet.example", Server: "10.0.0.53:53", IsNotFound: true}, FailNoSuchHost},
		{&net.DNSError{Err: "server misbehaving", Name: "intranet.example", Server: "10.0.0.53:53"}, FailDNS},
		{&url.Error{Op: "Get", URL: "http://x", Err: &AddressError{Host: "intranet.example", Addr: "10.1.2.3", Why: "private use"}}, FailForbidden},
		{errors.New("dial tcp 10.9.8.7:443: connect: no route to host"), FailUnreached},
	}
	for _, c := range cases {
		got := Classify(c.err)
		if got != c.want {
			t.Errorf("%v: %v, want %v", c.err, got, c.want)
		}
		for _, leak := range []string{"10.", "intranet", "53", "route"} {
			if strings.Contains(got.Text, leak) {
				t.Errorf("%v: %q names %q", c.err, got.Text, leak)
			}
		}
	}
}

// fakeDNS answers from a table; rebind names answer their first address once,
// then the second.
type fakeDNS struct {
	names  map[string][]string
	asked  map[string]int
	rebind bool
}

func (f *fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	list, ok := f.names[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if f.asked == nil {
		f.asked = map[string]int{}
	}
	n := f.asked[host]
	f.asked[host]++
	if f.rebind && len(list) > 1 {
		list = list[min(n, len(list)-1):][:1]
	}
	var out []netip.Addr
	for _, a := range list {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestPolicy_NamesResolvingToSpecialAddressesAreRefused(t *testing.T) {
	t.Parallel()
	port, hits := secretServer(t)
	for _, tt := range specialAddresses {
		dns := &fakeDNS{names: map[string][]string{"innocent.example": {"93.184.216.34", tt.addr}}}
		p := Policy{Resolver: dns}
		if err := p.CheckURL(t.Context(), "https://innocent.example/hook"); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("a name resolving to %s (%s): err = %v", tt.addr, tt.kind, err)
		}
	}
	// The client dials what the resolver answered, each address checked.
	dns := &fakeDNS{names: map[string][]string{"innocent.example": {"127.0.0.1"}}}
	resp, err := (Policy{Resolver: dns}).Client().Get("http://innocent.example:" + port + "/")
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("a name resolving to loopback: err = %v", err)
	}
	if hits.Load() != 0 {
		t.Error("the loopback service was reached")
	}
}

// DNS rebinding: the name is public when registered and loopback when
// dialled. The check at connect time refuses it.
func TestClient_RefusesDNSRebinding(t *testing.T) {
	t.Parallel()
	port, hits := secretServer(t)
	dns := &fakeDNS{names: map[string][]string{"rebind.example": {"93.184.216.34", "127.0.0.1"}}, rebind: true}
	p := Policy{Resolver: dns}
	if err := p.CheckURL(t.Context(), "http://rebind.example:"+port+"/"); err != nil {
		t.Fatalf("first answer is public: %v", err)
	}
	resp, err := p.Client().Get("http://rebind.example:" + port + "/")
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, ErrForbiddenAddress) || hits.Load() != 0 {
		t.Errorf("rebound to loopback: err = %v, reached %d times", err, hits.Load())
	}
	// With AllowPrivate the same name reaches the service: the refusal was the policy's.
	resp, err = (Policy{Resolver: &fakeDNS{names: map[string][]string{"rebind.example": {"127.0.0.1"}}}, AllowPrivate: true}).Client().Get("http://rebind.example:" + port + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hits.Load() != 1 {
		t.Errorf("reached %d times", hits.Load())
	}
}
