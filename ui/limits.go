package ui

import (
	"math"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// limitExceeded is the error of a request a limit refuses: 429 with
// Retry-After, as problem+json for the API and as a message on the page for
// people. Nothing the request carried is kept.
type limitExceeded struct {
	retry time.Duration
	// text is the key of the message, said in the visitor's language.
	text string
}

func (e limitExceeded) Error() string { return "too many requests (" + e.text + ")" }

// retryAfter is the Retry-After header's value: whole seconds, at least one.
func (e limitExceeded) retryAfter() string {
	return strconv.Itoa(max(1, int(math.Ceil(e.retry.Seconds()))))
}

// siteLimits are the brakes on work a request makes the site do, beside the
// sign-in limits. Each is a token bucket in this process (see clientLimiter).
type siteLimits struct {
	// crawlRepository brakes "crawl now" of one repository, crawlPublisher that
	// of one administration's repositories, crawlPerson every "crawl now" of
	// one person.
	crawlRepository, crawlPublisher, crawlPerson *clientLimiter
	// report brakes accessibility barrier reports per client.
	report *clientLimiter
}

func newSiteLimits() siteLimits {
	return siteLimits{
		crawlRepository: newClientLimiter(5*time.Minute, 2),
		crawlPublisher:  newClientLimiter(10*time.Minute, 2),
		crawlPerson:     newClientLimiter(3*time.Minute, 10),
		report:          newClientLimiter(10*time.Minute, 5),
	}
}

// limitKey is one limiter and the key a request is counted under.
type limitKey struct {
	l   *clientLimiter
	key string
}

// take takes one token from each limiter in turn, or refuses with the wait of
// the first that has none (the later ones are not touched).
func take(text string, keys ...limitKey) error {
	for _, k := range keys {
		if ok, retry := k.l.take(k.key); !ok {
			return limitExceeded{retry: retry, text: text}
		}
	}
	return nil
}

// setRetryAfter is set on a refused request's response.
func setRetryAfter(c echo.Context, e limitExceeded) {
	c.Response().Header().Set("Retry-After", e.retryAfter())
}
