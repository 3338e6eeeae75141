package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// editorPage is the editor at /editor: the form, and after a submission the
// file it writes with the validator's findings.
type editorPage struct {
	Groups []editorGroupView
	// YAML is the file the form writes; Checked says it was checked.
	YAML    string
	Checked bool
	Valid   bool
	Counts  publiccode.Counts
	// General are the findings no field shows; Lines the file with all of them.
	General []findingView
	Lines   []sourceLine
	Cut     bool
	// Source says where the form was loaded from; Todo are a draft's keys to fill.
	Source string
	Todo   []string
	// LeftOut are keys of the loaded file the editor does not write.
	LeftOut []string
	Error   string
	// Pasted, URL and Repository are what the loading form holds.
	Pasted, URL, Repository string
}

// editorRequest is what a visitor asked of the editor.
type editorRequest struct {
	// Action is "load" (pasted YAML), "download", or "" (check the fields).
	Action              string
	Repository, URL     string
	YAML                string
	Form                url.Values
	Lang                string
	FromForm, FromQuery bool
}

// editorSource is what the editor reads from the catalogue: the code entry of
// a crawled repository, for its draft.
type editorSource interface {
	CodeEntryByURL(ctx context.Context, url string) (catalogue.CodeEntry, error)
}

// editorLoader loads the editor's input: drafts from the catalogue, files by
// URL through the validator's SSRF-safe fetch.
type editorLoader struct {
	code  editorSource
	fetch func(ctx context.Context, raw string, maxBytes int64) ([]byte, error)
	tree  editorSection
	help  editorHelp
	l     localiser
	// reason words a failed fetch.
	reason func(raw string, err error) string
}

// editorPageHandler serves GET and POST /editor.
func (s *Server) editorPageHandler(c echo.Context) error {
	req := editorRequest{Lang: s.localiser(c).Lang}
	if c.Request().Method == http.MethodPost {
		form, err := c.FormParams()
		if err != nil {
			return s.editorTooLarge(c, err)
		}
		req.Form, req.FromForm = form, true
		req.Action, req.YAML = form.Get("action"), form.Get("yaml")
	} else {
		req.Repository, req.URL = strings.TrimSpace(c.QueryParam("repository")), strings.TrimSpace(c.QueryParam("url"))
	}
	ld, err := s.editorLoaderFor(c)
	if err != nil {
		return err
	}
	p, status, err := ld.pageData(c.Request().Context(), req)
	if err != nil {
		return err
	}
	if req.Action == "download" && p.Error == "" {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="publiccode.yml"`)
		return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", []byte(p.YAML))
	}
	l := s.localiser(c)
	return s.render(c, status, "editor", view{Title: l.T("ui.editor.title"), Section: "validate", Robots: "noindex",
		Description: l.T("ui.editor.lead"), Page: p})
}

func (s *Server) editorTooLarge(c echo.Context, err error) error {
	var tooLarge *http.MaxBytesError
	if !errors.As(err, &tooLarge) {
		return echo.NewHTTPError(http.StatusBadRequest, "the form could not be read: "+err.Error())
	}
	l := s.localiser(c)
	p := editorPage{Error: l.T("ui.validate.tooLarge", "max", publiccode.DefaultMaxBytes>>10)}
	a, aerr := editorAssetsOnce()
	if aerr != nil {
		return aerr
	}
	p.Groups = editorViewer{l: l, help: a.help, v: editorValues{}}.groups(a.tree)
	return s.render(c, http.StatusRequestEntityTooLarge, "editor", view{Title: l.T("ui.editor.title"), Section: "validate", Robots: "noindex", Page: p})
}

func (s *Server) editorLoaderFor(c echo.Context) (editorLoader, error) {
	a, err := editorAssetsOnce()
	if err != nil {
		return editorLoader{}, err
	}
	l := s.localiser(c)
	ld := editorLoader{tree: a.tree, help: a.help, l: l, fetch: s.fetchForValidation,
		reason: func(raw string, err error) string { return s.fetchReason(l, raw, err) }}
	if s.codes != nil {
		ld.code = s.codes
	}
	return ld, nil
}

// editorAssets are the form's tree and the standard's help texts, read once
// from the embedded schema and help file.
type editorAssets struct {
	tree editorSection
	help editorHelp
}

var editorAssetsOnce = sync.OnceValues(func() (editorAssets, error) {
	tree, err := editorSchema()
	if err != nil {
		return editorAssets{}, err
	}
	help, err := loadEditorHelp()
	return editorAssets{tree: tree, help: help}, err
})

// pageData builds the editor's page for a request; the status is 422 when
// the input could not be loaded.
func (ld editorLoader) pageData(ctx context.Context, req editorRequest) (editorPage, int, error) {
	p := editorPage{Repository: req.Repository, URL: req.URL}
	status := http.StatusOK
	var v editorValues
	var err error
	switch {
	case req.FromForm && req.Action == "load":
		p.Pasted = req.YAML
		v, err = ld.fromYAML(&p, []byte(req.YAML), "publiccode.yml")
	case req.FromForm:
		v = ld.tree.compact(editorValuesFromForm(ld.tree, req.Form))
	case req.Repository != "":
		v, err = ld.fromDraft(ctx, &p, req.Repository)
	case req.URL != "":
		v, err = ld.fromURL(ctx, &p, req.URL)
	default:
		v = editorValues{}
	}
	if err != nil {
		return p, 0, err
	}
	if p.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	if v == nil {
		v = editorValues{}
	}
	if err := ld.check(&p, v, req.FromForm || req.Repository != "" || req.URL != ""); err != nil {
		return p, 0, err
	}
	return p, status, nil
}

// check writes the values as YAML, validates it, and draws the form with
// each finding at its field.
func (ld editorLoader) check(p *editorPage, v editorValues, checked bool) error {
	p.Groups = editorViewer{l: ld.l, help: ld.help, v: v}.groups(ld.tree)
	if !checked || p.Error != "" {
		return nil
	}
	y, err := ld.tree.yamlOf(v)
	if err != nil {
		return err
	}
	p.YAML, p.Checked = string(y), true
	d := publiccode.Check(y, publiccode.Options{})
	findings := ld.l.Findings(d.Findings, "")
	p.Valid, p.Counts = publiccode.Valid(d.Findings), publiccode.Count(d.Findings)
	p.Lines, _, p.Cut = annotate(p.YAML, findings)
	p.General = placeFindings(p.Groups, v, findings)
	return nil
}

// fromYAML fills the form from a file, read with the reader's limits.
func (ld editorLoader) fromYAML(p *editorPage, data []byte, source string) (editorValues, error) {
	if strings.TrimSpace(string(data)) == "" {
		p.Error = ld.l.T("ui.validate.noInput")
		return nil, nil
	}
	d := publiccode.Read(data, publiccode.Limits{})
	if d.File == nil {
		msg := ld.l.T("ui.editor.unreadable")
		if fs := ld.l.Findings(d.Findings, ""); len(fs) > 0 {
			msg += " " + fs[0].Message
		}
		p.Error = msg
		return nil, nil
	}
	v, left, err := editorValuesOf(ld.tree, d)
	p.Source, p.LeftOut = source, left
	return v, err
}

// fromDraft fills the form with the draft of a crawled repository, the one
// POST /api/v1/drafts gives.
func (ld editorLoader) fromDraft(ctx context.Context, p *editorPage, repo string) (editorValues, error) {
	if ld.code == nil {
		p.Error = ld.l.T("ui.editor.noDraft")
		return nil, nil
	}
	e, err := ld.code.CodeEntryByURL(ctx, repo)
	if errors.Is(err, catalogue.ErrNotFound) {
		p.Error = ld.l.T("ui.editor.noDraft")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := catalogue.MakeDraft(catalogue.DraftInputOf(e))
	p.Todo = d.Todo
	return ld.fromYAML(p, []byte(d.PubliccodeYml), repo)
}

// fromURL fills the form with a file fetched by its URL, as the validator
// fetches it.
func (ld editorLoader) fromURL(ctx context.Context, p *editorPage, raw string) (editorValues, error) {
	max := int64(publiccode.DefaultMaxBytes)
	b, err := ld.fetch(ctx, raw, max)
	switch {
	case err == nil:
		return ld.fromYAML(p, b, raw)
	case errors.Is(err, safehttp.ErrTooLarge):
		p.Error = ld.l.T("ui.validate.tooLarge", "max", max>>10)
	case errors.Is(err, errBadURL):
		p.Error = ld.l.T("ui.validate.badURL")
	default:
		p.Error = ld.l.T("ui.validate.fetchFailed", "reason", ld.reason(raw, err))
	}
	return nil, nil
}
