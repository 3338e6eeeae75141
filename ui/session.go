package ui

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// Cookies of the site. The session cookie holds a random token whose hash the
// store keeps; the browser cookie holds a random value for visitors who are not
// signed in, signed with the site key, from which their forms' CSRF token is
// derived. A browser cookie the server did not issue (one set by a neighbouring
// site of the same domain, to know the CSRF token it gives) is ignored.
const (
	sessionCookie = "oscat_session"
	browserCookie = "oscat_browser"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

// secureCookies reports whether cookies get the Secure attribute: when the
// public URL is https.
func (s *Server) secureCookies() bool {
	return strings.HasPrefix(strings.ToLower(s.opts.PublicURL), "https://")
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode}
	if maxAge > 0 {
		ck.MaxAge = int(maxAge.Seconds())
	} else if maxAge < 0 {
		ck.MaxAge = -1
	}
	c.SetCookie(ck)
}

// identify loads the signed-in person (if any) and gives every visitor a CSRF
// token, then refuses a state-changing request whose token does not match.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.accounts == nil {
			return next(c)
		}
		// Pages for a signed-in person are theirs alone: no shared cache keeps
		// them. Checked as the headers go out, after sign-in and sign-out.
		c.Response().Before(func() {
			if _, ok := person(c); ok {
				c.Response().Header().Set("Cache-Control", "no-store")
			}
		})
		secret := ""
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			p, err := s.accounts.SessionPerson(c.Request().Context(), catalogue.HashSecret(ck.Value))
			switch {
			case err == nil:
				c.Set("person", p)
				secret = ck.Value
			case errors.Is(err, catalogue.ErrNotFound):
				s.setCookie(c, sessionCookie, "", -1)
			default:
				return err
			}
		}
		if secret == "" {
			key, err := s.siteKey(c.Request().Context())
			if err != nil {
				return err
			}
			if ck, err := c.Cookie(browserCookie); err == nil && browserValueOK(key, ck.Value) {
				secret = ck.Value
			} else if !unsafeMethod(c.Request().Method) && pageRequest(c.Request().URL.Path) {
				secret = newBrowserValue(key)
				s.setCookie(c, browserCookie, secret, 0)
			}
		}
		token := ""
		if secret != "" {
			token = csrfToken(secret)
		}
		c.Set("csrf", token)
		if unsafeMethod(c.Request().Method) && !s.csrfExempt(c) && !s.csrfOK(c, token) {
			return echo.NewHTTPError(http.StatusForbidden, "the form's security token is missing or out of date: reload the page and try again")
		}
		return next(c)
	}
}

// siteKey is the store's site key, read once.
func (s *Server) siteKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key == nil {
		key, err := s.accounts.SiteKey(ctx)
		if err != nil {
			return nil, err
		}
		s.key = key
	}
	return s.key, nil
}

// newBrowserValue is a browser cookie's value: a random token and its
// signature.
func newBrowserValue(key []byte) string {
	token, _ := catalogue.NewSecret()
	return token + "." + browserSignature(key, token)
}

func browserSignature(key []byte, token string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("oscat browser\x00" + token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// browserValueOK reports whether the server issued v.
func browserValueOK(key []byte, v string) bool {
	token, sig, ok := strings.Cut(v, ".")
	if !ok || len(token) < 32 {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(browserSignature(key, token)))
}

// pageRequest reports whether a path is a page for people, the only requests
// that get a browser cookie (programs reading the API or feeds get none).
func pageRequest(path string) bool {
	for _, p := range []string{"/api/", "/static/", "/media/", "/feeds/", "/di/", "/schemas/", "/metrics", "/healthz", "/readyz", "/dcat-ap", "/hooks/"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return true
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// csrfExempt are the state-changing requests that act for nobody: the validator
// takes a file and returns its findings.
// An API request from no one signed in acts for nobody either: it is refused
// by its handler if it needs someone.
func (s *Server) csrfExempt(c echo.Context) bool {
	if _, signedIn := person(c); !signedIn && strings.HasPrefix(c.Request().URL.Path, "/api/") {
		return true
	}
	// Forges' webhooks carry signatures, not cookies (see hooks.go).
	return c.Request().URL.Path == "/api/v1/validate" || strings.HasPrefix(c.Request().URL.Path, "/hooks/")
}

// csrfToken derives a form token from the browser's secret, so that the store
// keeps nothing more and another site, which cannot read the cookie, cannot
// forge it.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("oscat csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfOK checks a state-changing request: forms carry the token in a hidden
// field; JSON requests carry it in a header, or come from the site itself (an
// Origin header naming the public URL: browsers send it on every cross-origin
// write, and the session cookie is SameSite=Lax).
func (s *Server) csrfOK(c echo.Context, token string) bool {
	if token == "" {
		return false
	}
	r := c.Request()
	got := r.Header.Get(csrfHeader)
	if got == "" && !strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		got = c.FormValue(csrfField)
	}
	if got != "" {
		return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	if strings.HasPrefix(r.URL.Path, "/api/") && strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		return s.sameOrigin(r.Header.Get("Origin"))
	}
	return false
}

// sameOrigin reports whether origin is the public URL's.
func (s *Server) sameOrigin(origin string) bool {
	if origin == "" {
		return false
	}
	pub, err := url.Parse(s.opts.PublicURL)
	if err != nil {
		return false
	}
	return strings.EqualFold(origin, pub.Scheme+"://"+pub.Host)
}

// person is the signed-in person, if any.
func person(c echo.Context) (catalogue.Person, bool) {
	p, ok := c.Get("person").(catalogue.Person)
	return p, ok
}

// actor is who asks: the signed-in person, an instance administrator when the
// configuration names their address.
func (s *Server) actor(c echo.Context) catalogue.Actor {
	p, ok := person(c)
	if !ok {
		return catalogue.Actor{}
	}
	return catalogue.Actor{Person: p.ID, Email: p.Email, Admin: s.isAdmin(p.Email)}
}

// isAdmin compares normalised addresses: the configuration may name an
// administrator in any case, or with an internationalised domain.
func (s *Server) isAdmin(email string) bool {
	email, err := catalogue.NormaliseEmail(email)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(s.opts.Admins, func(a string) bool {
		a, err := catalogue.NormaliseEmail(a)
		return err == nil && a == email
	})
}

// errSignIn is answered to a request that needs a signed-in person.
var errSignIn = echo.NewHTTPError(http.StatusUnauthorized, "sign in first")

// mustSignIn returns the actor, or errSignIn.
func (s *Server) mustSignIn(c echo.Context) (catalogue.Actor, error) {
	a := s.actor(c)
	if a.Person == "" {
		return a, errSignIn
	}
	return a, nil
}

// startSession signs a person in: a new session, in a new cookie.
func (s *Server) startSession(c echo.Context, p catalogue.Person) error {
	// A session this browser had before (another person's, or an older one of
	// the same) ends: one browser, one session.
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.accounts.DeleteSession(c.Request().Context(), catalogue.HashSecret(ck.Value)); err != nil {
			return err
		}
	}
	token, hash := catalogue.NewSecret()
	if err := s.accounts.CreateSession(c.Request().Context(), hash, p.ID, time.Now().Add(catalogue.SessionTTL)); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, catalogue.SessionTTL)
	c.Set("person", p)
	c.Set("csrf", csrfToken(token))
	return nil
}

// signOut ends the session.
func (s *Server) signOut(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.accounts.DeleteSession(c.Request().Context(), catalogue.HashSecret(ck.Value)); err != nil {
			return err
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/")
}

// localPath keeps a "next" parameter to a path on this site. Browsers drop
// tabs and line breaks from a URL and read a backslash as a slash, so
// "/\t/evil.example" would lead off the site: any control character, space or
// backslash refuses the whole parameter.
func localPath(next string) string {
	refuse := !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool {
			return r <= ' ' || r == 0x7f || r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r)
		})
	if !refuse {
		u, err := url.Parse(next)
		refuse = err != nil || u.Scheme != "" || u.Host != "" || u.User != nil
	}
	if refuse {
		return "/account"
	}
	return next
}
