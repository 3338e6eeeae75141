package ui

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/oscat-eu/oscat/catalogue"
)

// OIDCConfig names an OpenID Connect provider to sign in through.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// Name is the provider's name on the sign-in button (default "your organisation's account").
	Name string
}

// oidcClient signs people in through an OpenID Connect provider: discovery and
// keys through the SSRF-safe client, the authorization code flow with PKCE,
// state and nonce, and the ID token verified by go-oidc.
type oidcClient struct {
	cfg  OIDCConfig
	http *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

const oidcCookie = "oscat_oidc"

// discover finds the provider's endpoints once; a failed discovery is tried
// again on the next sign-in.
func (o *oidcClient) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, o.http), 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OpenID Connect discovery at %s: %w", o.cfg.Issuer, err)
	}
	o.provider = p
	return p, nil
}

func (s *Server) oauthConfig(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: s.opts.OIDC.ClientID, ClientSecret: s.opts.OIDC.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: strings.TrimRight(s.opts.PublicURL, "/") + "/signin/oidc/callback", Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// oidcStart sends the browser to the provider, remembering state, nonce and the
// PKCE verifier in a short-lived cookie.
func (s *Server) oidcStart(c echo.Context) error {
	if s.oidc == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	p, err := s.oidc.discover(c.Request().Context())
	if err != nil {
		s.log.Warn("OpenID Connect sign-in unavailable", "err", err)
		return echo.NewHTTPError(http.StatusBadGateway, "the sign-in provider does not answer: sign in with your e-mail address instead")
	}
	state, _ := catalogue.NewSecret()
	nonce, _ := catalogue.NewSecret()
	verifier := oauth2.GenerateVerifier()
	s.setCookie(c, oidcCookie, state+"."+nonce+"."+verifier, 10*time.Minute)
	u := s.oauthConfig(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	return c.Redirect(http.StatusSeeOther, u)
}

// oidcCallback finishes the flow: the state must match, the code is exchanged
// with the PKCE verifier, the ID token verified (issuer, audience, expiry,
// signature) and its nonce checked; a verified e-mail address signs in.
func (s *Server) oidcCallback(c echo.Context) error {
	if s.oidc == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	fail := func(msg string, err error) error {
		if err != nil {
			s.log.Warn("OpenID Connect sign-in failed", "err", err)
		}
		return echo.NewHTTPError(http.StatusBadRequest, msg)
	}
	ck, err := c.Cookie(oidcCookie)
	if err != nil {
		return fail("the sign-in took too long or began in another browser: start again", nil)
	}
	s.setCookie(c, oidcCookie, "", -1)
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(c.QueryParam("state"))) != 1 {
		return fail("the sign-in answer does not belong to this browser: start again", nil)
	}
	if e := c.QueryParam("error"); e != "" {
		return fail("the provider refused the sign-in ("+e+")", nil)
	}
	ctx := oidc.ClientContext(c.Request().Context(), s.oidc.http)
	p, err := s.oidc.discover(ctx)
	if err != nil {
		return fail("the sign-in provider does not answer", err)
	}
	tok, err := s.oauthConfig(p).Exchange(ctx, c.QueryParam("code"), oauth2.VerifierOption(parts[2]))
	if err != nil {
		return fail("the sign-in provider refused the code", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return fail("the sign-in provider gave no ID token", nil)
	}
	id, err := p.Verifier(&oidc.Config{ClientID: s.opts.OIDC.ClientID}).Verify(ctx, raw)
	if err != nil {
		return fail("the ID token could not be verified", err)
	}
	if subtle.ConstantTimeCompare([]byte(id.Nonce), []byte(parts[1])) != 1 {
		return fail("the ID token was not issued for this sign-in", errors.New("nonce mismatch"))
	}
	var claims struct {
		Email    string `json:"email"`
		Verified *bool  `json:"email_verified"`
		Name     string `json:"name"`
	}
	if err := id.Claims(&claims); err != nil {
		return fail("the ID token could not be read", err)
	}
	if claims.Email == "" || claims.Verified == nil || !*claims.Verified {
		return fail("the provider did not vouch for your e-mail address: sign in with it by mail instead", nil)
	}
	person, err := s.accounts.SignIn(c.Request().Context(), claims.Email, claims.Name, id.Issuer+" "+id.Subject, requestLanguage(c))
	if err != nil {
		return err
	}
	if err := s.startSession(c, person); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account")
}
