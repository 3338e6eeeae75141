package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/mail"
)

// accountRoutes are sign-in, the account page and the privacy pages.
func (s *Server) accountRoutes(e *echo.Echo, api *echo.Group) {
	e.GET("/signin", s.showSignIn)
	e.POST("/signin", s.signInRequest)
	e.GET("/signin/confirm", s.showSignInConfirm)
	e.POST("/signin/confirm", s.signInConfirm)
	e.GET("/signin/oidc", s.oidcStart)
	e.GET("/signin/oidc/callback", s.oidcCallback)
	e.POST("/signout", s.signOut)
	e.GET("/privacy", s.showPrivacy)
	e.GET("/account", s.showAccount)
	e.GET("/account/export", s.accountExport)
	e.POST("/account/delete", s.accountDelete)
	e.POST("/account/language", s.accountLanguage)

	api.GET("/me", s.apiMe)
	api.GET("/me/export", s.accountExport)
	api.DELETE("/me", s.apiDeleteMe)
}

// signinPage asks for an e-mail address, and offers the OpenID Connect
// provider when one is configured. Error is the text key of what went wrong;
// Email what was typed, shown again; Next where a sign-in leads.
type signinPage struct {
	OIDC  bool
	Next  string
	Error string
	Email string
}

func (signinPage) template() string { return "signin" }

// signinSentPage says where the sign-in link went.
type signinSentPage struct {
	Email string
}

func (signinSentPage) template() string { return "signin_sent" }

// signinConfirmPage is the button that spends a mailed sign-in link.
type signinConfirmPage struct {
	Token string
	Next  string
}

func (signinConfirmPage) template() string { return "signin_confirm" }

// showSignIn asks for an e-mail address.
func (s *Server) showSignIn(c echo.Context) error {
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.signin.title"), signinPage{OIDC: s.oidc != nil, Next: localPath(c.QueryParam("next"))})
}

// signInFailed draws the sign-in form again with what went wrong.
func (s *Server) signInFailed(c echo.Context, status int, p signinPage) error {
	p.OIDC = s.oidc != nil
	return s.page(c, status, s.localiser(c).T("ui.signin.title"), p)
}

// signInRequest mails a sign-in link: random, kept hashed, single-use, working
// for SignInTTL, at the configured public URL. Whether the address is known is
// not told, so the form tells nobody who has an account.
func (s *Server) signInRequest(c echo.Context) error {
	ctx := c.Request().Context()
	email, err := catalogue.NormaliseEmail(c.FormValue("email"))
	if err != nil {
		return s.signInFailed(c, http.StatusBadRequest, signinPage{Error: "ui.signin.error.email", Email: c.FormValue("email"),
			Next: localPath(c.FormValue("next"))})
	}
	if !s.signInLimit.allow(c.RealIP()) {
		return s.tooMany(c)
	}
	n, err := s.accounts.CountSignInTokens(ctx, email, time.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	if n >= s.opts.SignInPerAddress {
		return s.tooMany(c)
	}
	token, hash := catalogue.NewSecret()
	if err := s.accounts.AddSignInToken(ctx, catalogue.SignInToken{Hash: hash, Email: email, Client: c.RealIP(),
		ExpiresAt: time.Now().Add(catalogue.SignInTTL)}); err != nil {
		return err
	}
	link := strings.TrimRight(s.opts.PublicURL, "/") + "/signin/confirm?token=" + token
	if next := localPath(c.FormValue("next")); next != "/account" {
		link += "&next=" + url.QueryEscape(next)
	}
	l := s.localiser(c)
	if err := mail.Enqueue(ctx, s.mail, catalogue.Mail{To: email, Subject: l.T("ui.mail.signin.subject"),
		Text: l.T("ui.mail.signin.text", "link", link) + "\n", Lang: l.Lang}); err != nil {
		return err
	}
	return s.page(c, http.StatusOK, l.T("ui.signin.sent.title"), signinSentPage{Email: email})
}

func (s *Server) tooMany(c echo.Context) error {
	c.Response().Header().Set("Retry-After", "3600")
	return s.signInFailed(c, http.StatusTooManyRequests, signinPage{Error: "ui.signin.error.tooMany"})
}

// showSignInConfirm is where a mailed link leads: one button that signs in. A
// GET changes nothing, so mail scanners that open links do not use them up.
func (s *Server) showSignInConfirm(c echo.Context) error {
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.signin.title"), signinConfirmPage{Token: c.QueryParam("token"),
		Next: localPath(c.QueryParam("next"))})
}

// signInConfirm spends the link and starts a session.
func (s *Server) signInConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	email, err := s.accounts.UseSignInToken(ctx, catalogue.HashSecret(c.FormValue("token")))
	if errors.Is(err, catalogue.ErrNotFound) {
		return s.signInFailed(c, http.StatusBadRequest, signinPage{Error: "ui.signin.error.used"})
	}
	if err != nil {
		return err
	}
	p, err := s.accounts.SignIn(ctx, email, "", "", requestLanguage(c))
	if err != nil {
		return err
	}
	if err := s.startSession(c, p); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("next")))
}

// meResponse is GET /api/v1/me's body. Its fields are in alphabetical order:
// the order encoding/json wrote the keys in when the body was a map, so that
// the bytes stay the same.
type meResponse struct {
	Admin         bool                   `json:"admin"`
	CSRFToken     string                 `json:"csrfToken"`
	Memberships   []catalogue.Membership `json:"memberships"`
	Person        catalogue.Person       `json:"person"`
	Subscriptions []string               `json:"subscriptions"`
}

// apiMe answers GET /api/v1/me: who is signed in, their memberships, and the
// token their JSON writes carry in X-CSRF-Token.
func (s *Server) apiMe(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	p, _ := person(c)
	ms, err := s.members.Memberships(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	subs, err := s.accounts.Subscriptions(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	token, _ := c.Get("csrf").(string)
	return jsonOK(c, meResponse{Admin: a.Admin, CSRFToken: token, Memberships: ms, Person: p, Subscriptions: subs})
}

// accountExport is everything the catalogue holds about the signed-in person,
// as a JSON download.
func (s *Server) accountExport(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return s.signInFirst(c, err)
	}
	d, err := s.accounts.ExportPerson(c.Request().Context(), a.Person)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="oscat-my-data.json"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return jsonOK(c, d)
}

// accountLanguage sets the language the signed-in person's mails are written
// in. It sets the site's language too, in the cookie the language switch keeps,
// so that the site and the mails speak the same language.
func (s *Server) accountLanguage(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return s.signInFirst(c, err)
	}
	lang := c.FormValue("lang")
	if err := s.accounts.SetPersonLanguage(c.Request().Context(), a.Person, lang); err != nil {
		return err
	}
	s.rememberLanguage(c, lang)
	return back(c, "/account", "language")
}

// accountDelete forgets the signed-in person and signs them out.
func (s *Server) accountDelete(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return s.signInFirst(c, err)
	}
	if c.FormValue("confirm") != "yes" {
		return echo.NewHTTPError(http.StatusBadRequest, "tick the box to confirm that your account is to be deleted")
	}
	if err := s.accounts.DeletePerson(c.Request().Context(), a.Person); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/privacy?deleted=1")
}

// apiDeleteMe answers DELETE /api/v1/me.
func (s *Server) apiDeleteMe(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.accounts.DeletePerson(c.Request().Context(), a.Person); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.NoContent(http.StatusNoContent)
}

// signInFirst sends a person who must sign in to the sign-in page (API callers
// get the error).
func (s *Server) signInFirst(c echo.Context, err error) error {
	if strings.HasPrefix(c.Request().URL.Path, "/api/") || c.Request().Method != http.MethodGet {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/signin?next="+c.Request().URL.RequestURI())
}
