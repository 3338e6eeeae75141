package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// accountView adds what the layout and every form need: who is signed in,
// whether they are an instance administrator, and the CSRF token.
func (s *Server) accountView(c echo.Context, v *view) {
	v.Accounts = s.opts.Community != nil
	v.CSRF, _ = c.Get("csrf").(string)
	if p, ok := person(c); ok {
		v.Me = &p
		v.Admin = s.isAdmin(p.Email)
	}
}

// joinPage is the data of one of the account and joining pages. Each such
// type names the template that draws it, so that a handler cannot hand one
// page's data to another page's template.
type joinPage interface {
	template() string
}

// page renders one of the join pages; none of them is for search engines.
func (s *Server) page(c echo.Context, status int, title string, p joinPage) error {
	return s.render(c, status, p.template(), view{Title: title, Robots: "noindex", Page: p})
}

// joinPageRoutes are the pages' forms: each does what its API twin does, then
// sends the browser back to the page (303).
func (s *Server) joinPageRoutes(e *echo.Echo) {
	e.GET("/administrations/new", s.showRegister)
	e.POST("/administrations", s.formRegister)
	e.POST("/publishers/:id/membership", s.formRequestMembership)
	e.POST("/publishers/:id/code-hosting", s.formAddCodeHosting)
	e.POST("/publishers/:id/code-hosting/remove", s.formRemoveCodeHosting)
	e.POST("/publishers/:id/crawl", s.formCrawlPublisher)
	e.POST("/publishers/:id/crawl-repository", s.formCrawlRepository)
	e.POST("/publishers/:id/subscription", s.formSubscribe)
	e.POST("/publishers/:id/commit-counting", s.formCommitCounting)
	e.POST("/software/:id/joins", s.formDeclare)
	e.POST("/joins/:id/confirm", s.formConfirm)
	e.POST("/joins/:id/withdraw", s.formWithdraw)
	e.POST("/software/:id/join-info", s.formJoinInfo)
	e.POST("/software/:id/messages", s.formMessage)
	e.GET("/initiatives", s.showInitiatives)
	e.GET("/initiatives/new", s.showNewInitiative)
	e.POST("/initiatives", s.formCreateInitiative)
	e.GET("/initiatives/:id", s.showInitiative)
	e.POST("/initiatives/:id/pledges", s.formPledge)
	e.POST("/initiatives/:id/software", s.formLinkInitiative)
	e.GET("/admin", s.showAdmin)
	e.POST("/admin/memberships", s.formDecideMembership)
	e.POST("/admin/administrations/:id/approve", s.formApproveAdministration)
	e.POST("/admin/code-hosting/verify", s.formVerifyHosting)
	e.POST("/admin/publishers/:id/email-domains", s.formSetDomains)
}

// back redirects to a page of this site, with a note of what was done.
func back(c echo.Context, path, done string) error {
	if done != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		frag := ""
		if i := strings.IndexByte(path, '#'); i >= 0 {
			path, frag = path[:i], path[i:]
		}
		path += sep + "done=" + url.QueryEscape(done) + frag
	}
	return c.Redirect(http.StatusSeeOther, path)
}

// registerPage is the form that registers an administration; it has no data
// of its own.
type registerPage struct{}

func (registerPage) template() string { return "register" }

func (s *Server) showRegister(c echo.Context) error {
	if _, err := s.mustSignIn(c); err != nil {
		return s.signInFirst(c, err)
	}
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.register.title"), registerPage{})
}

func (s *Server) formRegister(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	p, err := s.opts.Community.RegisterAdministration(c.Request().Context(), a, catalogue.Publisher{Name: c.FormValue("name"),
		Country: c.FormValue("country"), URI: c.FormValue("uri"), EmailDomains: strings.Fields(strings.ReplaceAll(c.FormValue("emailDomains"), ",", " "))})
	if err != nil {
		return err
	}
	return back(c, "/publishers/"+p.ID, "registered")
}

func (s *Server) formRequestMembership(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.RequestMembership(c.Request().Context(), a, c.Param("id"), c.FormValue("note")); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id"), "membership-requested")
}

func (s *Server) formAddCodeHosting(c echo.Context) error {
	h := catalogue.CodeHosting{URL: strings.TrimSpace(c.FormValue("url")), Group: c.FormValue("group") == "true",
		Type: catalogue.HostingType(c.FormValue("type"))}
	if err := s.addCodeHosting(c, c.Param("id"), h); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id")+"#maintain", "hosting-added")
}

func (s *Server) formRemoveCodeHosting(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.RemoveCodeHosting(c.Request().Context(), a, c.Param("id"), c.FormValue("url")); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id")+"#maintain", "hosting-removed")
}

func (s *Server) formCrawlPublisher(c echo.Context) error {
	if err := s.crawlPublisherNow(c, c.Param("id")); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id")+"#repositories", "crawl-queued")
}

func (s *Server) formCrawlRepository(c echo.Context) error {
	if err := s.crawlRepositoryNow(c, c.FormValue("url")); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id")+"#repositories", "crawl-queued")
}

func (s *Server) formSubscribe(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	on := c.FormValue("subscribe") == "true"
	if err := s.opts.Community.Subscribe(c.Request().Context(), a, c.Param("id"), on); err != nil {
		return err
	}
	return back(c, localPath(c.FormValue("next")), "subscription")
}

func (s *Server) formDeclare(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	_, err = s.opts.Community.DeclareJoin(c.Request().Context(), a, catalogue.Join{Software: c.Param("id"), Publisher: c.FormValue("publisher"),
		Kind: catalogue.JoinKind(c.FormValue("kind")), Since: c.FormValue("since"), Note: c.FormValue("note"),
		Contact: catalogue.Contact{Name: c.FormValue("contactName"), Role: c.FormValue("contactRole"), Email: c.FormValue("contactEmail")}})
	if err != nil {
		return err
	}
	return back(c, "/software/"+c.Param("id")+"#join", "declared")
}

func (s *Server) formConfirm(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	j, err := s.opts.Community.ConfirmJoin(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	return back(c, "/software/"+j.Software+"#join", "confirmed")
}

func (s *Server) formWithdraw(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	j, err := s.opts.Community.Join(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.opts.Community.WithdrawJoin(c.Request().Context(), a, j.ID); err != nil {
		return err
	}
	return back(c, "/software/"+j.Software+"#join", "withdrawn")
}

func (s *Server) formJoinInfo(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.SetJoinInfo(c.Request().Context(), a, catalogue.JoinInfo{Software: c.Param("id"), Open: c.FormValue("open") == "true",
		Coordination: strings.TrimSpace(c.FormValue("coordination")), Meetings: strings.TrimSpace(c.FormValue("meetings")),
		Contributing: strings.TrimSpace(c.FormValue("contributing"))}); err != nil {
		return err
	}
	return back(c, "/software/"+c.Param("id")+"#join", "join-info")
}

func (s *Server) formMessage(c echo.Context) error {
	if _, err := s.messageCoUsers(c, c.Param("id"), c.FormValue("subject"), c.FormValue("text")); err != nil {
		return err
	}
	return back(c, "/software/"+c.Param("id")+"#join", "message-sent")
}

// pending is what waits for an instance administrator's decision.
type pending struct {
	memberships     []catalogue.Membership
	administrations []catalogue.Publisher
	hosting         []catalogue.PublisherHosting
}

// pendingWork reads what waits for an instance administrator, for the admin
// page and the API alike.
func (s *Server) pendingWork(ctx context.Context) (pending, error) {
	var w pending
	var err error
	if w.memberships, err = s.opts.Community.PendingMemberships(ctx); err != nil {
		return w, err
	}
	if w.administrations, err = s.opts.Community.PendingAdministrations(ctx); err != nil {
		return w, err
	}
	w.hosting, err = s.opts.Community.UnverifiedHosting(ctx)
	return w, err
}

func (s *Server) formDecideMembership(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.DecideMembership(c.Request().Context(), a, c.FormValue("person"), c.FormValue("publisher"),
		catalogue.MembershipStatus(c.FormValue("status"))); err != nil {
		return err
	}
	return back(c, localPath(c.FormValue("next")), "membership")
}

func (s *Server) formApproveAdministration(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.ApproveAdministration(c.Request().Context(), a, c.Param("id")); err != nil {
		return err
	}
	return back(c, "/admin", "administration")
}

func (s *Server) formVerifyHosting(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.VerifyCodeHosting(c.Request().Context(), a, c.FormValue("publisher"), c.FormValue("url"), catalogue.VerifiedByAdmin); err != nil {
		return err
	}
	return back(c, "/admin", "hosting")
}

func (s *Server) formSetDomains(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.opts.Community.SetEmailDomains(c.Request().Context(), a, c.Param("id"),
		strings.Fields(strings.ReplaceAll(c.FormValue("emailDomains"), ",", " "))); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id"), "domains")
}

// memberOf lists the administrations the signed-in person belongs to.
func (s *Server) memberOf(c echo.Context) ([]catalogue.Membership, error) {
	p, ok := person(c)
	if !ok {
		return nil, nil
	}
	ms, err := s.opts.Community.Memberships(c.Request().Context(), p.ID)
	if err != nil {
		return nil, err
	}
	var out []catalogue.Membership
	for _, m := range ms {
		if m.Status == catalogue.MemberApproved {
			out = append(out, m)
		}
	}
	return out, nil
}

// joinPanel is what the software page shows about joining it.
type joinPanel struct {
	Joins       []catalogue.Join
	Unconfirmed []catalogue.Join
	Info        catalogue.JoinInfo
	// Contacts says whether the viewer sees contact persons.
	Contacts bool
	// MemberOf are the viewer's administrations (they may declare for them);
	// Maintainer whether one of them publishes the software; CoUser whether one
	// of them declared a relation (they may write to the others).
	MemberOf   []catalogue.Membership
	Maintainer bool
	CoUser     bool
	Mine       map[string]bool
	// UsedBy are the file's usedBy names, matched to administrations here.
	UsedBy []usedByName
	// FileContacts are the maintainers the publiccode.yml names; Landing its
	// landing page.
	FileContacts []publiccode.Contact
	Landing      string
	Kinds        []catalogue.JoinKind
	Today        string
}

type usedByName struct {
	Name      string
	Publisher *catalogue.Publisher
}

// joinPanelFor gathers the software page's join panel.
func (s *Server) joinPanelFor(c echo.Context, sw catalogue.Software) (*joinPanel, error) {
	if s.opts.Community == nil {
		return nil, nil
	}
	ctx := c.Request().Context()
	all, err := s.opts.Community.Joins(ctx, sw.ID, "")
	if err != nil {
		return nil, err
	}
	jp := &joinPanel{Kinds: catalogue.JoinKinds, Today: time.Now().UTC().Format(time.DateOnly), Mine: map[string]bool{}}
	now := time.Now()
	for _, j := range all {
		if j.Confirmed(now) {
			jp.Joins = append(jp.Joins, j)
		} else {
			jp.Unconfirmed = append(jp.Unconfirmed, j)
		}
	}
	if jp.Info, err = s.opts.Community.JoinInfo(ctx, sw.ID); err != nil {
		return nil, err
	}
	if jp.MemberOf, err = s.memberOf(c); err != nil {
		return nil, err
	}
	jp.Contacts = len(jp.MemberOf) > 0
	for _, m := range jp.MemberOf {
		jp.Mine[m.Publisher] = true
		for _, p := range sw.Publishers {
			jp.Maintainer = jp.Maintainer || p == m.Publisher
		}
	}
	for _, j := range all {
		jp.CoUser = jp.CoUser || (jp.Mine[j.Publisher] && j.Confirmed(now))
	}
	if sw.File != nil {
		jp.Landing, jp.FileContacts = sw.File.LandingURL, sw.File.Maintenance.Contacts
		matched, err := s.opts.Community.PublishersNamed(ctx, sw.File.UsedBy)
		if err != nil {
			return nil, err
		}
		for _, n := range sw.File.UsedBy {
			u := usedByName{Name: n}
			if p, ok := matched[n]; ok {
				u.Publisher = &p
			}
			jp.UsedBy = append(jp.UsedBy, u)
		}
	}
	return jp, nil
}

// maintainPanel adds to the publisher page what its members and visitors may
// do: members manage code hosting, crawl now and subscribe; others ask to join.
func (s *Server) maintainPanel(c echo.Context, p catalogue.Publisher, data map[string]any) error {
	a := s.actor(c)
	data["Pending"] = p.Status == catalogue.PublisherPending
	data["Now"] = time.Now().UTC().Format(time.RFC3339)
	if a.Person == "" {
		return nil
	}
	ctx := c.Request().Context()
	if a.Admin {
		members, err := s.opts.Community.Members(ctx, p.ID)
		if err != nil {
			return err
		}
		data["Members"] = members
	}
	member, err := s.opts.Community.IsMember(ctx, a.Person, p.ID)
	if err != nil {
		return err
	}
	data["Member"] = member
	if member {
		subs, err := s.opts.Community.Subscriptions(ctx, a.Person)
		if err != nil {
			return err
		}
		for _, id := range subs {
			if id == p.ID {
				data["Subscribed"] = true
			}
		}
		data["CanCrawl"] = s.opts.Crawler != nil
		data["HostingTypes"] = []catalogue.HostingType{"", catalogue.HostingGitHub, catalogue.HostingGitLab, catalogue.HostingGitea,
			catalogue.HostingForgejo, catalogue.HostingBitbucket}
	}
	return nil
}
