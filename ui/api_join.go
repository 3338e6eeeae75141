package ui

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/mail"
)

// joinRoutes are the JSON API of joining and the pages' form handlers.
func (s *Server) joinRoutes(e *echo.Echo, api *echo.Group) {
	api.POST("/software/:id/joins", s.apiDeclareJoin)
	api.POST("/joins/:id/confirm", s.apiConfirmJoin)
	api.DELETE("/joins/:id", s.apiWithdrawJoin)
	api.PUT("/software/:id/join-info", s.apiSetJoinInfo)
	api.POST("/software/:id/messages", s.apiMessageCoUsers)

	api.GET("/initiatives", s.apiListInitiatives)
	api.GET("/initiatives/:id", s.apiInitiative)
	api.POST("/initiatives", s.apiCreateInitiative)
	api.POST("/initiatives/:id/pledges", s.apiPledge)
	api.PUT("/initiatives/:id/software", s.apiLinkInitiative)

	api.POST("/administrations", s.apiRegisterAdministration)
	api.POST("/publishers/:id/memberships", s.apiRequestMembership)
	api.POST("/publishers/:id/code-hosting", s.apiAddCodeHosting)
	api.DELETE("/publishers/:id/code-hosting", s.apiRemoveCodeHosting)
	api.POST("/publishers/:id/crawl", s.apiCrawlPublisher)
	api.PUT("/publishers/:id/commit-counting", s.apiCommitCounting)
	api.POST("/repositories/crawl", s.apiCrawlRepository)
	api.PUT("/me/subscriptions/:publisher", s.apiSubscribe)
	api.DELETE("/me/subscriptions/:publisher", s.apiSubscribe)

	adm := api.Group("/admin")
	adm.GET("/pending", s.apiPending)
	adm.POST("/memberships", s.apiDecideMembership)
	adm.POST("/administrations/:id/approve", s.apiApproveAdministration)
	adm.POST("/code-hosting/verify", s.apiVerifyHosting)
	adm.PUT("/publishers/:id/email-domains", s.apiSetDomains)
	adm.GET("/audit", s.apiAudit)

	s.joinPageRoutes(e)
}

// readJSON decodes a request body of at most 64 KiB into v.
func readJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest{"the body is not the JSON expected: " + err.Error()}
	}
	return nil
}

func jsonStatus(c echo.Context, status int, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(status)
	return jsonEncode(c.Response(), v)
}

// joinItem is a join record as the API and the change feed show it, identified
// across instances by its administration's URI. Contact only for signed-in
// members of administrations, and never in the feed.
type joinItem struct {
	ID string `json:"id"`
	// Instance is where the record was declared.
	Instance       string             `json:"instance,omitempty"`
	Software       string             `json:"software,omitempty"`
	Administration administrationItem `json:"administration"`
	Kind           catalogue.JoinKind `json:"kind"`
	Since          string             `json:"since"`
	Verified       bool               `json:"verified"`
	Confirmed      bool               `json:"confirmed"`
	ConfirmedUntil string             `json:"confirmedUntil,omitempty"`
	Note           string             `json:"note,omitempty"`
	Contact        *catalogue.Contact `json:"contact,omitempty"`
	// Evidence, on a co-develops record, is the administration's commits.
	Evidence *evidenceItem `json:"evidence,omitempty"`
}

type administrationItem struct {
	// ID is the publisher here, when the administration is one of ours.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	URI  string `json:"uri,omitempty"`
}

func newJoinItem(j catalogue.Join, contacts bool, now time.Time) joinItem {
	it := joinItem{ID: j.ID, Administration: administrationItem{ID: j.Publisher, Name: j.PublisherName, URI: j.PublisherURI},
		Kind: j.Kind, Since: j.Since, Verified: j.Verified, Confirmed: j.Confirmed(now),
		ConfirmedUntil: j.ConfirmedUntil.UTC().Format(time.RFC3339), Note: j.Note}
	if contacts && j.Contact.Email != "" {
		c := j.Contact
		it.Contact = &c
	}
	return it
}

// harvestedJoinItem shows a record another instance declared, as it said it.
func harvestedJoinItem(r catalogue.JoinRecord) joinItem {
	d := r.Details()
	it := joinItem{ID: r.ID, Instance: r.Instance, Administration: administrationItem{ID: r.Publisher, Name: r.PublisherName, URI: r.PublisherURI},
		Kind: catalogue.JoinKind(r.Relation), Since: r.Since, Verified: d.Verified, ConfirmedUntil: d.ConfirmedUntil, Note: d.Note}
	switch {
	case d.Confirmed != nil:
		it.Confirmed = *d.Confirmed
	case d.ConfirmedUntil != "":
		t, err := time.Parse(time.RFC3339, d.ConfirmedUntil)
		it.Confirmed = err == nil && time.Now().Before(t)
	}
	return it
}

// softwareJoins are a software's records: those declared here (without
// contacts, Instance left for publish to fill), then those of other instances.
func softwareJoins(sw catalogue.Software, now time.Time) []joinItem {
	out := make([]joinItem, 0, len(sw.Declared)+len(sw.Joins))
	for _, j := range sw.Declared {
		it := newJoinItem(j, false, now)
		it.Evidence = evidenceFor(sw.Contributions, j.Kind, j.Publisher)
		out = append(out, it)
	}
	for _, r := range sw.Joins {
		it := harvestedJoinItem(r)
		it.Evidence = evidenceFor(sw.Contributions, it.Kind, r.Publisher)
		out = append(out, it)
	}
	return out
}

// publish is a software entry as this instance publishes it: its records
// declared here are attributed to this instance.
func (s *Server) publish(sw catalogue.Software) softwareItem {
	it := s.withStale(newSoftwareItem(sw))
	for i := range it.Joins[:len(sw.Declared)] {
		it.Joins[i].Instance = s.opts.Federation.InstanceID
	}
	return it
}

// seesContacts reports whether the request may see join contacts: signed in
// and an approved member of some administration.
func (s *Server) seesContacts(c echo.Context) (bool, error) {
	p, ok := person(c)
	if !ok || s.accounts == nil {
		return false, nil
	}
	ms, err := s.members.Memberships(c.Request().Context(), p.ID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.Status == catalogue.MemberApproved {
			return true, nil
		}
	}
	return false, nil
}

// withContacts adds the contacts of the records declared here, for those who
// may see them.
func (s *Server) withContacts(c echo.Context, it *softwareItem, sw catalogue.Software) error {
	ok, err := s.seesContacts(c)
	if err != nil || !ok {
		return err
	}
	for i, j := range sw.Declared {
		if j.Contact.Email != "" {
			ct := j.Contact
			it.Joins[i].Contact = &ct
		}
	}
	return nil
}

type declaration struct {
	Publisher string             `json:"publisher"`
	Kind      catalogue.JoinKind `json:"kind"`
	Since     string             `json:"since"`
	Contact   catalogue.Contact  `json:"contact"`
	Note      string             `json:"note"`
}

// apiDeclareJoin answers POST /api/v1/software/{id}/joins.
func (s *Server) apiDeclareJoin(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var d declaration
	if err := readJSON(c, &d); err != nil {
		return err
	}
	j, err := s.joins.DeclareJoin(c.Request().Context(), a, catalogue.Join{Software: c.Param("id"), Publisher: d.Publisher,
		Kind: d.Kind, Since: d.Since, Contact: d.Contact, Note: d.Note})
	if err != nil {
		return err
	}
	return jsonStatus(c, http.StatusCreated, newJoinItem(j, true, time.Now()))
}

// apiConfirmJoin answers POST /api/v1/joins/{id}/confirm.
func (s *Server) apiConfirmJoin(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	j, err := s.joins.ConfirmJoin(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	return jsonOK(c, newJoinItem(j, true, time.Now()))
}

// apiWithdrawJoin answers DELETE /api/v1/joins/{id}.
func (s *Server) apiWithdrawJoin(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.joins.WithdrawJoin(c.Request().Context(), a, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiSetJoinInfo answers PUT /api/v1/software/{id}/join-info.
func (s *Server) apiSetJoinInfo(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var info catalogue.JoinInfo
	if err := readJSON(c, &info); err != nil {
		return err
	}
	info.Software = c.Param("id")
	if err := s.joins.SetJoinInfo(c.Request().Context(), a, info); err != nil {
		return err
	}
	got, err := s.joins.JoinInfo(c.Request().Context(), info.Software)
	if err != nil {
		return err
	}
	return jsonOK(c, got)
}

// messageCoUsers mails one message to the contact of every other administration
// that declared a relation to the software, each mail to one recipient, so that
// nobody sees the others' addresses; replies go to the sender. The catalogue's
// words around the message are in each recipient's language.
func (s *Server) messageCoUsers(c echo.Context, software, subject, text string) (int, error) {
	a, err := s.mustSignIn(c)
	if err != nil {
		return 0, err
	}
	subject, text = strings.TrimSpace(subject), strings.TrimSpace(text)
	if subject == "" || text == "" || len(subject) > 200 || len(text) > 10000 || strings.ContainsAny(subject, "\r\n") {
		return 0, badRequest{"write a subject (one line, at most 200 characters) and a message (at most 10000)"}
	}
	sw, err := s.catalog.Software(c.Request().Context(), software)
	if err != nil {
		return 0, err
	}
	to, err := s.joins.CoUsers(c.Request().Context(), a, software)
	if err != nil {
		return 0, err
	}
	if !s.messageLimit.allow(a.Person) {
		return 0, echo.NewHTTPError(http.StatusTooManyRequests, "you sent several messages in the last hours: wait before sending another")
	}
	link := strings.TrimRight(s.opts.PublicURL, "/") + "/software/" + sw.ID
	mails := make([]catalogue.Mail, 0, len(to))
	for _, ct := range to {
		l, err := s.recipientLocaliser(c.Request().Context(), ct.Email)
		if err != nil {
			return 0, err
		}
		mails = append(mails, catalogue.Mail{To: ct.Email, ReplyTo: a.Email, Subject: "[" + sw.Name + "] " + subject, Lang: l.Lang,
			Text: l.T("ui.mail.couser.text", "sender", a.Email, "software", sw.Name, "message", text, "link", link) + "\n"})
	}
	return len(mails), mail.Enqueue(c.Request().Context(), s.mail, mails...)
}

// recipientLocaliser writes to an address in the language of the person who
// signed in with it, or in English.
func (s *Server) recipientLocaliser(ctx context.Context, email string) (localiser, error) {
	lang, err := s.accounts.LanguageOf(ctx, email)
	if err != nil {
		return localiser{}, err
	}
	return localiser{b: s.texts, Lang: mail.Language(lang)}, nil
}

// apiMessageCoUsers answers POST /api/v1/software/{id}/messages.
func (s *Server) apiMessageCoUsers(c echo.Context) error {
	var m struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
	}
	if err := readJSON(c, &m); err != nil {
		return err
	}
	n, err := s.messageCoUsers(c, c.Param("id"), m.Subject, m.Text)
	if err != nil {
		return err
	}
	return jsonStatus(c, http.StatusAccepted, map[string]int{"recipients": n})
}

// apiListInitiatives answers GET /api/v1/initiatives.
func (s *Server) apiListInitiatives(c echo.Context) error {
	list, err := s.initiatives.Initiatives(c.Request().Context())
	if err != nil {
		return err
	}
	return jsonOK(c, listResponse{Data: list, Links: listLinks{}})
}

// apiInitiative answers GET /api/v1/initiatives/{id}.
func (s *Server) apiInitiative(c echo.Context) error {
	in, err := s.initiatives.Initiative(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return jsonOK(c, in)
}

// apiCreateInitiative answers POST /api/v1/initiatives.
func (s *Server) apiCreateInitiative(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var in struct {
		Publisher, Title, Problem, Requirements, Budget string
	}
	if err := readJSON(c, &in); err != nil {
		return err
	}
	got, err := s.initiatives.CreateInitiative(c.Request().Context(), a, catalogue.Initiative{Publisher: in.Publisher, Title: in.Title,
		Problem: in.Problem, Requirements: in.Requirements, Budget: in.Budget})
	if err != nil {
		return err
	}
	return jsonStatus(c, http.StatusCreated, got)
}

// apiPledge answers POST /api/v1/initiatives/{id}/pledges.
func (s *Server) apiPledge(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var p catalogue.Pledge
	if err := readJSON(c, &p); err != nil {
		return err
	}
	if err := s.initiatives.Pledge(c.Request().Context(), a, c.Param("id"), p); err != nil {
		return err
	}
	in, err := s.initiatives.Initiative(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return jsonStatus(c, http.StatusCreated, in)
}

// linkInitiative links a software and tells the pledgers, each in their language.
func (s *Server) linkInitiative(c echo.Context, id, software string) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tell, err := s.initiatives.LinkInitiative(ctx, a, id, software)
	if err != nil {
		return err
	}
	in, err := s.initiatives.Initiative(ctx, id)
	if err != nil {
		return err
	}
	sw, err := s.catalog.Software(ctx, software)
	if err != nil {
		return err
	}
	base := strings.TrimRight(s.opts.PublicURL, "/")
	var mails []catalogue.Mail
	for _, p := range tell {
		l := localiser{b: s.texts, Lang: mail.Language(p.Language)}
		mails = append(mails, catalogue.Mail{To: p.Email, Lang: l.Lang, Subject: l.T("ui.mail.initiative.subject", "title", in.Title),
			Text: l.T("ui.mail.initiative.text", "title", in.Title, "publisher", in.PublisherName, "software", sw.Name,
				"softwareLink", base+"/software/"+sw.ID, "initiativeLink", base+"/initiatives/"+in.ID) + "\n"})
	}
	return mail.Enqueue(ctx, s.mail, mails...)
}

// apiLinkInitiative answers PUT /api/v1/initiatives/{id}/software.
func (s *Server) apiLinkInitiative(c echo.Context) error {
	var body struct {
		Software string `json:"software"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if err := s.linkInitiative(c, c.Param("id"), body.Software); err != nil {
		return err
	}
	return s.apiInitiative(c)
}

// apiRegisterAdministration answers POST /api/v1/administrations.
func (s *Server) apiRegisterAdministration(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var body struct {
		Name         string   `json:"name"`
		Country      string   `json:"country"`
		URI          string   `json:"uri"`
		EmailDomains []string `json:"emailDomains"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	p, err := s.members.RegisterAdministration(c.Request().Context(), a, catalogue.Publisher{Name: body.Name, Country: body.Country,
		URI: body.URI, EmailDomains: body.EmailDomains})
	if err != nil {
		return err
	}
	return jsonStatus(c, http.StatusCreated, newPublisherItem(p))
}

// apiRequestMembership answers POST /api/v1/publishers/{id}/memberships.
func (s *Server) apiRequestMembership(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var body struct {
		Note string `json:"note"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if err := s.members.RequestMembership(c.Request().Context(), a, c.Param("id"), body.Note); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

// addCodeHosting adds a site entry, queues its forge check and its crawl.
func (s *Server) addCodeHosting(c echo.Context, publisher string, h catalogue.CodeHosting) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.checkSiteHosting(ctx, h.URL); err != nil {
		return err
	}
	if err := s.hosting.AddCodeHosting(ctx, a, publisher, h); err != nil {
		return err
	}
	if s.opts.Crawler != nil {
		if err := s.opts.Crawler.QueueVerifyHosting(ctx, publisher, h.URL); err != nil {
			return err
		}
		return s.opts.Crawler.CrawlPublisherNow(ctx, publisher)
	}
	return nil
}

// apiAddCodeHosting answers POST /api/v1/publishers/{id}/code-hosting.
func (s *Server) apiAddCodeHosting(c echo.Context) error {
	var h catalogue.CodeHosting
	if err := readJSON(c, &h); err != nil {
		return err
	}
	h.Origin, h.Verified = "", ""
	if err := s.addCodeHosting(c, c.Param("id"), h); err != nil {
		return err
	}
	return s.apiPublisherStatus(c, http.StatusCreated)
}

func (s *Server) apiPublisherStatus(c echo.Context, status int) error {
	p, err := s.catalog.Publisher(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return jsonStatus(c, status, newPublisherItem(p))
}

// apiRemoveCodeHosting answers DELETE /api/v1/publishers/{id}/code-hosting?url=URL.
func (s *Server) apiRemoveCodeHosting(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.hosting.RemoveCodeHosting(c.Request().Context(), a, c.Param("id"), c.QueryParam("url")); err != nil {
		return err
	}
	return s.apiPublisherStatus(c, http.StatusOK)
}

// crawlPublisherNow is for the publisher's members.
func (s *Server) crawlPublisherNow(c echo.Context, publisher string) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := catalogue.Authorize(c.Request().Context(), s.members, a, catalogue.ActCrawlPublisher, publisher); err != nil {
		return err
	}
	if s.opts.Crawler == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "this server does not crawl")
	}
	if err := take("ui.limit.crawl", limitKey{s.limits.crawlPublisher, publisher}, limitKey{s.limits.crawlPerson, a.Person}); err != nil {
		return err
	}
	return s.opts.Crawler.CrawlPublisherNow(c.Request().Context(), publisher)
}

// crawlRepositoryNow is for members of a publisher that lists the repository.
func (s *Server) crawlRepositoryNow(c echo.Context, url string) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	canonical, err := catalogue.CanonicalURL(url)
	if err != nil {
		return err
	}
	repo, err := s.joins.Repository(c.Request().Context(), canonical)
	if err != nil {
		return err
	}
	if err := catalogue.Authorize(c.Request().Context(), s.members, a, catalogue.ActCrawlRepository, repo.Publishers...); err != nil {
		return err
	}
	if s.opts.Crawler == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "this server does not crawl")
	}
	if err := take("ui.limit.crawl", limitKey{s.limits.crawlRepository, canonical}, limitKey{s.limits.crawlPerson, a.Person}); err != nil {
		return err
	}
	return s.opts.Crawler.CrawlNow(c.Request().Context(), url)
}

// apiCrawlPublisher answers POST /api/v1/publishers/{id}/crawl.
func (s *Server) apiCrawlPublisher(c echo.Context) error {
	if err := s.crawlPublisherNow(c, c.Param("id")); err != nil {
		return err
	}
	return jsonStatus(c, http.StatusAccepted, map[string]string{"status": "queued"})
}

// apiCrawlRepository answers POST /api/v1/repositories/crawl {"url": URL}.
func (s *Server) apiCrawlRepository(c echo.Context) error {
	var body struct {
		URL string `json:"url"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if err := s.crawlRepositoryNow(c, body.URL); err != nil {
		return err
	}
	return jsonStatus(c, http.StatusAccepted, map[string]string{"status": "queued"})
}

// apiSubscribe answers PUT and DELETE /api/v1/me/subscriptions/{publisher}.
func (s *Server) apiSubscribe(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.accounts.Subscribe(c.Request().Context(), a, c.Param("publisher"), c.Request().Method == http.MethodPut); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// pendingResponse is what waits for an instance administrator, as GET
// /api/v1/admin/pending answers it (fields in the order a map of them was
// written).
type pendingResponse struct {
	Administrations []publisherItem              `json:"administrations"`
	CodeHosting     []catalogue.PublisherHosting `json:"codeHosting"`
	Memberships     []catalogue.Membership       `json:"memberships"`
}

// apiPending answers GET /api/v1/admin/pending: what waits for an instance
// administrator.
func (s *Server) apiPending(c echo.Context) error {
	if err := s.mustBeAdmin(c); err != nil {
		return err
	}
	w, err := s.pendingWork(c.Request().Context())
	if err != nil {
		return err
	}
	items := make([]publisherItem, 0, len(w.administrations))
	for _, p := range w.administrations {
		items = append(items, newPublisherItem(p))
	}
	return jsonOK(c, pendingResponse{Administrations: items, CodeHosting: w.hosting, Memberships: w.memberships})
}

// mustBeAdmin refuses who may not review what waits for an instance
// administrator (the administration page and API).
func (s *Server) mustBeAdmin(c echo.Context) error {
	return s.mustBeAdminFor(c, catalogue.ActReviewPending)
}

// mustBeAdminFor refuses, for an act of instance administrators, who is not
// signed in (401) or not one of them (403).
func (s *Server) mustBeAdminFor(c echo.Context, act catalogue.Act) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	return catalogue.Authorize(c.Request().Context(), nil, a, act)
}

// apiDecideMembership answers POST /api/v1/admin/memberships.
func (s *Server) apiDecideMembership(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var body struct {
		Person    string                     `json:"person"`
		Publisher string                     `json:"publisher"`
		Status    catalogue.MembershipStatus `json:"status"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if err := s.members.DecideMembership(c.Request().Context(), a, body.Person, body.Publisher, body.Status); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiApproveAdministration answers POST /api/v1/admin/administrations/{id}/approve.
func (s *Server) apiApproveAdministration(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if err := s.members.ApproveAdministration(c.Request().Context(), a, c.Param("id")); err != nil {
		return err
	}
	return s.apiPublisherStatus(c, http.StatusOK)
}

// apiVerifyHosting answers POST /api/v1/admin/code-hosting/verify.
func (s *Server) apiVerifyHosting(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var body struct {
		Publisher string `json:"publisher"`
		URL       string `json:"url"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if err := s.hosting.VerifyCodeHosting(c.Request().Context(), a, body.Publisher, body.URL, catalogue.VerifiedByAdmin); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiSetDomains answers PUT /api/v1/admin/publishers/{id}/email-domains.
func (s *Server) apiSetDomains(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	var body struct {
		EmailDomains []string `json:"emailDomains"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if err := s.members.SetEmailDomains(c.Request().Context(), a, c.Param("id"), body.EmailDomains); err != nil {
		return err
	}
	return s.apiPublisherStatus(c, http.StatusOK)
}

// apiAudit answers GET /api/v1/admin/audit?publisher=ID.
func (s *Server) apiAudit(c echo.Context) error {
	if err := s.mustBeAdminFor(c, catalogue.ActReadAudit); err != nil {
		return err
	}
	log, err := s.members.AuditLog(c.Request().Context(), c.QueryParam("publisher"), 500)
	if err != nil {
		return err
	}
	return jsonOK(c, listResponse{Data: log, Links: listLinks{}})
}
