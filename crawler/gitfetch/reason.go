package gitfetch

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// PublicReason says why a fetch failed in a short, neutral sentence fit for a
// public crawl reason. It is built from what kind of error happened, never from
// the error's text: a git server's error page, a sideband message, a resolver's
// address or an internal host name never reach it. The caller logs the error.
func PublicReason(err error) string {
	var status *githttp.Err
	switch {
	case err == nil:
		return ""
	case isAny(err, ErrNotFound), isAny(err, transport.ErrRepositoryNotFound), isAny(err, transport.ErrAuthenticationRequired):
		return ErrNotFound.Error()
	case isAny(err, transport.ErrAuthorizationFailed):
		return "the server refused access to the repository"
	case isAny(err, ErrEmpty), isAny(err, transport.ErrEmptyRemoteRepository):
		return ErrEmpty.Error()
	case isAny(err, ErrOverCap):
		return ErrOverCap.Error()
	case isAny(err, safehttp.ErrForbiddenAddress):
		return "the repository's address is not on the public internet: private, loopback, link-local and other special-purpose addresses are refused unless --allow-private-networks is given"
	case asAny(err, &status):
		return fmt.Sprintf("the server answered HTTP %d", status.StatusCode())
	}
	if f := safehttp.Classify(innermost(err)); f != safehttp.FailUnreached {
		return "the server could not be reached: " + f.Text
	}
	return "the repository could not be fetched: the server's answer is not a git repository this crawler can read"
}

// causes are err and the errors go-git wraps without Unwrap.
func causes(err error) []error {
	out := []error{err}
	for {
		var ue *plumbing.UnexpectedError
		var pe *plumbing.PermanentError
		switch {
		case errors.As(err, &ue) && ue.Err != nil:
			err = ue.Err
		case errors.As(err, &pe) && pe.Err != nil:
			err = pe.Err
		default:
			return out
		}
		out = append(out, err)
	}
}

func innermost(err error) error {
	c := causes(err)
	return c[len(c)-1]
}

func isAny(err, target error) bool {
	for _, e := range causes(err) {
		if errors.Is(e, target) {
			return true
		}
	}
	return false
}

func asAny[T error](err error, target *T) bool {
	for _, e := range causes(err) {
		if errors.As(e, target) {
			return true
		}
	}
	return false
}
