package ui

import (
	"context"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// Limits of the anonymous validator (POST /api/v1/validate and POST /validate:
// pasted text, upload or URL). Both are kept in this process: a client spread
// over several web processes gets each one's share, and each process protects
// its own memory and CPU, which is what the limits are for.
const (
	// DefaultValidateConcurrency is how many validations one process runs at
	// once, at least: more wait for a slot.
	DefaultValidateConcurrency = 2
	// DefaultValidatePerMinute is how many validations one client (IP address)
	// may ask for in a minute, with as many at once.
	DefaultValidatePerMinute = 30
	// validateSlotWait is how long a validation waits for a slot before it is
	// answered 429.
	validateSlotWait = 5 * time.Second
)

// validationGate bounds the validator: a semaphore for the process, a token
// bucket per client.
type validationGate struct {
	slots     chan struct{}
	wait      time.Duration // for a slot
	perClient *clientLimiter
}

func newValidationGate(concurrency, perMinute int) *validationGate {
	if concurrency <= 0 {
		concurrency = max(DefaultValidateConcurrency, runtime.GOMAXPROCS(0))
	}
	if perMinute <= 0 {
		perMinute = DefaultValidatePerMinute
	}
	return &validationGate{slots: make(chan struct{}, concurrency), wait: validateSlotWait,
		perClient: newClientLimiter(time.Minute/time.Duration(perMinute), perMinute)}
}

// admit takes one token of client's bucket, or says how long until there is one.
func (g *validationGate) admit(client string) (bool, time.Duration) {
	return g.perClient.take(client)
}

// limitValidation applies the validator's limits to POST /validate and POST
// /api/v1/validate, before anything reads the request's body (the form's CSRF
// check would): it caps the body, answers 429 with Retry-After when the client
// asked for too many validations or no slot frees in time, and holds a slot
// while the validation runs. Waiting requests have read nothing, so they cost
// no memory.
func (s *Server) limitValidation(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !validationRequest(r) {
			return next(c)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, 2*int64(publiccode.DefaultMaxBytes)+maxFormOverhead)
		g := s.validation
		if ok, wait := g.admit(c.RealIP()); !ok {
			return s.tooManyValidations(c, "ui.validate.slowDown", wait)
		}
		ctx, cancel := context.WithTimeout(r.Context(), g.wait)
		defer cancel()
		select {
		case g.slots <- struct{}{}:
		case <-ctx.Done():
			if err := r.Context().Err(); err != nil {
				return err // the client left
			}
			return s.tooManyValidations(c, "ui.validate.busy", time.Second)
		}
		defer func() { <-g.slots }()
		return next(c)
	}
}

// validationRequest reports whether r runs the validator or fetches for it:
// the validator's forms and API, and the editor's submissions and loads by URL.
func validationRequest(r *http.Request) bool {
	switch r.URL.Path {
	case "/validate", "/api/v1/validate":
		return r.Method == http.MethodPost
	case "/editor":
		return r.Method == http.MethodPost || r.URL.Query().Get("url") != ""
	}
	return false
}

// tooManyValidations is the 429, with Retry-After: problem+json for the API,
// the error page with the message for people.
func (s *Server) tooManyValidations(c echo.Context, key string, wait time.Duration) error {
	seconds := max(int(math.Ceil(wait.Seconds())), 1)
	c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
	return echo.NewHTTPError(http.StatusTooManyRequests, s.localiser(c).T(key, "seconds", seconds))
}
