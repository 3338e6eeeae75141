package safehttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"syscall"
)

// Failure is why a fetch failed, in terms fit for anyone to read: it names no
// resolver, no address a name resolved to, no detail of the network between,
// and no text the remote server sent. The error itself goes to the operator's
// log.
type Failure struct {
	// Code is stable, for translations: forbidden-address, bad-url, too-large,
	// timeout, no-such-host, dns, refused, tls, unreachable.
	Code string
	// Text says it in English.
	Text string
}

// Failures, by code.
var (
	FailForbidden  = Failure{"forbidden-address", "the address is not on the public internet (private, loopback, link-local and other special-purpose addresses are refused)"}
	FailBadURL     = Failure{"bad-url", "the URL is not an absolute http or https URL"}
	FailTooLarge   = Failure{"too-large", "the answer is larger than allowed"}
	FailTimeout    = Failure{"timeout", "the server did not answer in time"}
	FailNoSuchHost = Failure{"no-such-host", "the host name does not exist"}
	FailDNS        = Failure{"dns", "the host name could not be resolved"}
	FailRefused    = Failure{"refused", "the server refused the connection"}
	FailTLS        = Failure{"tls", "the server's TLS certificate could not be verified"}
	FailUnreached  = Failure{"unreachable", "the server could not be reached"}
)

// Classify says why err, from a fetch, happened. Errors it does not recognise
// are "unreachable": it never passes an error's text on.
func Classify(err error) Failure {
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var ne net.Error
	switch {
	case errors.Is(err, ErrForbiddenAddress):
		return FailForbidden
	case errors.Is(err, ErrBadURL):
		return FailBadURL
	case errors.Is(err, ErrTooLarge):
		return FailTooLarge
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return FailNoSuchHost
		}
		if dns.IsTimeout {
			return FailTimeout
		}
		return FailDNS
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return FailTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return FailRefused
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return FailTLS
	}
	return FailUnreached
}
