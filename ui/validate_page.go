package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// validateFetchTimeout bounds fetching a file for the validator by its URL.
const validateFetchTimeout = 15 * time.Second

// maxFormOverhead is what a multipart form may add to the file it carries.
const maxFormOverhead = 64 << 10

// validatePage is the validator's page: the form, filled with what was sent
// (Pasted, URL), and either an Error or the Report on the file named Source.
type validatePage struct {
	Error  string
	URL    string
	Pasted string
	Report *publiccode.Report
	Source string
	// Findings are the report's in the visitor's language, beside the file's
	// Lines; General are those about no line, Cut says the file is longer
	// than the page shows.
	Findings []findingView
	Lines    []sourceLine
	General  []findingView
	Cut      bool
	Counts   publiccode.Counts
}

// validatePage shows the validator's form.
func (s *Server) validatePage(c echo.Context) error {
	l := s.localiser(c)
	return s.render(c, http.StatusOK, "validate", view{Title: l.T("ui.validate.title"), Section: "validate", Page: validatePage{}})
}

// validateSubmit validates a pasted, uploaded or fetched publiccode.yml and
// shows each finding next to the line it points at.
func (s *Server) validateSubmit(c echo.Context) error {
	l := s.localiser(c)
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, 2*int64(publiccode.DefaultMaxBytes)+maxFormOverhead)
	page, status := s.validatePageData(c, l)
	return s.render(c, status, "validate", view{Title: l.T("ui.validate.title"), Section: "validate", Robots: "noindex", Page: page})
}

// validatePageData reads the file the form sends and checks it; what cannot be
// read is said in the page's Error, with 422.
func (s *Server) validatePageData(c echo.Context, l localiser) (validatePage, int) {
	maxBytes := int64(publiccode.DefaultMaxBytes)
	data, source, err := s.validateInput(c, maxBytes)
	if err != nil {
		page := validatePage{URL: c.FormValue("url")}
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge), errors.Is(err, safehttp.ErrTooLarge):
			page.Error = l.T("ui.validate.tooLarge", "max", maxBytes>>10)
		case errors.Is(err, errNoInput):
			page.Error = l.T("ui.validate.noInput")
		case errors.Is(err, errBadURL):
			page.Error = l.T("ui.validate.badURL")
		default:
			page.Error = l.T("ui.validate.fetchFailed", "reason", s.fetchReason(l, c.FormValue("url"), err))
		}
		return page, http.StatusUnprocessableEntity
	}
	d := publiccode.Check(data, publiccode.Options{})
	rep := publiccode.NewReport(source, d)
	page := validatePage{Report: &rep, Source: source, Findings: l.Findings(rep.Findings, ""), Counts: publiccode.Count(rep.Findings)}
	page.Lines, page.General, page.Cut = annotate(string(data), page.Findings)
	if c.FormValue("url") != "" {
		page.URL = c.FormValue("url")
	} else {
		page.Pasted = string(data)
	}
	return page, http.StatusOK
}

// statusError is a fetch answered with another status than 200 OK.
type statusError struct{ status int }

func (e statusError) Error() string { return fmt.Sprintf("answered HTTP %d", e.status) }

// fetchReason says why fetching the validator's URL failed, in words that name
// no resolver, no internal address and nothing the remote server wrote; the
// error itself is logged for the operator.
func (s *Server) fetchReason(l localiser, raw string, err error) string {
	var se statusError
	if errors.As(err, &se) {
		return l.T("ui.validate.fetch.status", "status", fmt.Sprintf("%d %s", se.status, http.StatusText(se.status)))
	}
	f := safehttp.Classify(err)
	s.log.Info("validator fetch failed", "url", raw, "reason", f.Code, "err", err)
	return l.T("ui.validate.fetch." + f.Code)
}

var (
	errNoInput = errors.New("nothing to validate")
	errBadURL  = errors.New("not an http(s) URL")
)

// validateInput reads the file from the form: an upload, else the pasted
// text, else the URL, fetched through the SSRF-safe client.
func (s *Server) validateInput(c echo.Context, maxBytes int64) ([]byte, string, error) {
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > maxBytes {
			return nil, "", &http.MaxBytesError{Limit: maxBytes}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
		if err != nil {
			return nil, "", err
		}
		if int64(len(b)) > maxBytes {
			return nil, "", &http.MaxBytesError{Limit: maxBytes}
		}
		return b, fh.Filename, nil
	} else if err != nil && !errors.Is(err, http.ErrMissingFile) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, "", err
		}
	}
	if text := c.FormValue("yaml"); strings.TrimSpace(text) != "" {
		if int64(len(text)) > maxBytes {
			return nil, "", &http.MaxBytesError{Limit: maxBytes}
		}
		return []byte(text), "publiccode.yml", nil
	}
	if raw := strings.TrimSpace(c.FormValue("url")); raw != "" {
		b, err := s.fetchForValidation(c.Request().Context(), raw, maxBytes)
		return b, raw, err
	}
	return nil, "", errNoInput
}

// validationClient is the validator's URL client, built once per server so
// that its connections are reused (a client per request leaves each one's
// idle connections and their goroutines behind), and its timeout.
func validationClient(policy safehttp.Policy) (*http.Client, time.Duration) {
	if policy.Timeout == 0 {
		policy.Timeout = validateFetchTimeout
	}
	return policy.Client(), policy.Timeout
}

// fetchForValidation fetches a publiccode.yml by URL with the server's address
// policy: private and loopback addresses are refused unless the operator
// allowed them.
func (s *Server) fetchForValidation(ctx context.Context, raw string, maxBytes int64) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errBadURL
	}
	ctx, cancel := context.WithTimeout(ctx, s.validateTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errBadURL
	}
	resp, err := s.validateFetch.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, statusError{resp.StatusCode}
	}
	return safehttp.ReadAll(resp.Body, maxBytes)
}
