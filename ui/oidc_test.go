package ui

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// oidcProvider is a small OpenID Connect provider on loopback: discovery, keys,
// an authorization endpoint that approves at once, and a token endpoint that
// checks the client, the code and its PKCE verifier.
type oidcProvider struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	email    string
	verified bool
	mu       sync.Mutex
	codes    map[string]grant
}

type grant struct{ nonce, challenge, redirect string }

func newOIDCProvider(t *testing.T) *oidcProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{key: key, email: "carla@a.example", verified: true, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		b64 := base64.RawURLEncoding.EncodeToString
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())}}})
	})
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "oscat" || q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" {
			http.Error(w, "bad request", 400)
			return
		}
		code := "code-" + q.Get("state")[:8]
		p.mu.Lock()
		p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if user == "" {
			user, pass = r.FormValue("client_id"), r.FormValue("client_secret")
		}
		p.mu.Lock()
		g, ok := p.codes[r.FormValue("code")]
		delete(p.codes, r.FormValue("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.FormValue("code_verifier")))
		if user != "oscat" || pass != "s3cret" || !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || r.FormValue("redirect_uri") != g.redirect {
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": p.srv.URL, "sub": "u-1", "aud": "oscat", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
			"nonce": g.nonce, "email": p.email, "email_verified": p.verified, "name": "Carla"}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": p.sign(t, claims)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *oidcProvider) sign(t *testing.T, claims map[string]any) string {
	b64 := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := b64(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"}) + "." + b64(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// oidcSignIn walks the browser through the provider and back; it returns the
// callback's answer.
func oidcSignIn(t *testing.T, js *joinSite, b *browser) *http.Response {
	t.Helper()
	resp, body := b.get("/signin/oidc")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d %s", resp.StatusCode, body)
	}
	auth, _ := url.Parse(resp.Header.Get("Location"))
	if auth.Query().Get("code_challenge") == "" || auth.Query().Get("nonce") == "" || auth.Query().Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %s", auth)
	}
	presp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(auth.String())
	if err != nil {
		t.Fatal(err)
	}
	presp.Body.Close()
	back, _ := url.Parse(presp.Header.Get("Location"))
	if !strings.HasPrefix(back.String(), "https://oscat.example/signin/oidc/callback?") {
		t.Fatalf("redirect back to %s", back)
	}
	resp, _ = b.get("/signin/oidc/callback?" + back.RawQuery)
	return resp
}

func TestOIDC_SignInThroughALoopbackProvider(t *testing.T) {
	t.Parallel()
	prov := newOIDCProvider(t)
	js := newJoinSite(t, func(o *Options, _ *Sources) {
		o.OIDC = OIDCConfig{Issuer: prov.srv.URL, ClientID: "oscat", ClientSecret: "s3cret"}
		o.FetchPolicy = safehttp.Policy{AllowPrivate: true} // the provider is on loopback
	})
	b := js.browser(t)
	if _, body := b.get("/signin?lang=nl"); !strings.Contains(body, `href="/signin/oidc"`) {
		t.Error("the sign-in page offers no provider")
	}
	resp := oidcSignIn(t, js, b)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		t.Fatalf("callback: %d %v", resp.StatusCode, resp.Header)
	}
	_, body := b.get("/api/v1/me")
	if !strings.Contains(body, `"email":"carla@a.example"`) || !strings.Contains(body, `"publisher":"a"`) || !strings.Contains(body, `"language":"nl"`) {
		t.Errorf("me = %s", body)
	}
	// A callback whose state is not this browser's does nothing.
	other := js.browser(t)
	if resp, _ := other.get("/signin/oidc/callback?code=x&state=y"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("foreign callback: %d", resp.StatusCode)
	}
	// An address the provider does not vouch for is refused.
	prov.verified = false
	if resp := oidcSignIn(t, js, js.browser(t)); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unverified e-mail: %d", resp.StatusCode)
	}
}

func TestOIDC_DiscoveryGoesThroughTheSSRFSafeClient(t *testing.T) {
	t.Parallel()
	prov := newOIDCProvider(t)
	js := newJoinSite(t, func(o *Options, _ *Sources) {
		o.OIDC = OIDCConfig{Issuer: prov.srv.URL, ClientID: "oscat", ClientSecret: "s3cret"} // loopback, not allowed
	})
	if resp, _ := js.browser(t).get("/signin/oidc"); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("discovery on loopback without --allow-private-networks: %d", resp.StatusCode)
	}
}
