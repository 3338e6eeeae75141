package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/search"
)

// problem is an RFC 9457 problem detail, the body of every API error.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// badRequest is an error whose message tells the client what to change.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

// errorPage is the error page's data: what the visitor may change, if anything.
type errorPage struct{ Detail string }

// handleError turns errors into problem+json for the API and an error page for
// people. Internal details are logged, not shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, detail := http.StatusInternalServerError, ""
	var he *echo.HTTPError
	var br badRequest
	var le limitExceeded
	switch {
	case errors.As(err, &le):
		status, detail = http.StatusTooManyRequests, s.localiser(c).T(le.text)
		setRetryAfter(c, le)
	case errors.As(err, &br):
		status, detail = http.StatusBadRequest, br.msg
	case errors.Is(err, search.ErrBadCursor):
		status, detail = http.StatusBadRequest, badCursor(c.QueryParam("page[after]")).msg
	case errors.Is(err, search.ErrInvalid):
		status, detail = http.StatusBadRequest, err.Error()
	case errors.Is(err, catalogue.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, catalogue.ErrForbidden):
		status, detail = http.StatusForbidden, catalogue.UserMessage(err)
	case errors.Is(err, catalogue.ErrInvalid):
		status, detail = http.StatusBadRequest, catalogue.UserMessage(err)
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok && status < 500 {
			detail = m
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "path", c.Request().URL.Path, "err", err)
	}
	path := c.Request().URL.Path
	if strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/hooks/") {
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().WriteHeader(status)
		_ = jsonEncode(c.Response(), problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: path})
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	l := s.localiser(c)
	title := l.T("ui.error.other", "status", status)
	if key := "ui.error." + strconv.Itoa(status); s.texts.Has(i18n.English, key) {
		title = l.T(key)
	}
	_ = s.render(c, status, "error", view{Title: title, Robots: "noindex", Page: errorPage{Detail: detail}})
}
