// Package ui is Oscat's web server: HTML pages for people, the JSON API for
// programs. It reads the catalogue and the search index; it never writes the
// index itself.
package ui

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/crawler/safehttp"
	"github.com/oscat-eu/oscat/search"
)

// Options configure the server.
type Options struct {
	// PublicURL is the catalogue's public address, for absolute links in feeds and
	// mails; it is never built from a request's Host header.
	PublicURL string
	// TrustedProxies are the address ranges of reverse proxies whose
	// X-Forwarded-For header is believed. Empty: the client is the connection's peer.
	TrustedProxies []*net.IPNet
	Logger         *slog.Logger
	// FetchPolicy is what the validator's URL field and OpenID Connect discovery
	// may reach; the zero policy refuses private, loopback and link-local addresses.
	FetchPolicy safehttp.Policy
	// Outbox, when set, is a folder where barrier reports from the accessibility
	// statement are written, one file each (they are always logged too).
	Outbox string
	// Metrics, when set, is served at /metrics (Prometheus).
	Metrics http.Handler
	// Ready, when set, says whether the node is ready for its role (a web node:
	// its index caught up), beside the store answering: /readyz is 503 until then.
	Ready func(ctx context.Context) error
	// Federation settings (see federation.go).
	Federation FederationOptions

	// Admins are the e-mail addresses of the instance administrators.
	Admins []string
	// OIDC, when its Issuer is set, offers sign-in through an OpenID Connect provider.
	OIDC OIDCConfig
	// Crawler, when set, lets maintainers crawl now and checks new code hosting.
	Crawler CrawlTrigger
	// Drafter, when set, drafts publiccode.yml files for repositories the
	// catalogue does not crawl, for signed-in people (DraftsPerHour each,
	// default 10).
	Drafter       RepositoryDrafter
	DraftsPerHour int
	// SignInPerAddress caps the sign-in links mailed to one address in an hour
	// (default 5); SignInPerClient those one client asks for (default 20).
	SignInPerAddress int
	SignInPerClient  int
	// ValidateConcurrency caps the validations this process runs at once
	// (default the number of CPUs, at least DefaultValidateConcurrency);
	// ValidatePerMinute those one client may ask for in a minute
	// (default DefaultValidatePerMinute).
	ValidateConcurrency int
	ValidatePerMinute   int
	// Hooks, when set, takes forges' push webhooks at /hooks/FORGE (see
	// Sources.HookSecrets for showing their secrets).
	Hooks HookReceiver
	// HooksPerMinute caps the webhook deliveries one client may send (default 120).
	HooksPerMinute int
	// RepositoryFiles, when set, lists on publisher pages the publiccode files
	// of repositories that hold several.
	RepositoryFiles RepositoryFiles
	// Status feeds the operator's status (see admin_status.go).
	Status StatusOptions
}

// CrawlTrigger is what the site asks of the crawler.
type CrawlTrigger interface {
	CrawlNow(ctx context.Context, repoURL string) error
	CrawlPublisherNow(ctx context.Context, publisherID string) error
	QueueVerifyHosting(ctx context.Context, publisherID, url string) error
}

// Server serves the site and the API.
type Server struct {
	// The stores, one per handler group (see Sources); accounts and the rest
	// of the community's are nil when accounts are off.
	catalog       CatalogSource
	codes         CodeSource
	federation    FederationSource
	accounts      AccountSource
	members       MemberSource
	joins         JoinSource
	initiatives   InitiativeSource
	hosting       HostingSource
	mail          MailQueue
	hookSecrets   catalogue.HookSecrets
	collaboration CollaborationSource
	contributions ContributionSource
	index         *search.Index
	opts          Options
	log           *slog.Logger
	echo          *echo.Echo
	pages         map[string]*template.Template
	texts         *i18n.Bundle
	snaps         snapshots
	// entries are the entries lists of results show (see entryCache).
	entries *entryCache
	// signInLimit brakes sign-in mails per client; messageLimit co-user messages.
	signInLimit  *clientLimiter
	messageLimit *clientLimiter
	hookLimit    *clientLimiter
	oidc         *oidcClient
	// draftLimit brakes drafts of uncrawled repositories per person.
	draftLimit *clientLimiter
	// validation bounds the anonymous validator; validateFetch is the one client
	// of its URL field, under the fetch policy, reused by every request.
	validation      *validationGate
	validateFetch   *http.Client
	validateTimeout time.Duration
	limits          siteLimits
	// status are the operator's status's sources.
	status statusSources
	// key is the store's site key (see siteKey).
	keyMu sync.Mutex
	key   []byte
}

// New builds the server on the stores src names.
func New(src Sources, index *search.Index, opts Options) (*Server, error) {
	if err := src.check(); err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	pages, err := loadTemplates()
	if err != nil {
		return nil, err
	}
	texts, err := newBundle()
	if err != nil {
		return nil, err
	}
	if opts.SignInPerAddress <= 0 {
		opts.SignInPerAddress = 5
	}
	if opts.SignInPerClient <= 0 {
		opts.SignInPerClient = 20
	}
	if opts.HooksPerMinute <= 0 {
		opts.HooksPerMinute = 120
	}
	s := &Server{entries: newEntryCache(entryCacheSize), catalog: src.Catalog, codes: src.Code, federation: src.Federation, hookSecrets: src.HookSecrets,
		collaboration: src.Collaboration, contributions: src.Contributions, index: index, opts: opts, log: log, pages: pages, texts: texts,
		signInLimit:  newClientLimiter(time.Hour/time.Duration(opts.SignInPerClient), opts.SignInPerClient),
		messageLimit: newClientLimiter(time.Hour, 5),
		hookLimit:    newClientLimiter(time.Minute/time.Duration(opts.HooksPerMinute), opts.HooksPerMinute)}
	if opts.DraftsPerHour <= 0 {
		opts.DraftsPerHour = 10
	}
	s.draftLimit = newClientLimiter(time.Hour/time.Duration(opts.DraftsPerHour), opts.DraftsPerHour)
	if c := src.Community; c != nil {
		s.accounts, s.members, s.joins, s.initiatives, s.hosting, s.mail = c.Accounts, c.Members, c.Joins, c.Initiatives, c.Hosting, c.Mail
	}
	s.validation = newValidationGate(opts.ValidateConcurrency, opts.ValidatePerMinute)
	s.validateFetch, s.validateTimeout = validationClient(opts.FetchPolicy)
	s.limits = newSiteLimits()
	s.status = resolveStatus(opts.Status, src.Catalog)
	if opts.OIDC.Issuer != "" {
		s.oidc = &oidcClient{cfg: opts.OIDC, http: opts.FetchPolicy.Client()}
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(opts.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	e.Use(s.recoverPanics, s.logRequests, securityHeaders(strings.HasPrefix(strings.ToLower(opts.PublicURL), "https://")), s.chooseLanguage, s.limitValidation, s.identify)
	s.routes(e)
	s.echo = e
	return s, nil
}

// ipExtractor trusts the connection's peer unless the operator named proxies.
func ipExtractor(proxies []*net.IPNet) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(p))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func (s *Server) routes(e *echo.Echo) {
	s.pageRoutes(e)

	api := e.Group("/api/v1")
	api.GET("/software", s.apiListSoftware)
	api.GET("/software/:id", s.apiSoftware)
	api.GET("/publishers", s.apiListPublishers)
	api.GET("/publishers/:id", s.apiPublisher)
	api.GET("/code", s.apiListCode)
	api.GET("/code/:id", s.apiCode)
	api.POST("/drafts", s.apiDraft)
	api.POST("/validate", s.apiValidate)
	api.GET("/openapi.json", openAPIDocument)
	e.GET("/schemas/:name", schemaFile)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	s.crawlerRoutes(e, api)
	if s.accounts != nil {
		s.accountRoutes(e, api)
		s.joinRoutes(e, api)
	}
	s.federationRoutes(e, api)
	s.hookRoutes(e)
	s.statusRoutes(e, api)
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return ServeHandler(ctx, ln, s, s.log, 10*time.Second)
}

func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic while serving", "path", c.Request().URL.Path, "panic", r)
				err = echo.NewHTTPError(http.StatusInternalServerError)
			}
		}()
		return next(c)
	}
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(c.Request().Context(), level, "request", "method", c.Request().Method, "path", c.Request().URL.Path,
			"status", status, "duration", time.Since(start).Round(time.Microsecond), "client", c.RealIP())
		return nil
	}
}

// securityHeaders go on every response; HSTS when the public URL is https (the
// site is then reached through TLS only, whatever proxy ends it).
func securityHeaders(https bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			if https {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			return next(c)
		}
	}
}
