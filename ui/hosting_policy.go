package ui

import (
	"context"
	"errors"
	"strings"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// errSiteHostingScheme explains why only http and https code hosting can be
// added on the site. file:// would read the server's own disk; git:// and
// ssh:// are dialled by go-git's own transports, by name, outside the
// SSRF-safe dialer, so a name that resolves to a public address when it is
// checked and to an internal one when it is dialled would get through. The
// operator's publishers file, which the operator vouches for, may name them.
const errSiteHostingScheme = "code hosting added on the site must be an http or https address (such as https://github.com/your-organisation); git://, ssh:// and file:// addresses can only be named in the operator's publishers file"

// checkSiteHosting refuses code hosting that anyone signed in may not add: a
// scheme other than http or https, or an address the fetch policy refuses.
func (s *Server) checkSiteHosting(ctx context.Context, raw string) error {
	raw = strings.TrimSpace(raw)
	if i := strings.Index(raw, ":"); i > 0 && !strings.Contains(raw, "://") && strings.Contains(raw[:i], "@") {
		return badRequest{errSiteHostingScheme} // git@host:path, which is ssh
	}
	return s.checkFetchURL(ctx, raw, "code hosting", errSiteHostingScheme)
}

// checkFetchURL checks a URL someone gave the site to fetch later (a webhook,
// code hosting) against the fetch policy. A refusal says why in neutral terms;
// the detail (what the name resolved to) is logged for the operator.
func (s *Server) checkFetchURL(ctx context.Context, raw, what, badScheme string) error {
	err := s.opts.FetchPolicy.CheckURL(ctx, raw)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, safehttp.ErrBadURL):
		return badRequest{badScheme}
	}
	f := safehttp.Classify(err)
	s.log.Info(what+" refused", "url", raw, "reason", f.Code, "err", err)
	return badRequest{what + " refused: " + f.Text}
}
