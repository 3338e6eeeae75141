package ui

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Limits of a barrier report, in characters.
const (
	maxReportText  = 4000
	maxReportField = 300
)

// accessibilityPage is the accessibility statement's data: the barrier form,
// filled with what was sent (Where, What, Contact), an Error, or Thanks.
type accessibilityPage struct {
	Where, What, Contact string
	Error                string
	Thanks               bool
}

// accessibilityPage is the accessibility statement the Web Accessibility
// Directive asks for, with a form to report a barrier.
func (s *Server) accessibilityPage(c echo.Context) error {
	l := s.localiser(c)
	return s.render(c, http.StatusOK, "accessibility", view{Title: l.T("ui.a11y.title"), Section: "accessibility",
		Page: accessibilityPage{Where: c.QueryParam("page")}})
}

// reportBarrier takes a barrier report: it is logged and, when the server has
// an outbox, written there for the operator. Reports are limited per client;
// one refused is shown back with what was written, to send later.
func (s *Server) reportBarrier(c echo.Context) error {
	l := s.localiser(c)
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, 64<<10)
	where := oneLine(clipText(c.FormValue("where"), maxReportField))
	what := clipText(c.FormValue("what"), maxReportText)
	contact := oneLine(clipText(c.FormValue("contact"), maxReportField))
	page := accessibilityPage{Where: where, What: what, Contact: contact}
	if strings.TrimSpace(what) == "" {
		page.Error = l.T("ui.a11y.report.missing")
		return s.render(c, http.StatusUnprocessableEntity, "accessibility", view{Title: l.T("ui.a11y.title"), Section: "accessibility", Page: page})
	}
	var le limitExceeded
	if err := take("ui.limit.report", limitKey{s.limits.report, c.RealIP()}); errors.As(err, &le) {
		setRetryAfter(c, le)
		page.Error = l.T(le.text)
		return s.render(c, http.StatusTooManyRequests, "accessibility", view{Title: l.T("ui.a11y.title"), Section: "accessibility", Robots: "noindex", Page: page})
	}
	s.log.Warn("accessibility barrier reported", "page", where, "contact", contact, "report", what)
	if s.opts.Outbox != "" {
		if err := writeReport(s.opts.Outbox, where, what, contact); err != nil {
			s.log.Error("keep a barrier report", "outbox", s.opts.Outbox, "err", err)
		}
	}
	return s.render(c, http.StatusOK, "accessibility", view{Title: l.T("ui.a11y.title"), Section: "accessibility", Robots: "noindex",
		Page: accessibilityPage{Thanks: true}})
}

func writeReport(dir, where, what, contact string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	var id [6]byte
	_, _ = rand.Read(id[:])
	now := time.Now().UTC()
	name := filepath.Join(dir, fmt.Sprintf("barrier-%s-%s.txt", now.Format("20060102T150405Z"), hex.EncodeToString(id[:])))
	body := fmt.Sprintf("Subject: Accessibility barrier reported\nDate: %s\nPage: %s\nContact: %s\n\n%s\n", now.Format(time.RFC1123Z), where, contact, what)
	return os.WriteFile(name, []byte(body), 0o640)
}

// oneLine keeps a report's header field on its line: every control character
// and line or paragraph separator becomes a space, so that a field cannot add
// a header line ("Bcc: …") to the stored report.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// clipText trims s and cuts it at n characters.
func clipText(s string, n int) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
