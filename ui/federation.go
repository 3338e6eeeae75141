package ui

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// FederationOptions configure what the server publishes for other catalogues:
// the change feed, the Developers Italia-compatible API, the DCAT-AP export, the
// Atom feeds and the webhook administration.
type FederationOptions struct {
	// InstanceID names this instance to its peers (the feed says it).
	InstanceID string
	// Title and Description describe the catalogue in exports; Operator is the
	// organisation that runs it (the catalogue's publisher), ContactEmail its
	// contact for entries that name none.
	Title        string
	Description  string
	Operator     string
	ContactEmail string
	// StaleAfter marks a harvested entry stale when its peer has not answered a
	// harvest for that long (0: never).
	StaleAfter time.Duration
	// AdminToken guards the administration API (/api/v1/admin/…); empty turns it off.
	AdminToken string
}

// federationRoutes serve what other catalogues harvest, when the site has a
// federation source (every sqlstore is one).
func (s *Server) federationRoutes(e *echo.Echo, api *echo.Group) {
	if s.federation == nil {
		return
	}
	api.GET("/changes", s.apiChanges)
	di := e.Group("/di/v1")
	di.GET("/software", s.diListSoftware)
	di.GET("/software/:id", s.diSoftware)
	di.GET("/publishers", s.diListPublishers)
	di.GET("/publishers/:id", s.diPublisher)
	e.GET("/dcat-ap.jsonld", s.dcatJSONLD)
	e.GET("/dcat-ap.rdf", s.dcatRDF)
	e.GET("/feeds/software.atom", s.atomSoftware)
	e.GET("/feeds/categories/:id", s.atomCategory)
	e.GET("/feeds/publishers/:id", s.atomPublisher)
	admin := api.Group("/admin", s.requireAdmin)
	admin.GET("/webhooks", s.adminListWebhooks)
	admin.POST("/webhooks", s.adminAddWebhook)
	admin.DELETE("/webhooks/:id", s.adminRemoveWebhook)
	admin.GET("/webhooks/:id/deliveries", s.adminDeliveries)
}

// absolute builds a link from the configured public URL, never from the request.
func (s *Server) absolute(path string) string {
	return strings.TrimRight(s.opts.PublicURL, "/") + path
}

// originItem is where a harvested entry came from, as the API shows it.
type originItem struct {
	Peer        string                      `json:"peer"`
	Instance    string                      `json:"instance"`
	ID          string                      `json:"id"`
	Page        string                      `json:"page,omitempty"`
	HarvestedAt string                      `json:"harvestedAt"`
	CheckedAt   string                      `json:"checkedAt,omitempty"`
	Stale       bool                        `json:"stale"`
	Publishers  []catalogue.OriginPublisher `json:"publishers"`
	checked     time.Time
}

func newOriginItem(o *catalogue.Origin) *originItem {
	if o == nil {
		return nil
	}
	it := &originItem{Peer: o.Peer, Instance: o.Instance, ID: o.ID, Page: o.Page, HarvestedAt: o.HarvestedAt.Format(time.RFC3339),
		Publishers: o.Publishers, checked: o.CheckedAt}
	if !o.CheckedAt.IsZero() {
		it.CheckedAt = o.CheckedAt.Format(time.RFC3339)
	}
	if it.Publishers == nil {
		it.Publishers = []catalogue.OriginPublisher{}
	}
	return it
}

// withStale marks a harvested entry stale when its peer has not answered for
// longer than the configured age.
func (s *Server) withStale(it softwareItem) softwareItem {
	if o := it.Origin; o != nil && s.opts.Federation.StaleAfter > 0 {
		o.Stale = o.checked.IsZero() || time.Since(o.checked) > s.opts.Federation.StaleAfter
	}
	return it
}

// writeProblem answers with an RFC 9457 problem and extension members; the
// body is a map because the members are the caller's.
func writeProblem(c echo.Context, status int, detail string, ext map[string]any) error {
	body := map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "instance": c.Request().URL.Path}
	if detail != "" {
		body["detail"] = detail
	}
	for k, v := range ext {
		body[k] = v
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(status)
	return jsonEncode(c.Response(), body)
}
