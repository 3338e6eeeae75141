package ui

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/push"
)

// HookReceiver takes forges' push webhooks (see crawler/push).
type HookReceiver interface {
	Receive(ctx context.Context, forge string, h http.Header, body []byte, client string) (push.Result, error)
}

// hookForges are the forges with an endpoint, in the order the page shows them.
var hookForges = []catalogue.HostingType{catalogue.HostingGitHub, catalogue.HostingGitLab, catalogue.HostingGitea,
	catalogue.HostingForgejo, catalogue.HostingBitbucket}

// maxHookBody caps a delivery's body (GitHub caps its payloads at 25 MB, but a
// push's first kilobytes name its repository; bigger pushes are cut by the
// forge's 20-commit lists long before this).
const maxHookBody = 5 << 20

func (s *Server) hookRoutes(e *echo.Echo) {
	if s.opts.Hooks == nil {
		return
	}
	for _, f := range hookForges {
		e.POST("/hooks/"+string(f), s.receiveHook(string(f)))
	}
	e.POST("/publishers/:id/code-hosting/hook-secret", s.formRotateHookSecret)
}

// receiveHook is the endpoint of one forge's deliveries. They carry
// signatures, not cookies: they are exempt from the CSRF check, and limited
// per client instead.
func (s *Server) receiveHook(forge string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.hookLimit.allow(c.RealIP()) {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(s.hookLimit.refill().Seconds())+1))
			s.log.Warn("webhook deliveries rate-limited", "forge", forge, "client", c.RealIP())
			return echo.NewHTTPError(http.StatusTooManyRequests, "too many deliveries from this address: retry later")
		}
		body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxHookBody))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "the delivery is larger than "+strconv.Itoa(maxHookBody>>20)+" MiB")
		}
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "the delivery's body could not be read")
		}
		res, err := s.opts.Hooks.Receive(c.Request().Context(), forge, c.Request().Header, body, c.RealIP())
		if err != nil {
			return err
		}
		switch res.Outcome {
		case push.Refused:
			return echo.NewHTTPError(http.StatusUnauthorized, res.Reason)
		case push.Malformed:
			return echo.NewHTTPError(http.StatusBadRequest, res.Reason)
		}
		return c.JSON(http.StatusAccepted, res)
	}
}

// hookPanel is what an administration's members see of push webhooks on its page.
type hookPanel struct {
	Entries []hookEntry
}

// hookEntry is one code-hosting entry's webhook secret and set-up.
type hookEntry struct {
	URL    string
	Secret string
	// PreviousUntil, when set, is when the secret a rotation replaced stops
	// working (UTC, to the minute).
	PreviousUntil string
	// Forges are the set-ups shown: the entry's forge when it is known, all otherwise.
	Forges []hookSetup
}

// hookSetup is one forge's endpoint, with its instructions' text key.
type hookSetup struct {
	Forge    catalogue.HostingType
	Name     string
	Endpoint string
}

// forgeNames are the forges' names as they spell them.
var forgeNames = map[catalogue.HostingType]string{catalogue.HostingGitHub: "GitHub", catalogue.HostingGitLab: "GitLab",
	catalogue.HostingGitea: "Gitea", catalogue.HostingForgejo: "Forgejo", catalogue.HostingBitbucket: "Bitbucket Cloud"}

// hookPanelData builds the panel for a member of p.
func (s *Server) hookPanelData(ctx context.Context, a catalogue.Actor, p catalogue.Publisher) (*hookPanel, error) {
	secrets, err := s.hookSecrets.HookSecrets(ctx, a, p.ID)
	if err != nil {
		return nil, err
	}
	types := map[string]catalogue.HostingType{}
	for _, h := range p.CodeHosting {
		types[h.URL] = h.Type
		if h.Type == "" {
			types[h.URL] = crawler.InferType(h.URL)
		}
	}
	now := time.Now()
	panel := &hookPanel{}
	for _, sec := range secrets {
		e := hookEntry{URL: sec.HostingURL, Secret: sec.Secret}
		if sec.Previous != "" && now.Before(sec.PreviousUntil) {
			e.PreviousUntil = sec.PreviousUntil.UTC().Format("2006-01-02 15:04 UTC")
		}
		for _, f := range hookForges {
			if t := types[sec.HostingURL]; t == f || t == "" || t == catalogue.HostingGit {
				e.Forges = append(e.Forges, hookSetup{Forge: f, Name: forgeNames[f], Endpoint: s.absolute("/hooks/" + string(f))})
			}
		}
		panel.Entries = append(panel.Entries, e)
	}
	return panel, nil
}

// formRotateHookSecret gives a code-hosting entry a new webhook secret.
func (s *Server) formRotateHookSecret(c echo.Context) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	if s.hookSecrets == nil {
		return echo.ErrNotFound
	}
	if _, err := s.hookSecrets.RotateHookSecret(c.Request().Context(), a, c.Param("id"), c.FormValue("url")); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id")+"#webhooks", "hook-secret-rotated")
}
