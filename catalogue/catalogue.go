// Package catalogue is Oscat's domain: software, publishers, repositories, findings
// and crawl runs, and the Store that keeps them. Implementations of the Store live in
// sub-packages; everything that reads or writes the catalogue goes through it.
package catalogue

import "errors"

// ErrNotFound is returned when an entity does not exist (or is hidden).
var ErrNotFound = errors.New("not found")

// ErrInvalid wraps input the catalogue refuses; its message says what to change.
var ErrInvalid = errors.New("invalid")
