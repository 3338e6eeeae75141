package catalogue

import (
	"errors"
	"fmt"
	"testing"
)

func TestRefusal_SaysItsMessageWhateverWrapsIt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		err      error
		sentinel error
		text     string
		message  string
	}{
		{"invalid", Invalidf("kind %q: use uses", "x"), ErrInvalid, `invalid: kind "x": use uses`, `kind "x": use uses`},
		{"forbidden, wrapped with context", fmt.Errorf("declare %s: %w", "s1", Forbiddenf("only members of %s may do this", "a")), ErrForbidden,
			"declare s1: forbidden: only members of a may do this", "only members of a may do this"},
		{"a message that names the sentinel", Invalidf("invalid: twice"), ErrInvalid, "invalid: invalid: twice", "invalid: twice"},
		{"no refusal", fmt.Errorf("list after %q: %w", "c", ErrInvalid), ErrInvalid, `list after "c": invalid`, `list after "c": invalid`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.sentinel) {
				t.Errorf("errors.Is(%v, %v) is false", tc.err, tc.sentinel)
			}
			if got := tc.err.Error(); got != tc.text {
				t.Errorf("Error() = %q, want %q", got, tc.text)
			}
			if got := UserMessage(tc.err); got != tc.message {
				t.Errorf("UserMessage = %q, want %q", got, tc.message)
			}
		})
	}
}
