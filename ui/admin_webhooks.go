package ui

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// requireAdmin guards the administration API with the configured token, sent as
// "Authorization: Bearer TOKEN" and compared in constant time. Without a
// configured token the administration API does not exist.
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		want := s.opts.Federation.AdminToken
		if want == "" {
			return catalogue.ErrNotFound
		}
		got, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="oscat admin"`)
			return echo.NewHTTPError(http.StatusUnauthorized, "send the administrator's token as Authorization: Bearer TOKEN")
		}
		return next(c)
	}
}

// webhookItem is a webhook as the administration API shows it; the secret is
// shown once, when the webhook is made.
type webhookItem struct {
	ID        int64    `json:"id"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	Secret    string   `json:"secret,omitempty"`
	CreatedAt string   `json:"createdAt"`
}

func newWebhookItem(w catalogue.Webhook) webhookItem {
	events := w.Events
	if len(events) == 0 {
		events = catalogue.WebhookEvents
	}
	return webhookItem{ID: w.ID, URL: w.URL, Events: events, CreatedAt: w.CreatedAt.Format(time.RFC3339)}
}

// adminListWebhooks answers GET /api/v1/admin/webhooks.
func (s *Server) adminListWebhooks(c echo.Context) error {
	list, err := s.federation.Webhooks(c.Request().Context())
	if err != nil {
		return err
	}
	items := make([]webhookItem, 0, len(list))
	for _, w := range list {
		items = append(items, newWebhookItem(w))
	}
	return jsonOK(c, listResponse{Data: items, Links: listLinks{}})
}

// adminAddWebhook answers POST /api/v1/admin/webhooks {url, events?, secret?}:
// 201 with the webhook and its secret (made when not given).
func (s *Server) adminAddWebhook(c echo.Context) error {
	var req struct {
		URL    string   `json:"url"`
		Events []string `json:"events"`
		Secret string   `json:"secret"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return badRequest{"send a JSON object {\"url\": …, \"events\": […], \"secret\": \"whsec_…\"}: " + err.Error()}
	}
	w := catalogue.Webhook{URL: req.URL, Events: req.Events, Secret: req.Secret}
	if w.Secret == "" {
		w.Secret = catalogue.NewWebhookSecret()
	}
	if err := w.Validate(); err != nil {
		return badRequest{catalogue.UserMessage(err)}
	}
	// Refused now, not only at each delivery: a webhook that can never be
	// delivered is a mistake to say at once, and an internal one an attack.
	if err := s.checkFetchURL(c.Request().Context(), w.URL, "webhook URL", "write an absolute http or https URL"); err != nil {
		return err
	}
	w, err := s.federation.AddWebhook(c.Request().Context(), w)
	if err != nil {
		return err
	}
	it := newWebhookItem(w)
	it.Secret = w.Secret
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(http.StatusCreated)
	return jsonEncode(c.Response(), it)
}

func webhookID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, catalogue.ErrNotFound
	}
	return id, nil
}

// adminRemoveWebhook answers DELETE /api/v1/admin/webhooks/{id}.
func (s *Server) adminRemoveWebhook(c echo.Context) error {
	id, err := webhookID(c)
	if err != nil {
		return err
	}
	if err := s.federation.RemoveWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// adminDeliveries answers GET /api/v1/admin/webhooks/{id}/deliveries: the last
// deliveries, newest first.
func (s *Server) adminDeliveries(c echo.Context) error {
	id, err := webhookID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.federation.WebhookByID(ctx, id); err != nil {
		return err
	}
	list, err := s.federation.Deliveries(ctx, id, catalogue.DeliveryLogLength)
	if errors.Is(err, catalogue.ErrNotFound) || err != nil {
		return err
	}
	return jsonOK(c, listResponse{Data: list, Links: listLinks{}})
}
