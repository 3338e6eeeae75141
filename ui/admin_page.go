package ui

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// adminAuditLength is how many audit entries the admin page shows.
const adminAuditLength = 50

// adminPage is what waits for an instance administrator's decision, and the
// latest entries of the audit log.
type adminPage struct {
	Memberships     []catalogue.Membership
	Administrations []catalogue.Publisher
	Hosting         []catalogue.PublisherHosting
	Audit           []catalogue.AuditEntry
	Done            string
}

func (adminPage) template() string { return "admin" }

func (s *Server) showAdmin(c echo.Context) error {
	if err := s.mustBeAdmin(c); err != nil {
		return s.signInFirst(c, err)
	}
	p, err := s.adminPageData(c.Request().Context())
	if err != nil {
		return err
	}
	p.Done = c.QueryParam("done")
	return s.page(c, http.StatusOK, s.localiser(c).T("ui.admin.title"), p)
}

// adminPageData reads the pending decisions and the audit log.
func (s *Server) adminPageData(ctx context.Context) (adminPage, error) {
	w, err := s.pendingWork(ctx)
	if err != nil {
		return adminPage{}, fmt.Errorf("admin page: %w", err)
	}
	log, err := s.opts.Community.AuditLog(ctx, "", adminAuditLength)
	if err != nil {
		return adminPage{}, fmt.Errorf("admin page: audit log: %w", err)
	}
	return adminPage{Memberships: w.memberships, Administrations: w.administrations, Hosting: w.hosting, Audit: log}, nil
}
