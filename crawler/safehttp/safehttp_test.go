package safehttp

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestPolicy_RefusesNonPublicAddresses(t *testing.T) {
	t.Parallel()
	p := Policy{}
	for _, a := range []string{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1"} {
		if p.Allowed(netip.MustParseAddr(a)) {
			t.Errorf("%s allowed", a)
		}
	}
	for _, a := range []string{"93.184.216.34", "2a00:1450:4001:80b::200e", "8.8.8.8"} {
		if !p.Allowed(netip.MustParseAddr(a)) {
			t.Errorf("%s refused", a)
		}
	}
	if !(Policy{AllowPrivate: true}).Allowed(netip.MustParseAddr("127.0.0.1")) {
		t.Error("AllowPrivate did not allow loopback")
	}
}

func TestClient_RefusesLoopbackUnlessAllowed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.Header.Get("User-Agent")))
	}))
	defer srv.Close()

	_, err := Policy{}.Client().Get(srv.URL)
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("loopback fetch: err = %v, want ErrForbiddenAddress", err)
	}
	resp, err := Policy{AllowPrivate: true}.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := ReadAll(resp.Body, 1000)
	if !strings.HasPrefix(string(b), "Oscat/") {
		t.Errorf("user agent = %q", b)
	}
}

func TestClient_RedirectToLoopbackIsRefused(t *testing.T) {
	t.Parallel()
	// The check applies to every connection, so a redirect cannot reach an internal
	// address either; here both ends are loopback, so the first dial already fails.
	srv := httptest.NewServer(http.RedirectHandler("http://127.0.0.1:1/", http.StatusFound))
	defer srv.Close()
	if _, err := (Policy{}).Client().Get(srv.URL); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("err = %v", err)
	}
}

func TestReadAll_Caps(t *testing.T) {
	t.Parallel()
	if _, err := ReadAll(strings.NewReader("12345"), 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v", err)
	}
	if b, err := ReadAll(strings.NewReader("1234"), 4); err != nil || string(b) != "1234" {
		t.Errorf("got %q %v", b, err)
	}
}

func TestCheckHost(t *testing.T) {
	t.Parallel()
	if err := (Policy{}).CheckHost(t.Context(), "localhost"); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("localhost: %v", err)
	}
}
