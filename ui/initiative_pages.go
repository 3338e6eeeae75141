package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// initiativesPage lists the initiatives: needs an administration posted so
// that others may join in before any software exists.
type initiativesPage struct {
	Initiatives []catalogue.Initiative
}

func (initiativesPage) template() string { return "initiatives" }

// initiativeNewPage is the form that posts an initiative; MemberOf are the
// administrations the signed-in person may post for (none: the form is not
// shown).
type initiativeNewPage struct {
	MemberOf []catalogue.Membership
}

func (initiativeNewPage) template() string { return "initiative_new" }

// initiativePage is one initiative with its pledges. MemberOf are the
// viewer's administrations (they may pledge for them); Initiator whether one
// of them posted it (they may link it to a software).
type initiativePage struct {
	I         catalogue.Initiative
	Software  *catalogue.Software
	MemberOf  []catalogue.Membership
	Initiator bool
	Done      string
}

func (initiativePage) template() string { return "initiative" }

func (s *Server) showInitiatives(c echo.Context) error {
	list, err := s.opts.Community.Initiatives(c.Request().Context())
	if err != nil {
		return err
	}
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.initiatives.title"), initiativesPage{Initiatives: list})
}

func (s *Server) showNewInitiative(c echo.Context) error {
	if _, err := s.mustSignIn(c); err != nil {
		return s.signInFirst(c, err)
	}
	ms, err := s.memberOf(c)
	if err != nil {
		return err
	}
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.initiative.new.title"), initiativeNewPage{MemberOf: ms})
}

func (s *Server) formCreateInitiative(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	in, err := s.opts.Community.CreateInitiative(c.Request().Context(), a, catalogue.Initiative{Publisher: c.FormValue("publisher"),
		Title: c.FormValue("title"), Problem: c.FormValue("problem"), Requirements: c.FormValue("requirements"), Budget: c.FormValue("budget")})
	if err != nil {
		return err
	}
	return back(c, "/initiatives/"+in.ID, "created")
}

func (s *Server) showInitiative(c echo.Context) error {
	p, err := s.initiativePageData(c, c.Param("id"))
	if err != nil {
		return err
	}
	p.Done = c.QueryParam("done")
	return s.page(c, http.StatusOK, p.I.Title, p)
}

// initiativePageData gathers an initiative, the software it is linked to (when
// that is still listed) and what the viewer may do with it.
func (s *Server) initiativePageData(c echo.Context, id string) (initiativePage, error) {
	ctx := c.Request().Context()
	in, err := s.opts.Community.Initiative(ctx, id)
	if err != nil {
		return initiativePage{}, fmt.Errorf("initiative %s: %w", id, err)
	}
	p := initiativePage{I: in}
	if in.Software != "" {
		if got, err := s.store.Software(ctx, in.Software); err == nil {
			p.Software = &got
		}
	}
	if p.MemberOf, err = s.memberOf(c); err != nil {
		return initiativePage{}, fmt.Errorf("initiative %s: %w", id, err)
	}
	for _, m := range p.MemberOf {
		p.Initiator = p.Initiator || m.Publisher == in.Publisher
	}
	return p, nil
}

func (s *Server) formPledge(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.Pledge(c.Request().Context(), a, c.Param("id"), catalogue.Pledge{Publisher: c.FormValue("publisher"),
		Kind: catalogue.PledgeKind(c.FormValue("kind")), Note: c.FormValue("note")}); err != nil {
		return err
	}
	return back(c, "/initiatives/"+c.Param("id"), "pledged")
}

func (s *Server) formLinkInitiative(c echo.Context) error {
	software := strings.TrimSpace(c.FormValue("software"))
	if i := strings.LastIndex(software, "/software/"); i >= 0 {
		software = strings.Trim(software[i+len("/software/"):], "/")
	}
	if err := s.linkInitiative(c, c.Param("id"), software); err != nil {
		return err
	}
	return back(c, "/initiatives/"+c.Param("id"), "linked")
}
