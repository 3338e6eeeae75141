package ui

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// privacyPage says what the catalogue keeps about people and why; Deleted
// when it is where a deleted account lands.
type privacyPage struct {
	Deleted bool
}

func (privacyPage) template() string { return "privacy" }

// accountPage is the signed-in person's memberships, the administrations
// whose mails they receive (Subscribed, by publisher id), and the languages
// their mails may be written in.
type accountPage struct {
	Memberships []catalogue.Membership
	Subscribed  map[string]bool
	Languages   []langLink
	Done        string
}

func (accountPage) template() string { return "account" }

func (s *Server) showPrivacy(c echo.Context) error {
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.privacy.title"), privacyPage{Deleted: c.QueryParam("deleted") != ""})
}

func (s *Server) showAccount(c echo.Context) error {
	if _, err := s.mustSignIn(c); err != nil {
		return s.signInFirst(c, err)
	}
	me, _ := person(c)
	p, err := s.accountPageData(c.Request().Context(), me)
	if err != nil {
		return err
	}
	p.Done = c.QueryParam("done")
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.account.title"), p)
}

// accountPageData reads a person's memberships and subscriptions.
func (s *Server) accountPageData(ctx context.Context, me catalogue.Person) (accountPage, error) {
	ms, err := s.opts.Community.Memberships(ctx, me.ID)
	if err != nil {
		return accountPage{}, fmt.Errorf("account page: %w", err)
	}
	subs, err := s.opts.Community.Subscriptions(ctx, me.ID)
	if err != nil {
		return accountPage{}, fmt.Errorf("account page: %w", err)
	}
	p := accountPage{Memberships: ms, Subscribed: map[string]bool{}}
	for _, id := range subs {
		p.Subscribed[id] = true
	}
	for _, l := range i18n.Languages() {
		p.Languages = append(p.Languages, langLink{Lang: l, Name: autonyms[l], Current: l == me.Language})
	}
	return p, nil
}
