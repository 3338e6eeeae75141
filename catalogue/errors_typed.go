package catalogue

import (
	"errors"
	"fmt"
)

// Refusal is a request the catalogue turns down, with words for the person who
// made it: what to change (Kind ErrInvalid) or why they may not (ErrForbidden).
// Pages and the API show Message as it is; no one cuts it out of Error's text.
type Refusal struct {
	// Kind is ErrInvalid or ErrForbidden; errors.Is sees it through the Refusal.
	Kind    error
	Message string
}

// Error reads like the sentinel wrapped with its message: "invalid: …".
func (e *Refusal) Error() string { return e.Kind.Error() + ": " + e.Message }

func (e *Refusal) Unwrap() error { return e.Kind }

// Invalidf refuses input; the message says what to change.
func Invalidf(format string, args ...any) error {
	return &Refusal{Kind: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

// Forbiddenf refuses an action the actor may not take; the message says who may.
func Forbiddenf(format string, args ...any) error {
	return &Refusal{Kind: ErrForbidden, Message: fmt.Sprintf(format, args...)}
}

// UserMessage is what err says to a person: the message of the Refusal it
// wraps, else its whole text.
func UserMessage(err error) string {
	if r, ok := errors.AsType[*Refusal](err); ok {
		return r.Message
	}
	return err.Error()
}
